"""The audit trail's hash chain as this desk stores it: the walk that finds the first broken
link, and the links compared with the hub's copy (plain store reads, no actor)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
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


def chain_links(store: Store) -> dict[int, str]:
    """Link number → hash of this desk's chain as stored (for the comparison with the hub)."""
    with store.sessions.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT chain_seq, hash FROM audit_events WHERE chain_seq IS NOT NULL")
        )
        return {int(seq): str(digest) for seq, digest in rows}
