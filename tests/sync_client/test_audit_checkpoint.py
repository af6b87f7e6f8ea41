"""The hub keeps each desk's audit chain: a sync ends with a checkpoint the hub checks against
its own copy, and a chain rewritten on the desk with the database key (every hash recomputed,
so the local check passes) still shows against the hub."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from desktop.domain.audit_chain import HASHED_FIELDS, event_hash
from desktop.store.audit_log import check_chain
from sync.audit_checkpoint import compare_with_hub, push_checkpoint
from sync.hub.audit_chain import audit_checkpoints
from tests.support import Desk
from tests.sync.conftest import OFFICE_A


def _rewrite_from(store, seq: int) -> None:  # type: ignore[no-untyped-def]
    """What someone holding the key could do: change a line and re-hash every later link."""
    cols = ", ".join(("chain_seq", "prev_hash", *HASHED_FIELDS))
    with store.sessions.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_events SET summary = '（已删改）' WHERE chain_seq = :s"), {"s": seq}
        )
        rows = conn.execute(
            text(f"SELECT {cols} FROM audit_events WHERE chain_seq >= :s ORDER BY chain_seq"),
            {"s": seq},
        ).mappings()
        prev = None
        for row in list(rows):
            fields = dict(row)
            fields["data"] = json.loads(fields["data"] or "{}")
            prev = prev or row["prev_hash"]
            digest = event_hash(row["chain_seq"], prev, fields)
            conn.execute(
                text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE chain_seq = :s"),
                {"p": prev, "h": digest, "s": row["chain_seq"]},
            )
            prev = digest


def test_a_sync_leaves_a_checkpoint_the_hub_agrees_with(desk: Desk, linker, hub) -> None:  # type: ignore[no-untyped-def]
    linked = linker(desk, OFFICE_A)
    summary = linked.sync()
    assert not summary.errors, summary.errors
    with hub.app.state.database.engine.connect() as conn:
        points = conn.execute(select(audit_checkpoints)).mappings().all()
    assert points and all(p["ok"] for p in points)
    assert compare_with_hub(linked.store, linked.client.api).ok


def test_a_rewritten_chain_passes_locally_but_not_against_the_hub(desk: Desk, linker) -> None:  # type: ignore[no-untyped-def]
    linked = linker(desk, OFFICE_A)
    assert not linked.sync().errors
    _rewrite_from(linked.store, 3)
    assert check_chain(linked.store).ok  # the local chain alone cannot tell
    comparison = compare_with_hub(linked.store, linked.client.api)
    assert not comparison.ok and comparison.differs_at == 3
    assert "本机被改写" in comparison.message()
    verdict = push_checkpoint(linked.store, linked.client.api)
    assert not verdict.ok and "不一致" in verdict.message()
    summary = linked.sync()  # and every later sync says so
    assert any("不一致" in e for e in summary.errors), summary.errors
