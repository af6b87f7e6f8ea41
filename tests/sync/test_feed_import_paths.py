"""The fast feed import (SQL checks after COPY on PostgreSQL, the Python fast path on SQLite)
gives what the reference path gives: the same error report, the same rows in the table, the
same warnings and published records after a run, and nothing new on a second import or run —
on generated CSV (UTF-8 and GB18030) and xlsx feeds full of awkward and bad rows."""

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
from openpyxl import Workbook
from sqlalchemy import select

from bench.bench_discovery import person
from desktop.domain.ids import check_char
from sync.hub import accounts, compare, db, migrations
from sync.hub.db import Database
from sync.hub.feeds import feed_kind
from sync.hub.feeds.importer import _header_map, _stager, file_sha, import_feed
from sync.hub.feeds.reader import read_rows
from sync.hub.feeds.tables import feed_rows, registry, warnings
from tests.sync.conftest import BACKENDS, OFFICE_A, OFFICE_C, PG_ENV

PERSON_A = "120101199001011239"
PERSON_C = "11010519491231002X"
SI = ["公民身份号码", "姓名", "缴费月份", "险种", "缴费基数"]
MEDICAL = ["身份证号", "姓名", "结算日期", "个人自付金额", "医院"]  # an extra column
UNEMPLOYMENT = ["公民身份号码", "姓名", "登记日期"]
GOOD17 = "12010319800101001"


