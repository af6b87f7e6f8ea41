"""The policy table's digest as stored (plain store reads, no actor): what a policy change
records in its audit event and what a desk reports to the hub with its chain checkpoint; and
the copy of the city's table last fetched from the hub, kept for comparison."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy.integrity import policy_digest
from desktop.domain.policy.tables import PolicyRow
from desktop.store.models import Setting
from desktop.store.policy_models import PolicyRowRecord
from desktop.store.store import Store


def stored_rows(session: Session) -> list[PolicyRow]:
    """The policy table as this session sees it (flushed rows included)."""
    session.flush()
    t = PolicyRowRecord
    # plain rows, no ORM instances: every sync reads the whole table for its digest
    cols = select(t.key, t.value, t.effective_from, t.effective_to, t.district, t.source)
    return [PolicyRow(*r) for r in session.execute(cols)]


def table_digest(session: Session) -> str:
    """The digest of the policy table as this session sees it (flushed rows included)."""
    return policy_digest(stored_rows(session))


def stored_digest(store: Store) -> str:
    """The digest of the policy table in the store."""
    with store.sessions.read() as s:
        return table_digest(s)


CITY_COPY_KEY = "city_policy.copy"
"""The settings row holding the last city policy table fetched from the hub (JSON)."""


@dataclass(frozen=True)
class CityCopy:
    """The hub's city policy table as last fetched: its digest, rows and when."""

    digest: str
    rows: tuple[PolicyRow, ...]
    fetched_at: str


def save_city_copy(store: Store, digest: str | None, rows: list[dict[str, Any]], at: str) -> bool:
    """Keep the hub's table (or forget it when the hub has none); True when it changed."""
    with store.sessions.write() as s:
        row = s.get(Setting, CITY_COPY_KEY)
        if digest is None:
            if row is not None:
                s.delete(row)
            return row is not None
        before = json.loads(row.value).get("digest") if row is not None else None
        text = json.dumps({"digest": digest, "rows": rows, "at": at}, ensure_ascii=False)
        if row is None:
            s.add(Setting(key=CITY_COPY_KEY, value=text))
        else:
            row.value = text
        return before != digest


def city_copy_digest(session: Session) -> str | None:
    """The digest of the hub's table as last fetched (None when there is no copy)."""
    value = session.execute(select(Setting.value).where(Setting.key == CITY_COPY_KEY)).scalar()
    return None if value is None else str(json.loads(value)["digest"])


def city_copy(session: Session) -> CityCopy | None:
    """The hub's table as last fetched (None when the hub has none or was never asked)."""
    row = session.get(Setting, CITY_COPY_KEY)
    if row is None:
        return None
    body = json.loads(row.value)
    rows = tuple(
        PolicyRow(
            r["key"],
            r["value"],
            date.fromisoformat(r["effective_from"]),
            date.fromisoformat(r["effective_to"]) if r.get("effective_to") else None,
            r.get("district"),
            r.get("source") or "",
        )
        for r in body["rows"]
    )
    return CityCopy(str(body["digest"]), rows, str(body.get("at", "")))
