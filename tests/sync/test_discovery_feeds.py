"""Department feeds on the hub: kinds as data, encodings, the drop folder, the admin command,
refused files and rows, cancellable idempotent runs and a district run's scope."""

from __future__ import annotations

import csv
import json
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.bench_discovery import person
from desktop.domain.ids import check_char
from sync.hub import accounts, compare, migrations
from sync.hub.__main__ import main
from sync.hub.db import Database
from sync.hub.discovery import scan_folder
from sync.hub.feeds import load_kinds, parse_kind
from sync.hub.feeds.importer import import_feed
from sync.hub.feeds.reader import detect_encoding
from sync.hub.feeds.tables import feed_rows, registry, warnings
from tests.sync.conftest import OFFICE_A, OFFICE_C

PERSON_A = "120101199001011239"  # a recipient registered at office A (河西区)
PERSON_C = "11010519491231002X"  # a recipient registered at office C (南开区)


@pytest.fixture
def database(hub_db_url: str):  # type: ignore[no-untyped-def]
    d = Database(hub_db_url)
    migrations.upgrade(d)
    accounts.add_office(d, OFFICE_A, "河西区友谊路街道", "河西区")
    accounts.add_office(d, OFFICE_C, "南开区长虹街道", "南开区")
    with d.write() as conn:
        conn.execute(
            registry.insert(),
            [
                {"id_number": n, "category": "dibao", "source": "金民", "name": name,
                 "household_key": n, "office_code": office, "residence_office": office,
                 "community": "", "valid_from": "2020-01-01", "valid_to": None,
                 "assisted": True, "household_size": 2}
                for n, name, office in ((PERSON_A, "张三丰", OFFICE_A), (PERSON_C, "李秀英", OFFICE_C))
            ],
        )  # fmt: skip
    yield d
    d.dispose()


def _csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


VEHICLE = ["身份证号", "姓名", "登记日期", "车辆类型"]


def test_every_department_feed_is_a_data_file() -> None:
    kinds = load_kinds()
    assert set(kinds) == {
        "death", "hukou_out", "vehicle", "business", "social_insurance", "pension",
        "housing_fund", "real_estate", "disability", "custody", "medical", "unemployment",
    }  # fmt: skip
    assert {r.direction for k in kinds.values() for r in k.rules} == {"check", "lead"}
    raw = json.loads((Path(__file__).parents[2] / "sync/hub/feeds/kinds/vehicle.json").read_text())
    raw["kind"], raw["label"] = "boat", "船舶登记"
    assert parse_kind(raw).label == "船舶登记"  # a new kind is a file, not code


def test_encodings_are_detected_not_guessed(tmp_path: Path, database: Database) -> None:
    rows = [[PERSON_A, "张三丰", "2026-10-08", "小型汽车"]]
    gb = _csv(tmp_path / "gb.csv", VEHICLE, rows, "gb18030")
    bom = _csv(tmp_path / "bom.csv", VEHICLE, rows, "utf-8-sig")
    plain = _csv(tmp_path / "plain.csv", VEHICLE, rows, "utf-8")
    assert [detect_encoding(p) for p in (gb, bom, plain)] == ["gb18030", "utf-8-sig", "utf-8"]
    assert import_feed(database, "vehicle", gb).imported == 1
    # the same rows in another encoding are the same evidence: nothing new
    assert import_feed(database, "vehicle", bom).imported == 0
    with database.read() as conn:
        assert conn.execute(select(feed_rows.c.name)).scalars().all() == ["张三丰"]


def test_bad_rows_are_reported_and_good_rows_import(tmp_path: Path, database: Database) -> None:
    path = _csv(tmp_path / "v.csv", VEHICLE, [
        [PERSON_A, "张三丰", "2026-10-08", "小型汽车"],
        [PERSON_A, "张三丰", "2026-10-09", "坦克"],
        ["110105491231002", "李秀英", "20261010", "货车"],  # 15 digits → 18
        ["", "无名", "2026-10-10", "货车"],
    ])  # fmt: skip
    report = import_feed(database, "vehicle", path)
    assert report.imported == 2
    assert [(e.line, e.column) for e in report.errors] == [(3, "车辆类型"), (5, "身份证号")]
    assert "坦克" in report.errors[0].reason
    with database.read() as conn:
        ids = set(conn.execute(select(feed_rows.c.id_number)).scalars())
    assert ids == {PERSON_A, PERSON_C}


