"""A checkpoint reads only the audit events a device pushed since its last good one: the
verdict is the one a walk over every link gives, whatever happened to the chain in between."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop.domain.audit_chain import GENESIS, event_hash
from sync.hub import db, migrations
from sync.hub.audit_chain import (
    Checkpoint,
    _check_from_head,
    audit_heads,
    check_chain_whole,
    check_checkpoint,
)
from sync.hub.db import Database

DIGEST_A = "a" * 64
DIGEST_B = "b" * 64


@pytest.fixture
def database(hub_db_url: str) -> Iterator[Database]:
    """A fresh hub database at the newest schema."""
    database = Database(hub_db_url)
    migrations.upgrade(database)
    yield database
    database.dispose()


class Chain:
    """A desk's chain as the hub stores it: audit events pushed one record each."""

    def __init__(self, database: Database, device: str) -> None:
        self.database, self.device = database, device
        self.links: list[dict[str, Any]] = []  # payloads in link order

    @property
    def head(self) -> tuple[int, str]:
        return (len(self.links), self.links[-1]["chain"]["hash"] if self.links else GENESIS)

    def add(self, n: int = 1, action: str = "accept", data: dict[str, Any] | None = None) -> None:
        for _ in range(n):
            seq, prev = len(self.links) + 1, self.head[1]
            fields = {
                "id": str(uuid.uuid4()),
                "at": "2026-11-02 09:30:00",
                "user_id": "u-1",
                "actor_name": "张明",
                "role": "clerk",
                "office_id": "o-1",
                "action": action,
                "entity": "application",
                "entity_id": "app-1",
                "summary": f"第 {seq} 条",
                "data": data or {},
            }
            payload = {k: v for k, v in fields.items() if k not in ("user_id", "office_id")}
            payload["chain"] = {"seq": seq, "prev": prev, "user_id": "u-1", "office_id": "o-1",
                                "hash": event_hash(seq, prev, fields)}  # fmt: skip
            self.links.append(payload)
            self.store(payload)

    def store(self, payload: dict[str, Any]) -> None:
        """Write the event as a push does: the record takes the next hub seq."""
        with self.database.write() as conn:
            seq = (conn.execute(select(func.max(db.records.c.seq))).scalar() or 0) + 1
            exists = conn.execute(
                select(db.records.c.id).where(
                    db.records.c.entity == "audit_event", db.records.c.id == payload["id"]
                )
            ).first()
            values = {"payload": json.dumps(payload, ensure_ascii=False), "seq": seq,
                      "updated_at": 0.0, "updated_by": self.device}  # fmt: skip
            if exists:
                conn.execute(
                    db.records.update()
                    .where(db.records.c.entity == "audit_event", db.records.c.id == payload["id"])
                    .values(**values)
                )
            else:
                conn.execute(
                    db.records.insert().values(
                        entity="audit_event", id=payload["id"], rev=1, deleted=False,
                        offices="[]", **values,
                    )
                )  # fmt: skip


def _same_as_whole(database: Database, device: str, point: Checkpoint) -> tuple[bool, Any]:
    """Check the point through the hub's path and through every link; assert one verdict.
    Returns whether the head path answered and the report."""
    with database.engine.connect() as conn:
        whole = check_chain_whole(conn, device, point)
        quick = _check_from_head(conn, device, point)
    report, policy = check_checkpoint(database, device, point)
    assert (report, policy) == (whole.report, whole.policy)
    assert report.message() == whole.report.message()
    if quick is not None:
        assert (quick.report, quick.policy) == (whole.report, whole.policy)
    return quick is not None, report


def _point(chain: Chain, digest: str | None = None, seq: int | None = None) -> Checkpoint:
    at = chain.head[0] if seq is None else seq
    hash_ = chain.links[at - 1]["chain"]["hash"] if at else GENESIS
    return Checkpoint(seq=at, hash=hash_, policy_digest=digest)


def test_a_growing_chain_is_read_from_its_head_with_the_verdict_of_the_whole(
    database: Database,
) -> None:
    desk, other = Chain(database, "dev-1"), Chain(database, "dev-2")
    used, report = _same_as_whole(database, desk.device, _point(desk, DIGEST_A))
    assert report.ok and not used  # first checkpoint: the whole (empty) chain
    desk.add(5)
    other.add(4)
    desk.add(1, "adopt_city_policy", {"policy_digest": DIGEST_A})
    used, report = _same_as_whole(database, desk.device, _point(desk, DIGEST_A))
    assert report.ok and report.checked == 6 and used  # the empty chain's head was kept
    desk.add(3)
    other.add(2)
    used, report = _same_as_whole(database, desk.device, _point(desk, DIGEST_A))
    assert report.ok and report.checked == 9 and used
    # the policy digest the chain recorded before the head still counts
    used, report = _same_as_whole(database, desk.device, _point(desk, DIGEST_B))
    assert used
    # a checkpoint behind the head walks the whole chain
    used, report = _same_as_whole(database, desk.device, _point(desk, DIGEST_A, seq=4))
    assert report.ok and report.checked == 4 and not used
    # links past the checkpoint: verified up to it, the head stays where it was
    desk.add(2)
    used, report = _same_as_whole(database, desk.device, _point(desk, DIGEST_A, seq=10))
    assert report.ok and used
    with database.engine.connect() as conn:
        assert conn.execute(select(audit_heads.c.chain_seq)).scalars().all() == [9]
    used, report = _same_as_whole(database, desk.device, _point(desk, DIGEST_A))
    assert report.ok and report.checked == 11 and used
    used, report = _same_as_whole(database, other.device, _point(other))
    assert report.ok and report.checked == 6


