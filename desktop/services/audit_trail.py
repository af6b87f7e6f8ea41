"""The audit trail's hash chain checked on this desk: ``python -m desktop verify-audit`` and
the administrator's 操作日志 screen report the first broken link."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from desktop.domain.audit_chain import HASHED_FIELDS, ChainReport, verify_chain
from desktop.services.base import Actor, Role, Scope, service
from desktop.store.models import AuditEvent
from desktop.store.store import Store

_COLUMNS = ", ".join(("chain_seq", "prev_hash", "hash", *HASHED_FIELDS))
# Local events (a user of this desk) ordered by link; an event off the chain comes first so
# a forged INSERT without a link is reported, not skipped.
_ROWS = (
    f"SELECT {_COLUMNS} FROM audit_events WHERE user_id IS NOT NULL "
    "ORDER BY chain_seq IS NOT NULL, chain_seq"
)


def _rows(store: Store) -> Iterator[dict[str, Any]]:
    names = ("chain_seq", "prev_hash", "hash", *HASHED_FIELDS)
    with store.sessions.engine.connect() as conn:
        for row in conn.execute(text(_ROWS)):
            fields = dict(zip(names, row, strict=True))
            if isinstance(fields["data"], str):
                # an edited cell that is no longer JSON stays text: its hash will not match
                with contextlib.suppress(ValueError):
                    fields["data"] = json.loads(fields["data"] or "{}")
            yield fields


def check_chain(store: Store) -> ChainReport:
    """Walk this desk's audit chain (no actor: the command-line check runs with the key)."""
    return verify_chain(_rows(store))


@service(
    roles={Role.ADMIN, Role.SUPERVISOR},
    scope=Scope.NONE("checks the whole audit trail, shows no family data"),
)
def verify_audit_trail(store: Store, actor: Actor) -> ChainReport:
    """The chain check for the administrator's screen."""
    return check_chain(store)


@dataclass(frozen=True)
class AuditLine:
    """One line of the 操作日志 screen."""

    seq: int | None
    at: datetime
    actor_name: str
    role: str
    action: str
    summary: str


@service(
    roles={Role.ADMIN, Role.SUPERVISOR},
    scope=Scope.NONE("the office's own log lines, newest first; summaries carry no full IDs"),
    changes=(),
)
def recent_audit_lines(store: Store, actor: Actor, limit: int = 200) -> list[AuditLine]:
    """The newest lines of this desk's audit trail."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(AuditEvent)
            .order_by(AuditEvent.at.desc(), AuditEvent.chain_seq.desc())
            .limit(limit)
        ).all()
        return [
            AuditLine(r.chain_seq, r.at, r.actor_name, r.role, r.action, r.summary) for r in rows
        ]


def chain_links(store: Store) -> dict[int, str]:
    """Link number → hash of this desk's chain as stored (for the comparison with the hub)."""
    with store.sessions.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT chain_seq, hash FROM audit_events WHERE chain_seq IS NOT NULL")
        )
        return {int(seq): str(digest) for seq, digest in rows}
