"""The one definition of "in payment" (在保) for SQL and plain code: the workflow's
``PAYING_STATES`` (发放中, 渐退期), whether the case file is archived or not."""

from __future__ import annotations

from typing import Any

from desktop.domain.workflow import LEGACY_ARCHIVED, PAYING_STATES, State

PAYING_CODES: tuple[str, ...] = tuple(sorted(s.value for s in PAYING_STATES))
"""State codes of the cases in payment, as stored in ``applications.state``."""


def paying_sql(column: str = "state") -> str:
    """An SQL condition "``column`` is a paying state" (the codes are fixed, not user input)."""
    codes = ", ".join(f"'{c}'" for c in PAYING_CODES)
    return f"{column} IN ({codes})"


def is_paying(state: str) -> bool:
    """Whether a stored state code is in payment."""
    return state in PAYING_CODES


def paying_filter(column: Any) -> Any:
    """The same condition as an SQLAlchemy expression on a state column."""
    return column.in_(PAYING_CODES)


def upgrade_application_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """An application record from a desk not yet at migration 0010 (state "archived") in
    today's terms: still paying, with the file's archive date in its own field."""
    if payload.get("state") != LEGACY_ARCHIVED:
        return payload
    workflow = dict(payload.get("workflow") or {})
    workflow["state"] = State.PAYING.value
    return {
        **payload,
        "state": State.PAYING.value,
        "archived_on": payload.get("archived_on") or workflow.get("archived_on"),
        "workflow": workflow,
    }
