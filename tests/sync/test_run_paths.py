"""A comparison run made in the database (warning ids by uuid5 in SQL, payloads and registry
records built in SQL, published set-based) leaves exactly what the reference run leaves (ids by
``uuid.uuid5``, payloads by ``warning_payload`` and the registry's Python records): the same
warnings, records, revs, offices, seqs and office rows — on SQLite and PostgreSQL, through a
city run, a district run, an escalation and a run that finds nothing new."""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from bench.bench_discovery import person
from sync.hub import accounts, compare, db, discovery, migrations, registry
from sync.hub.db import Database
from sync.hub.feeds import load_kinds
from sync.hub.feeds.importer import file_sha, import_feed
from sync.hub.feeds.tables import feed_files, feed_rows, warnings
from sync.hub.feeds.tables import registry as registry_table
from sync.hub.records import dumps
from sync.hub.sqltext import sql_text
from tests.sync.conftest import BACKENDS, OFFICE_A, OFFICE_B, OFFICE_C, PG_ENV

TODAY = date(2026, 11, 6)  # a Friday: the deadlines cross a weekend
AWKWARD = ['张"三\\丰', "李\n秀\t英", "王\x01五", "赵😀六", "  钱七 ", "孙'八", "周/九\u2028"]


@pytest.fixture(params=BACKENDS)
def make_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Database]]:
    """Fresh migrated hubs of one back end with three offices and the same registry."""
    made: list[tuple[Database, str | None]] = []

    def make() -> Database:
        schema = None
        if request.param == "sqlite":
            d = Database(f"sqlite:///{tmp_path_factory.mktemp('runpaths')}/hub.db")
        else:
            base = os.environ[PG_ENV]
            schema = f"runpaths_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            sep = "&" if "?" in base else "?"
            d = Database(f"{base}{sep}options=-csearch_path%3D{schema}")
        made.append((d, schema))
        migrations.upgrade(d)
        accounts.add_office(d, OFFICE_A, "河西区友谊路街道", "河西区")
        accounts.add_office(d, OFFICE_B, "河西区越秀路街道", "河西区")
        accounts.add_office(d, OFFICE_C, "南开区长虹街道", "南开区")
        with d.write() as conn:
            conn.execute(registry_table.insert(), _registry_rows())
        return d

    yield make
    for d, schema in made:
        d.dispose()
        if schema is not None:
            with psycopg.connect(os.environ[PG_ENV], autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _registry_rows() -> list[dict]:
    rows = []
    for n in range(60):
        office = (OFFICE_A, OFFICE_C)[n % 2]
        residence = ("", office, OFFICE_B)[n % 3]
        rows.append({
            "id_number": person(n), "category": ("dibao", "tekun", "other")[n % 3],
            "source": ("金民", "乡村振兴")[n % 2], "name": AWKWARD[n % len(AWKWARD)],
            "household_key": f'户"{n // 2}', "office_code": office,
            "residence_office": residence, "community": ("", "海河\\社区", '"新村"')[n % 3],
            "valid_from": "2020-01-01" if n % 5 else "2026-09-01",
            "valid_to": None if n % 7 else "2026-10-01", "assisted": n % 3 != 2,
            "household_size": 1 + n % 4,
        })  # fmt: skip
    # one person listed twice: assisted in one list, not in the other (no lead for them)
    rows.append({**rows[0], "category": "other", "source": "乡村振兴", "assisted": False})
    return rows


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


AMOUNTS = ["1234565", "0.00001", "123456789.5", "3500.50", "0", "1e3", "20000", "23456.78",
           "1234567.891", "99999.95", "2.5", "100000", "1000000"]  # fmt: skip


def _files(folder: Path) -> list[tuple[str, Path]]:
    si, medical, vehicle, death, disability = [], [], [], [], []
    codes = ["职工养老", "失业保险", "工伤", "工伤保险"]  # codes and labels
    for n in range(60):
        who = person(n)
        name = AWKWARD[(n + 3) % len(AWKWARD)]
        si.append([who, name, f"2026-{1 + n % 10:02d}", codes[n % 4], AMOUNTS[n % len(AMOUNTS)]])
        medical.append([who, name, f"2026-10-{1 + n % 28:02d}", AMOUNTS[(n + 5) % 13],
                        f'医院"{n}"\n'])  # fmt: skip
        vehicle.append([who, name, "2026/9/3", ("小型汽车", "货车")[n % 2]])
        death.append([who, name, "20261020", ("公安", "殡葬")[n % 2]])
        disability.append([who, name, "2026-08-08", str(1 + n % 4)])
    return [
        ("social_insurance",
         _csv(folder / '社保"四季度".csv', ["公民身份号码", "姓名", "缴费月份", "险种", "缴费基数"], si)),
        ("medical",
         _csv(folder / "医保.csv", ["身份证号", "姓名", "结算日期", "个人自付金额", "医院"], medical)),
        ("vehicle", _csv(folder / "车.csv", ["公民身份号码", "姓名", "登记日期", "车辆类型"], vehicle)),
        ("death", _csv(folder / "death.csv", ["公民身份号码", "姓名", "死亡日期", "信息来源"], death)),
        ("disability",
         _csv(folder / "残联.csv", ["公民身份号码", "姓名", "发证日期", "残疾等级"], disability)),
    ]  # fmt: skip


def _orphan_row(d: Database) -> None:
    """A feed row whose file the hub does not know (its evidence names no file)."""
    data = dumps({"公民身份号码": person(4), "姓名": "无文件", "登记日期": "2026-10-09"})
    with d.write() as conn:
        conn.execute(feed_rows.insert().values(
            row_key="f" * 40, kind="unemployment", id_number=person(4), name="无文件",
            event_date="2026-10-09", code="", amount=None, data=data, file_sha="0" * 64, line=2,
        ))  # fmt: skip


def _state(d: Database) -> tuple[list, list, list, int]:
    w, r, o = warnings.c, db.records.c, db.record_offices.c
    columns = [c for c in warnings.c if c.name != "run_id"]  # each run has its own id
    with d.read() as conn:
        found = conn.execute(select(*columns).order_by(w.evidence_key)).all()
        records = conn.execute(
            select(r.entity, r.id, r.rev, r.deleted, r.payload, r.offices, r.seq, r.updated_by)
            .order_by(r.seq)
        ).all()  # fmt: skip
        offices = conn.execute(
            select(o.office_code, o.seq, o.entity, o.id).order_by(o.seq, o.office_code)
        ).all()
        seq = conn.execute(select(db.counters.c.value).where(db.counters.c.name == "seq")).scalar()
    return found, records, offices, int(seq or 0)


def _report(report: compare.RunReport) -> dict:
    out = asdict(report)
    out.pop("run_id")
    return out


def _rebuilt_payloads(d: Database) -> None:
    """Every published warning is ``dumps(warning_payload(…))`` of its rows, id uuid5 of its
    evidence key; every registry record is the Python record of its row."""
    kinds = load_kinds()
    w, f = warnings.c, feed_rows.c
    with d.read() as conn:
        rows = conn.execute(
            select(warnings, f.event_date, f.code, f.amount, f.data, f.line,
                   feed_files.c.name.label("file_name"))
            .join(feed_rows, f.row_key == w.row_key)
            .join(feed_files, feed_files.c.sha256 == f.file_sha, isouter=True)
        ).mappings().all()  # fmt: skip
        stored = dict(conn.execute(select(db.records.c.id, db.records.c.payload)).all())
        people = conn.execute(registry_table.select()).mappings().all()
    assert rows
    for row in rows:
        assert row["id"] == str(uuid.uuid5(compare.NAMESPACE, row["evidence_key"]))
        expected = dumps(compare.warning_payload(dict(row), dict(row), row["file_name"], kinds))
        assert stored[row["id"]] == expected, row["evidence_key"]
    for p in people:
        rid = registry.person_id(p["id_number"], p["category"], p["source"])
        assert stored[rid] == dumps(registry.person_payload(p))


def test_the_run_in_the_database_leaves_what_the_reference_run_leaves(
    tmp_path: Path, make_db: Callable[[], Database]
) -> None:
    fast_db, plain_db = make_db(), make_db()
    with fast_db.read() as conn:
        assert sql_text(conn) is not None  # the path under test (pgcrypto on PostgreSQL)
    files = _files(tmp_path)
    for d in (fast_db, plain_db):
        for kind, path in files:
            import_feed(d, kind, path)
        _orphan_row(d)
    assert file_sha(files[0][1])
    # the city run
    runs = [compare.run(fast_db, today=TODAY), compare.run(plain_db, today=TODAY, fast=False)]
    assert runs[0].new_warnings > 50 and _report(runs[0]) == _report(runs[1])
    assert _state(fast_db) == _state(plain_db)
    _rebuilt_payloads(fast_db)
    # a district run over a new feed, with its own deadline
    more = _csv(tmp_path / "unemployment.csv", ["公民身份号码", "姓名", "登记日期"],
                [[person(n), AWKWARD[n % 7], "2026-10-30"] for n in range(60)])  # fmt: skip
    for d in (fast_db, plain_db):
        import_feed(d, "unemployment", more)
    runs = [
        compare.run(fast_db, scope="district", district="南开区", today=TODAY, deadline_days=3),
        compare.run(plain_db, scope="district", district="南开区", today=TODAY, deadline_days=3,
                    fast=False),
    ]  # fmt: skip
    assert runs[0].new_warnings > 0 and _report(runs[0]) == _report(runs[1])
    assert set(runs[0].new_by_office) == {OFFICE_C}
    assert _state(fast_db) == _state(plain_db)
    runs = [compare.run(fast_db, today=TODAY), compare.run(plain_db, today=TODAY, fast=False)]
    assert set(runs[0].new_by_office) == {OFFICE_A} and _report(runs[0]) == _report(runs[1])
    assert _state(fast_db) == _state(plain_db)
    # escalation republishes the overdue warnings (through Python on both)
    late = [discovery.escalate(d, today=date(2026, 12, 1)) for d in (fast_db, plain_db)]
    assert late[0] == late[1] and sum(late[0].values()) > 0
    assert _state(fast_db) == _state(plain_db)
    # nothing new: no warning, no record written
    before = _state(fast_db)
    again = [compare.run(fast_db, today=TODAY), compare.run(plain_db, today=TODAY, fast=False)]
    assert again[0].new_warnings == again[1].new_warnings == 0
    assert _state(fast_db) == _state(plain_db) == before
    _rebuilt_payloads(fast_db)


def test_the_registry_published_in_the_database_is_the_python_publication(
    make_db: Callable[[], Database],
) -> None:
    """Also when records change, grow offices or stay: the same revs, seqs and office rows."""
    fast_db, plain_db = make_db(), make_db()
    pages = registry.PAGE
    registry.PAGE = 7  # several pages, the last one short
    try:
        for step in range(3):
            for d in (fast_db, plain_db):
                with d.write() as conn:  # a name, a residence and a row change between runs
                    t = registry_table.c
                    if step:
                        conn.execute(registry_table.update().where(
                            t.id_number == person(step)).values(name=f"改名{step}"))  # fmt: skip
                        conn.execute(registry_table.update().where(
                            t.id_number == person(step + 6)).values(residence_office=OFFICE_B))  # fmt: skip
                        conn.execute(registry_table.delete().where(
                            t.id_number == person(step + 20)))  # fmt: skip
            changed = [registry.publish(fast_db), registry.publish(plain_db, fast=False)]
            assert changed[0] == changed[1] > 0
            assert _state(fast_db) == _state(plain_db)
    finally:
        registry.PAGE = pages
    assert registry.publish(fast_db) == registry.publish(plain_db, fast=False) == 0