def test_a_link_before_the_head_written_again_is_found_as_by_the_whole_walk(
    database: Database,
) -> None:
    desk = Chain(database, "dev-1")
    desk.add(8)
    assert _same_as_whole(database, desk.device, _point(desk))[1].ok
    original = json.loads(json.dumps(desk.links[3]))
    desk.links[3]["summary"] = "（已删改）"
    desk.store(desk.links[3])
    desk.add(1)
    used, report = _same_as_whole(database, desk.device, _point(desk))
    assert not used and not report.ok and report.broken_seq == 4
    desk.links[3] = original
    desk.store(original)  # put back: the chain holds again
    used, report = _same_as_whole(database, desk.device, _point(desk))
    assert report.ok and report.checked == 9 and not used
    assert _same_as_whole(database, desk.device, _point(desk))[0]


def test_a_wrong_end_a_gap_and_a_duplicate_after_the_head(database: Database) -> None:
    desk = Chain(database, "dev-1")
    desk.add(3)
    assert _same_as_whole(database, desk.device, _point(desk))[1].ok
    desk.add(2)
    wrong = Checkpoint(seq=5, hash="f" * 64)
    used, report = _same_as_whole(database, desk.device, wrong)
    assert not used and not report.ok and report.broken_seq == 6
    # the desk says 7 but the hub holds 5: not yet synced
    used, report = _same_as_whole(database, desk.device, Checkpoint(seq=7, hash="e" * 64))
    assert not report.ok
    # a second link 4 (序号重复) after the head
    twin = json.loads(json.dumps(desk.links[3]))
    twin["id"] = str(uuid.uuid4())
    desk.store(twin)
    used, report = _same_as_whole(database, desk.device, _point(desk))
    assert not used and not report.ok
    with database.engine.connect() as conn:
        assert conn.execute(select(audit_heads.c.chain_seq)).scalars().all() == [3]


def test_checkpoints_beside_pushes_all_answer(database: Database) -> None:
    """Sixteen desks' checkpoints at once while their events are being written: each gets
    its verdict (on SQLite a checkpoint that read first and wrote after failed as 'database
    is locked' when a push committed in between)."""
    chains = [Chain(database, f"dev-{k}") for k in range(16)]
    for chain in chains:
        chain.add(3)
    errors: list[BaseException] = []

    def work(chain: Chain) -> None:
        try:
            for _ in range(5):
                chain.add(1)
                report, _policy = check_checkpoint(database, chain.device, _point(chain))
                assert report.ok, report.message()
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in chains]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    with database.engine.connect() as conn:
        heads = dict(conn.execute(select(audit_heads.c.device_id, audit_heads.c.chain_seq)).all())
    assert heads == {c.device: 8 for c in chains}


def test_an_edit_inside_the_hub_database_shows_in_the_periodic_whole_walk(
    database: Database, hub_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A checkpoint trusts the links before its head; an edit made in the hub's own database
    (no new seq) is what ``python -m sync.hub verify-audit`` walks every chain for."""
    from sqlalchemy import update

    from sync.hub.__main__ import main

    with database.engine.begin() as conn:
        for k in (1, 2):
            conn.execute(db.devices.insert().values(
                id=f"dev-{k}", office_code="120103001", name=f"窗口{k}",
                token_hash=f"{k}" * 64, created_at=0.0))  # fmt: skip
    desk, other = Chain(database, "dev-1"), Chain(database, "dev-2")
    desk.add(5)
    other.add(2)
    for chain in (desk, other):
        assert check_checkpoint(database, chain.device, _point(chain))[0].ok
    assert main(["verify-audit", "--db", hub_db_url]) == 0
    assert "共核对2台终端的操作日志，0台异常" in capsys.readouterr().out
    edited = dict(desk.links[2], summary="（已删改）")
    with database.engine.begin() as conn:
        conn.execute(
            update(db.records)
            .where(db.records.c.id == edited["id"])
            .values(payload=json.dumps(edited, ensure_ascii=False))
        )
    assert check_checkpoint(database, desk.device, _point(desk))[0].ok  # the known limit
    assert main(["verify-audit", "--db", hub_db_url]) == 1
    out = capsys.readouterr().out
    assert "异常\t窗口1（dev-1）\t操作日志第 3 条处断链：内容被修改" in out
    assert "正常\t窗口2（dev-2）" in out and "1台异常" in out
