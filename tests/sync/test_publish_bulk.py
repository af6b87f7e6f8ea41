"""The hub's set-based publication (``publish_hub_records``) writes exactly what the record-by-
record ``upsert_hub_records`` writes: the same records, revs, offices, seqs and office index
rows, on SQLite and PostgreSQL, and a second publication of the same records changes nothing."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy import select, update

from sync.hub import db, migrations
from sync.hub.db import Database
from sync.hub.records import dumps, publish_hub_records, upsert_hub_records
from tests.sync.conftest import BACKENDS, OFFICE_A, OFFICE_B, OFFICE_C, PG_ENV

Items = list[tuple[str, str, str, list[str]]]


@pytest.fixture(params=BACKENDS)
def make_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Database]]:
    """Fresh migrated hub databases of one back end (SQLite files or PostgreSQL schemas)."""
    made: list[tuple[Database, str | None]] = []

    def make() -> Database:
        if request.param == "sqlite":
            d = Database(f"sqlite:///{tmp_path_factory.mktemp('pub')}/hub.db")
            schema = None
        else:
            base = os.environ[PG_ENV]
            schema = f"pubtest_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            sep = "&" if "?" in base else "?"
            d = Database(f"{base}{sep}options=-csearch_path%3D{schema}")
        migrations.upgrade(d)
        made.append((d, schema))
        return d

    yield make
    for d, schema in made:
        d.dispose()
        if schema is not None:
            with psycopg.connect(os.environ[PG_ENV], autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _warning(n: int, **more: object) -> str:
    return dumps({"office_code": OFFICE_A, "id_number": f"1201011990{n:08d}", "name": "张三丰",
                  "detail": f"车辆登记：2026-10-{1 + n % 28:02d}", **more})  # fmt: skip


def _before() -> Items:
    """Records already on the hub before the publication under test."""
    return [("warning", f"w{n}", _warning(n), [OFFICE_A, OFFICE_C]) for n in range(40)] + [
        ("low_income_person", f"p{n}", _warning(n), [OFFICE_B]) for n in range(10)
    ]


def _publication() -> Items:
    """New, unchanged, changed, grown, shrunk, deleted and parented records, in mixed order."""
    items: Items = []
    for n in range(60):
        if n < 10:
            items.append(("warning", f"w{n}", _warning(n), [OFFICE_A, OFFICE_C]))  # unchanged
        elif n < 20:
            items.append(("warning", f"w{n}", _warning(n, escalated_on="2026-11-02"),
                          [OFFICE_A, OFFICE_C]))  # fmt: skip
        elif n < 25:
            items.append(("warning", f"w{n}", _warning(n), [OFFICE_B, OFFICE_A]))  # grown
        elif n < 30:
            items.append(("warning", f"w{n}", _warning(n), [OFFICE_C]))  # a subset: unchanged
        elif n < 35:
            items.append(("warning", f"w{n}", _warning(n), [OFFICE_A, OFFICE_C]))  # was deleted
        else:
            items.append(("warning", f"new{n}", _warning(n), [OFFICE_A, OFFICE_C]))
        if n % 7 == 0:
            items.append(("low_income_person", f"p{n % 10}", _warning(n % 10), [OFFICE_B]))
    items.append(("check_report", "r1", dumps({"request_id": "req1", "text": "“引号”\n"}),
                  [OFFICE_A]))  # fmt: skip
    items.append(("low_income_person", "p-new", dumps({"household_key": "h"}), [OFFICE_B]))
    return items


def _state(d: Database) -> tuple[list, list, list, int]:
    r, o, links = db.records.c, db.record_offices.c, db.record_links.c
    with d.read() as conn:
        records = conn.execute(
            select(r.entity, r.id, r.rev, r.deleted, r.payload, r.offices, r.seq, r.updated_by)
            .order_by(r.seq)
        ).all()  # fmt: skip
        offices = conn.execute(
            select(o.office_code, o.seq, o.entity, o.id).order_by(o.seq, o.office_code)
        ).all()
        linked = conn.execute(select(db.record_links).order_by(links.id)).all()
        seq = conn.execute(select(db.counters.c.value).where(db.counters.c.name == "seq")).scalar()
    return records, offices, linked, int(seq or 0)


def test_set_based_publication_writes_what_the_record_path_writes(
    make_db: Callable[[], Database],
) -> None:
    results = []
    for publish in (upsert_hub_records, publish_hub_records):
        d = make_db()
        with d.write() as conn:
            assert upsert_hub_records(conn, _before()) == 50
            conn.execute(
                update(db.records)
                .where(db.records.c.id.in_([f"w{n}" for n in range(30, 35)]))
                .values(deleted=True)
            )
        with d.write() as conn:
            changed = publish(conn, _publication())
        with d.write() as conn:
            again = publish(conn, _publication())
        results.append((changed, again, _state(d)))
    (plain_changed, plain_again, plain), (bulk_changed, bulk_again, bulk) = results
    assert bulk_changed == plain_changed == 10 + 5 + 5 + 25 + 2
    assert bulk_again == plain_again == 0
    assert bulk == plain
    records, offices, links, _seq = bulk
    grown = next(row for row in records if row.id == "w20")
    assert grown.rev == 2 and grown.offices == f'["{OFFICE_A}","{OFFICE_C}","{OFFICE_B}"]'
    assert {(row.office_code, row.id) for row in offices if row.id == "w20"} == {
        (OFFICE_A, "w20"), (OFFICE_C, "w20"), (OFFICE_B, "w20")
    }  # fmt: skip
    assert [(row.parent_id, row.id) for row in links] == [("req1", "r1")]


def test_a_record_twice_in_one_publication_is_decided_like_the_record_path(
    make_db: Callable[[], Database],
) -> None:
    items: Items = [("warning", "w1", _warning(1), [OFFICE_A]),
                    ("warning", "w1", _warning(2), [OFFICE_C])]  # fmt: skip
    states = []
    for publish in (upsert_hub_records, publish_hub_records):
        d = make_db()
        with d.write() as conn:
            assert publish(conn, items) == 2
        states.append(_state(d))
    assert states[0] == states[1]
