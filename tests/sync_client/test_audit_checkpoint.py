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
    assert not verdict.ok and "不一致" in verdict.chain.message()
    summary = linked.sync()  # and every later sync says so
    assert any("不一致" in e for e in summary.errors), summary.errors


def _raw_policy_edit(store) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE policy_rows SET value = '9999' WHERE key = 'dibao.standard'"
                " AND effective_to IS NULL AND district IS NULL"
            )
        )


def test_a_policy_table_edited_with_the_key_shows_at_the_hub(desk: Desk, linker, hub) -> None:  # type: ignore[no-untyped-def]
    linked = linker(desk, OFFICE_A)
    assert not linked.sync().errors
    _raw_policy_edit(linked.store)
    summary = linked.sync()
    assert any("市级平台核对：政策参数与操作日志不符" in e for e in summary.errors), summary.errors
    with hub.app.state.database.engine.connect() as conn:
        last = (
            conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.at.desc()))
            .mappings()
            .first()
        )
    assert last is not None and not last["ok"] and "政策参数" in last["message"]


def test_a_forged_policy_digest_passes_locally_but_not_at_the_hub(desk: Desk, linker) -> None:  # type: ignore[no-untyped-def]
    """Someone with the key edits a row, writes the new digest into the last policy event and
    re-hashes the chain from there: every local check passes; the hub kept the original."""
    from desktop.domain.policy.integrity import DIGEST_ACTIONS
    from desktop.services.policy.policy_admin import invalidate_policy
    from desktop.services.policy.policy_integrity import verify_policy_table
    from desktop.store.policy_table import stored_digest

    linked = linker(desk, OFFICE_A)
    assert not linked.sync().errors
    _raw_policy_edit(linked.store)
    forged = stored_digest(linked.store)
    with linked.store.sessions.engine.begin() as conn:
        seq, data = conn.execute(
            text(
                "SELECT chain_seq, data FROM audit_events WHERE chain_seq IS NOT NULL AND action IN"
                f" ({', '.join(repr(a) for a in sorted(DIGEST_ACTIONS))}) ORDER BY chain_seq DESC"
            )
        ).first()
        body = json.loads(data)
        body["policy_digest"] = forged
        conn.execute(
            text("UPDATE audit_events SET data = :d WHERE chain_seq = :s"),
            {"d": json.dumps(body, ensure_ascii=False), "s": seq},
        )
    _rewrite_from(linked.store, seq)
    invalidate_policy(linked.store)
    _store, admin = desk.as_user("admin")
    assert check_chain(linked.store).ok
    assert verify_policy_table(linked.store, admin).ok  # the desk alone cannot tell
    summary = linked.sync()
    assert any("市级平台核对：政策参数与操作日志不符" in e for e in summary.errors), summary.errors
    assert any("断链" in e or "不一致" in e for e in summary.errors), summary.errors
