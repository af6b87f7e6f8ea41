"""The audit trail's hash chain as this desk stores it: the walk that finds the first broken
link, and the links compared with the hub's copy (plain store reads, no actor)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import text

from desktop.domain.audit_chain import HASHED_FIELDS, ChainReport, verify_chain
from desktop.store.store import Store

_COLUMNS = ", ".join(("chain_seq", "prev_hash", "hash", *HASHED_FIELDS))
# Local events (a user of this desk) ordered by link; an event off the chain comes first so
# a forged INSERT without a link is reported, not skipped.
_ROWS = (
    f"SELECT {_COLUMNS} FROM audit_events WHERE user_id IS NOT NULL "
    "ORDER BY chain_seq IS NOT NULL, chain_seq"
)


# The links after a verified head, with any event off the chain (first, as above).
_ROWS_AFTER = (
    f"SELECT {_COLUMNS} FROM audit_events WHERE user_id IS NOT NULL "
    "AND (chain_seq IS NULL OR chain_seq > :after) ORDER BY chain_seq IS NOT NULL, chain_seq"
)
HEAD_KEY = "audit.verified_head"
"""The settings row holding the link the last check of the day verified (JSON)."""


def _rows(
    store: Store, sql: str = _ROWS, params: dict[str, Any] | None = None
) -> Iterator[dict[str, Any]]:
    names = ("chain_seq", "prev_hash", "hash", *HASHED_FIELDS)
    with store.sessions.engine.connect() as conn:
        for row in conn.execute(text(sql), params or {}):
            fields = dict(zip(names, row, strict=True))
            if isinstance(fields["data"], str):
                # an edited cell that is no longer JSON stays text: its hash will not match
                with contextlib.suppress(ValueError):
                    fields["data"] = json.loads(fields["data"] or "{}")
            yield fields


def check_chain(store: Store) -> ChainReport:
    """Walk this desk's audit chain (no actor: the command-line check runs with the key)."""
    return verify_chain(_rows(store))


def check_chain_today(store: Store, today: date) -> ChainReport:
    """The chain's check before a sync's checkpoint: the whole walk at the first check of a
    day, then only the links after the head it verified (a desk with a year of events does
    not hash them all at every sync). The report is the whole walk's whenever the links up
    to that head are as they were; an edit among them made the same day shows at the next
    day's first check, and always in ``check_chain`` (``verify-audit``, 操作日志)."""
    with store.sessions.engine.connect() as conn:
        raw = conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": HEAD_KEY})
        stored = raw.scalar()
        head = json.loads(stored) if stored else None
        if head is not None and head.get("on") == today.isoformat():
            still = conn.execute(
                text("SELECT hash FROM audit_events WHERE chain_seq = :s"), {"s": head["seq"]}
            ).scalar()
            if head["seq"] != 0 and still != head["hash"]:
                head = None
        else:
            head = None
    if head is None:
        report = check_chain(store)
    else:
        report = verify_chain(
            _rows(store, _ROWS_AFTER, {"after": head["seq"]}),
            after_seq=head["seq"],
            after_hash=head["hash"],
            checked=head["checked"],
        )
        if not report.ok:
            report = check_chain(store)  # the whole walk words the report
    kept = head or {}
    new = {"seq": report.head_seq, "hash": report.head_hash, "checked": report.checked,
           "on": today.isoformat()}  # fmt: skip
    if report.ok and new != kept:
        with store.sessions.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO settings (key, value) VALUES (:k, :v) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                ),
                {"k": HEAD_KEY, "v": json.dumps(new)},
            )
    return report


def chain_links(store: Store) -> dict[int, str]:
    """Link number → hash of this desk's chain as stored (for the comparison with the hub)."""
    with store.sessions.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT chain_seq, hash FROM audit_events WHERE chain_seq IS NOT NULL")
        )
        return {int(seq): str(digest) for seq, digest in rows}