def test_drop_folder_and_admin_command(
    tmp_path: Path, database: Database, hub_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    drop = tmp_path / "drop"
    _csv(drop / "death" / "殡葬10月.csv", ["公民身份号码", "姓名", "火化日期", "信息来源"],
         [[PERSON_A, "张三丰", "2026-10-03", "殡葬"], [PERSON_A, "张三丰", "2026-10-32", "殡葬"]],
         "gb18030")  # fmt: skip
    _csv(drop / "vehicle" / "bad.csv", ["身份证号"], [[PERSON_A]])
    done = dict(scan_folder(database, drop))
    assert "导入1行" in done["殡葬10月.csv"] and "错误1行" in done["殡葬10月.csv"]
    assert "车辆类型" in done["bad.csv"] and "整个文件未导入" in done["bad.csv"]
    assert (drop / "done" / "殡葬10月.csv").exists() and (drop / "refused" / "bad.csv").exists()
    errors = (drop / "done" / "殡葬10月.csv.errors.csv").read_text(encoding="utf-8-sig")
    assert "火化日期" in errors and ",3," in errors
    assert scan_folder(database, drop) == []  # scanned once: nothing left
    bad = _csv(tmp_path / "x.csv", ["姓名"], [["张三丰"]])
    assert main(["import-feed", "pension", str(bad), "--db", hub_db_url]) == 2
    assert "公民身份号码" in capsys.readouterr().err
    assert main(["run", "--db", hub_db_url]) == 0
    assert "新推送预警1条" in capsys.readouterr().out


def test_runs_are_idempotent_cancellable_and_scoped(tmp_path: Path, database: Database) -> None:
    import_feed(database, "vehicle", _csv(tmp_path / "v.csv", VEHICLE, [
        [PERSON_A, "张三丰", "2026-10-08", "小型汽车"], [PERSON_C, "李秀英", "2026-10-08", "货车"]]))  # fmt: skip
    stop = threading.Event()
    stop.set()
    cancelled = compare.run(database, cancel=stop)
    assert cancelled.status == "cancelled" and cancelled.new_warnings == 0
    district = compare.run(database, scope="district", district="南开区", feeds=["vehicle"])
    assert district.new_by_office == {OFFICE_C: 1}
    city = compare.run(database, today=date(2026, 10, 12))
    assert city.new_by_office == {OFFICE_A: 1} and city.status == "done"
    assert compare.run(database).new_warnings == 0
    # a re-run after one changed feed only compares that feed
    import_feed(database, "death", _csv(tmp_path / "d.csv", ["公民身份号码", "姓名", "死亡日期", "信息来源"],
                                        [[PERSON_A, "张三丰", "2026-11-01", "公安"]]))  # fmt: skip
    rerun = compare.run(database, changed_only=True)
    assert list(rerun.rows_read) == ["death"] and "vehicle" in rerun.skipped
    assert rerun.new_by_kind == {"死亡和火化": 1}
    with database.read() as conn:
        assert len(conn.execute(select(warnings.c.id)).all()) == 3
    with pytest.raises(ValueError, match="未定义"):
        compare.run(database, feeds=["boat"])


def test_the_registry_command_offers_every_category() -> None:
    import argparse

    from sync.hub import discovery_cli, registry

    sub = argparse.ArgumentParser().add_subparsers()
    parsers = {p.prog.split()[-1]: p for p in discovery_cli.add_commands(sub)}
    [category] = [a for a in parsers["import-registry"]._actions if a.dest == "category"]
    assert sorted(category.choices or ()) == sorted(registry.CATEGORIES)


def test_the_fast_path_accepts_and_refuses_exactly_what_the_plain_path_does(
    tmp_path: Path,
) -> None:
    from sync.hub.feeds import feed_kind
    from sync.hub.feeds.importer import _header_map, fast_rows, plain_rows
    from sync.hub.feeds.reader import read_rows

    good = "12010319800101001"
    bad_rows = [
        [PERSON_A, "张三丰", "2026-10", "职工养老", "3,500.50"],  # month date, comma amount
        [
            PERSON_C.lower(),
            "李秀英",
            "2026/10/5",
            "失业保险",
            "",
        ],  # lower-case x, no amount; a code by its label
        [
            "１２０１０１１９９００１０１１２３９",
            "张三丰",
            "20261005",
            "职工养老",
            "1",
        ],  # full width
        [" 110105491231002 ", "李秀英", "2026年10月5日", "职工养老", "0"],  # 15 digits, spaces
        ["120101199001011238", "张三丰", "2026-10-08", "职工养老", "1"],  # check digit
        ["120101199002301234", "张三丰", "2026-10-08", "职工养老", "1"],  # birth date
        ["990101199001011239", "张三丰", "2026-10-08", "职工养老", "1"],  # region
        ["12010119900101123", "张三丰", "2026-10-08", "职工养老", "1"],  # 17 digits
        ["", "张三丰", "2026-10-08", "职工养老", "1"],  # empty
        [PERSON_A, "", "2026-10-08", "职工养老", "1"],  # no name
        [PERSON_A, "张三丰", "2026-02-30", "职工养老", "1"],  # impossible date
        [PERSON_A, "张三丰", "十月", "职工养老", "1"],  # not a date
        [PERSON_A, "张三丰", "2026-10-08", "坦克", "1"],  # unknown code
        [PERSON_A, "张三丰", "2026-10-08", "职工养老", "-5"],  # negative
        [PERSON_A, "张三丰", "2026-10-08", "职工养老", "NaN"],  # not a number
        [PERSON_A, "张三丰", "2026-10-08", "职工养老", "abc"],
        [PERSON_A, "张三丰", "2026-10-09"],  # short row
        [PERSON_A, "张三丰", "2026-10-10", "职工养老", "1", "extra"],  # long row
        ["   ", " ", "", "", ""],  # blank: skipped by the reader
        [good + check_char(good), "王" * 50, " 2026-10-08 ", " 职工养老 ", " 12 "],
    ]
    rows = [r for n in range(3) for r in bad_rows]  # repeated: the caches see them again
    rows += [[person(n), "张某", f"2026-{1 + n % 12:02d}-01", "工伤", str(n)] for n in range(300)]
    kind = feed_kind("social_insurance")
    path = _csv(tmp_path / "si.csv", ["公民身份号码", "姓名", "缴费月份", "险种", "缴费基数"], rows)
    outputs = []
    for check in (plain_rows, fast_rows):
        header, read, _ = read_rows(path)
        outputs.append(list(check(kind, header, _header_map(kind, header), "si.csv", "s", read)))
    plain, fast = outputs
    assert fast == plain
    errors = [e for e in plain if not isinstance(e, tuple)]
    assert {e.column for e in errors} == {"公民身份号码", "姓名", "缴费月份", "险种", "缴费基数"}
    assert len(errors) == 3 * 13 and len(plain) - len(errors) == 3 * 6 + 300
    # both paths through the real import: the same rows in the table, the same report
    reports, tables = [], []
    for fast_path in (False, True):
        d = Database(f"sqlite:///{tmp_path}/hub-{fast_path}.db")
        migrations.upgrade(d)
        reports.append(import_feed(d, "social_insurance", path, fast=fast_path))
        with d.read() as conn:
            tables.append(conn.execute(select(feed_rows).order_by(feed_rows.c.row_key)).all())
        d.dispose()
    assert reports[0] == reports[1] and tables[0] == tables[1] and len(tables[0]) == 6 + 300
