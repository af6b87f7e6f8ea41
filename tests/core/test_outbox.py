"""The outbox module is the one writer of outbox entries: the ORM, bulk and plain-connection
paths give the same entries, states come from one enum, and no other module spells them."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
from sqlalchemy import select

from desktop.store import outbox
from desktop.store.models import Application, Household, OutboxEntry
from desktop.store.outbox import OutboxState
from sync.outbox import take_batch

ROOT = Path(__file__).resolve().parents[2]


def _entries(store, entity_id: str) -> list[OutboxEntry]:  # type: ignore[no-untyped-def]
    with store.sessions.read() as s:
        return list(s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == entity_id)))


def test_bulk_path_gives_the_orm_payload_and_folds_into_the_pending_entry(clerk) -> None:  # type: ignore[no-untyped-def]
    store, _actor = clerk
    with store.sessions.read() as s:
        app = s.scalars(select(Application).order_by(Application.applied_on)).first()
        assert app is not None
        aid, expected = app.id, outbox.payload_of(app)
    with store.sessions.write() as s:
        s.execute(OutboxEntry.__table__.delete().where(OutboxEntry.entity_id == aid))
        assert outbox.queue_applications(s.connection(), "SELECT ?", (aid,)) == 1
    (first,) = _entries(store, aid)
    assert first.state == OutboxState.PENDING
    assert first.payload == expected
    assert first.offices == sorted(first.offices) and first.offices
    with store.sessions.write() as s:  # queued again before it is sent: the same entry
        assert outbox.queue_applications(s.connection(), "SELECT ?", (aid,)) == 1
    (again,) = _entries(store, aid)
    assert again.change_id == first.change_id


def test_orm_path_folds_an_edit_but_never_an_append_only_record(clerk) -> None:  # type: ignore[no-untyped-def]
    store, _actor = clerk
    with store.sessions.write() as s:
        for n in (1, 2):
            outbox.queue(s, entity="household", entity_id="h-x", payload={"n": n}, offices=["1"])
        for n in (1, 2):
            outbox.queue(
                s,
                entity="timeline_event",
                entity_id="t-x",
                payload={"n": n},
                offices=["1"],
                fold=False,
            )
    (edit,) = _entries(store, "h-x")
    assert edit.payload == {"n": 2} and edit.state == OutboxState.PENDING
    assert [e.payload["n"] for e in _entries(store, "t-x")] == [1, 2]


def test_plain_connection_path_queues_an_entry_the_push_sends(clerk) -> None:  # type: ignore[no-untyped-def]
    store, _actor = clerk
    with store.sessions.write() as s:
        s.execute(OutboxEntry.__table__.delete())
    with store.engine.begin() as conn:
        outbox.queue_on(
            conn, entity="attachment_meta", entity_id="m-1", payload={"size": 3}, offices=["9"]
        )
    (batch_entry,) = take_batch(store, 10, set())
    assert (batch_entry.entity, batch_entry.payload, batch_entry.offices) == (
        "attachment_meta",
        {"size": 3},
        ["9"],
    )
    (row,) = _entries(store, "m-1")
    assert row.state == OutboxState.SENT and row.attempts == 1


def test_local_columns_never_reach_a_payload(clerk) -> None:  # type: ignore[no-untyped-def]
    store, _actor = clerk
    with store.sessions.read() as s:
        household = s.scalars(select(Household)).first()
        payload = outbox.payload_of(household)  # type: ignore[arg-type]
    assert "facts_rev" not in payload and "rev" not in payload and "dirty" not in payload
    assert orjson.loads(orjson.dumps(payload)) == payload


_SPELLED = re.compile(
    r"state\s*(=|IN)\s*\(?\s*'(pending|sent|applied|conflict|rejected)'|INSERT INTO outbox",
    re.IGNORECASE,
)


def test_no_module_but_the_outbox_spells_a_state_or_inserts_an_entry() -> None:
    offenders = []
    for pkg in ("desktop", "sync", "ui"):
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if rel == Path("desktop/store/outbox.py") or rel.parts[:2] in {
                ("desktop", "migrations"),
                ("sync", "hub"),
            }:
                continue
            if _SPELLED.search(path.read_text(encoding="utf-8")):
                offenders.append(str(rel))
    assert offenders == []