@pytest.fixture(params=BACKENDS)
def make_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], Database]]:
    """Fresh migrated hubs of one back end, with two offices and two registry persons."""
    made: list[tuple[Database, str | None]] = []

    def make() -> Database:
        schema = None
        if request.param == "sqlite":
            d = Database(f"sqlite:///{tmp_path_factory.mktemp('paths')}/hub.db")
        else:
            base = os.environ[PG_ENV]
            schema = f"pathtest_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            sep = "&" if "?" in base else "?"
            d = Database(f"{base}{sep}options=-csearch_path%3D{schema}")
        made.append((d, schema))
        migrations.upgrade(d)
        accounts.add_office(d, OFFICE_A, "河西区友谊路街道", "河西区")
        accounts.add_office(d, OFFICE_C, "南开区长虹街道", "南开区")
        people = [(PERSON_A, OFFICE_A, True), (PERSON_C, OFFICE_C, True)]
        people += [(person(n), OFFICE_A if n % 2 else OFFICE_C, n % 3 != 0) for n in range(40)]
        with d.write() as conn:
            conn.execute(registry.insert(), [
                {"id_number": n, "category": "dibao", "source": "金民", "name": "张某",
                 "household_key": n, "office_code": o, "residence_office": o, "community": "",
                 "valid_from": "2020-01-01", "valid_to": None, "assisted": a, "household_size": 2}
                for n, o, a in people
            ])  # fmt: skip
        return d

    yield make
    for d, schema in made:
        d.dispose()
        if schema is not None:
            with psycopg.connect(os.environ[PG_ENV], autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _si_rows() -> list[list[str]]:
    awkward = [
        [PERSON_A, "张三丰", "2026-10", "职工养老", "3,500.50"],  # month date, comma amount
        [PERSON_C.lower(), "李秀英", "2026/10/5", "失业保险", ""],  # lower-case x, code label
        [
            "１２０１０１１９９００１０１１２３９",
            "张三丰",
            "20261005",
            "职工养老",
            "1",
        ],  # full width
        [" 110105491231002 ", "李秀英", "2026年10月5日", "职工养老", "0"],  # 15 digits, spaces
        ["110105491231002", "李秀英", "2026-10-05", "职工养老", "0"],  # 15 digits, plain
        ["120101199001011238", "张三丰", "2026-10-08", "职工养老", "1"],  # check digit
        ["120101199002301234", "张三丰", "2026-10-08", "职工养老", "1"],  # birth date
        ["120101203001011232", "张三丰", "2026-10-08", "职工养老", "1"],  # born in the future
        ["990101199001011239", "张三丰", "2026-10-08", "职工养老", "1"],  # region
        ["12010119900101123", "张三丰", "2026-10-08", "职工养老", "1"],  # 17 digits
        ["", "张三丰", "2026-10-08", "职工养老", "1"],  # empty
        [PERSON_A, "", "2026-10-08", "职工养老", "1"],  # no name
        [PERSON_A, "\u3000", "2026-10-08", "职工养老", "1"],  # a full-width space only
        [PERSON_A, "\u3000张三丰", "2026-10-11", "职工养老", "1"],  # name to strip
        [PERSON_A, "张三丰", "2026-02-30", "职工养老", "1"],  # impossible date
        [PERSON_A, "张三丰", "十月", "职工养老", "1"],  # not a date
        [PERSON_A, "张三丰", "2026-10-08", "坦克", "1"],  # unknown code
        [PERSON_A, "张三丰", "2026-10-08", "职工养老", "-5"],  # negative
        [PERSON_A, "张三丰", "2026-10-08", "职工养老", "NaN"],
        [PERSON_A, "张三丰", "2026-10-08", "职工养老", "007"],  # leading zeros
        [PERSON_A, "张三丰", "2026-10-09"],  # short row
        [PERSON_A, "张三丰", "2026-10-10", "职工养老", "1", "extra"],  # long row
        ["   ", " ", "", "", ""],  # blank: skipped by the reader
        [GOOD17 + check_char(GOOD17), "王" * 50, " 2026-10-08 ", " 职工养老 ", " 12 "],
        [PERSON_A, '张"三\n丰\\', "2026-10-12", "工伤", "1.50"],  # quotes, newline, backslash
        [PERSON_A, "张三丰", "2026-10-13", "工伤", "0.0"],
    ]
    rows = [r for _ in range(2) for r in awkward]  # repeated: duplicates of earlier lines
    rows += [[person(n), "张某", f"2026-{1 + n % 12:02d}-01", "工伤", str(n)] for n in range(300)]
    # a key first seen on a row only the reference path decides (spaces), then plainly
    rows += [[f" {person(7)}", "张某", "2026-03-03", "工伤", "9"],
             [person(7), "张某", "2026-03-03", "工伤", "10"]]  # fmt: skip
    return rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _files(folder: Path) -> list[tuple[str, Path]]:
    si = _si_rows()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(MEDICAL)
    for n in range(60):
        sheet.append([person(n), "张某", date(2026, 9, 1 + n % 28), 5000 + n * 1000.5, "总医院"])
    sheet.append([PERSON_A, "张三丰", "2026-09-31", 80000, "总医院"])  # impossible date
    sheet.append([PERSON_A, "张三丰", date(2026, 9, 2), "很多", "总医院"])  # not a number
    sheet.append([PERSON_C, "李秀英", date(2026, 9, 3), 60000])  # short row
    sheet.append([person(3), "张某", date(2026, 9, 5), "0012", "总医院"])  # the key holds 12
    sheet.append([person(3), "张某", date(2026, 9, 5), "12", "总医院"])  # so: a duplicate
    xlsx = folder / "medical.xlsx"
    book.save(xlsx)
    unemployed = [[person(n), "张某", f"2026-08-{1 + n % 28:02d}"] for n in range(80)]
    unemployed += [[PERSON_C, "李秀英", "2026-08-1"], [PERSON_C, "", "2026-08-02"]]
    return [
        ("social_insurance", _write_csv(folder / "si.csv", SI, si, "utf-8")),
        ("social_insurance", _write_csv(folder / "si-gb.csv", SI, si[::-1], "gb18030")),
        ("medical", xlsx),
        ("unemployment", _write_csv(folder / "u.csv", UNEMPLOYMENT, unemployed, "utf-8-sig")),
    ]


def _table(d: Database) -> list:
    with d.read() as conn:
        return conn.execute(select(feed_rows).order_by(feed_rows.c.row_key)).all()


def _published(d: Database) -> tuple[list, list]:
    w, r = warnings.c, db.records.c
    with d.read() as conn:
        found = conn.execute(
            select(w.evidence_key, w.id, w.kind, w.id_number, w.office_code, w.row_key,
                   w.pushed_on, w.deadline).order_by(w.evidence_key)
        ).all()  # fmt: skip
        records = conn.execute(
            select(r.entity, r.id, r.rev, r.deleted, r.payload, r.offices).order_by(r.entity, r.id)
        ).all()
    return found, records


def test_the_fast_import_gives_what_the_reference_path_gives(
    tmp_path: Path, make_db: Callable[[], Database]
) -> None:
    files = _files(tmp_path)
    plain_db, fast_db = make_db(), make_db()
    if not fast_db.is_sqlite:  # the SQL path is the one under test on PostgreSQL
        for kind_code, path in files:
            kind = feed_kind(kind_code)
            header, _rows, _enc = read_rows(path)
            where = _header_map(kind, header)
            assert _stager(fast_db, kind, header, where, path, file_sha(path)), path.name
    for kind_code, path in files:
        plain = import_feed(plain_db, kind_code, path, fast=False)
        fast = import_feed(fast_db, kind_code, path)
        assert asdict(fast) == asdict(plain), path.name
        assert _table(fast_db) == _table(plain_db), path.name
    si = asdict(import_feed(plain_db, "social_insurance", files[0][1], fast=False))
    assert si["already_imported"]
    reports = [
        asdict(import_feed(d, k, p, fast=False)) for d in (plain_db, fast_db) for k, p in files
    ]
    assert all(r["already_imported"] for r in reports)
    # what the reference path reports on the first file, checked by hand
    first = import_feed(make_db(), "social_insurance", files[0][1], fast=False)
    assert (first.rows_read, first.imported, first.duplicates) == (2 * 25 + 302, 311, 13)
    assert {e.column for e in first.errors} == {
        "公民身份号码",
        "姓名",
        "缴费月份",
        "险种",
        "缴费基数",
    }
    assert [e.line for e in first.errors] == sorted(e.line for e in first.errors)
    # a run over what each path imported: the same warnings, the same records published
    today = date(2026, 11, 2)
    runs = [compare.run(d, today=today) for d in (plain_db, fast_db)]
    assert runs[0].new_warnings == runs[1].new_warnings > 0
    assert runs[0].new_by_office == runs[1].new_by_office
    assert runs[0].refused_reasons == runs[1].refused_reasons
    assert _published(fast_db) == _published(plain_db)
    again = [compare.run(d, today=today) for d in (plain_db, fast_db)]
    assert again[0].new_warnings == again[1].new_warnings == 0
    assert _published(fast_db) == _published(plain_db)
