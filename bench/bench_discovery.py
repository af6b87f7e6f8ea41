"""Proactive-discovery benchmark on the hub: feed import rate, a full city run, a re-run after
one changed feed, and peak memory — each beside a bare PostgreSQL COPY of the same rows.

City scale: registry 215,000 persons, one feed of 2,000,000 rows and eleven of 100,000–500,000
rows (``--scale=0.25`` for a quarter of it, ``--smoke`` for a quick check). Needs PostgreSQL (``HUB_BENCH_DATABASE_URL`` or ``HUB_TEST_DATABASE_URL``); without it
the hub runs on SQLite and the baseline is a bare sqlite3 executemany of the same rows."""

from __future__ import annotations

import csv
import os
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from bench.common import row
from desktop.domain.ids import check_char
from sync.hub import accounts, compare, migrations
from sync.hub.db import Database
from sync.hub.feeds import load_kinds
from sync.hub.feeds.importer import import_feed
from sync.hub.feeds.tables import registry

OFFICES = [f"12010300{n}" for n in range(1, 10)]
BIG = "social_insurance"
HEADERS = {
    "death": ["公民身份号码", "姓名", "死亡日期", "信息来源"],
    "hukou_out": ["公民身份号码", "姓名", "迁出日期", "迁出类型"],
    "vehicle": ["公民身份号码", "姓名", "登记日期", "车辆类型"],
    "business": ["公民身份号码", "姓名", "成立日期", "主体类型", "注册资本（万元）"],
    "social_insurance": ["公民身份号码", "姓名", "缴费月份", "险种", "缴费基数"],
    "pension": ["公民身份号码", "姓名", "发放月份", "月养老金"],
    "housing_fund": ["公民身份号码", "姓名", "缴存月份", "月缴存额"],
    "real_estate": ["公民身份号码", "姓名", "登记日期", "用途", "建筑面积"],
    "disability": ["公民身份号码", "姓名", "发证日期", "残疾等级"],
    "custody": ["公民身份号码", "姓名", "羁押日期", "类别"],
    "medical": ["公民身份号码", "姓名", "结算日期", "个人自付金额"],
    "unemployment": ["公民身份号码", "姓名", "登记日期"],
}


_FIRST_BIRTH = date(1950, 1, 1).toordinal()


def person(n: int) -> str:
    """A valid ID number for person ``n`` (Tianjin 河西区, born 1950–1999), one per ``n`` below
    18,250,000 (a birth date per day of those 50 years, then the sequence number)."""
    born = date.fromordinal(_FIRST_BIRTH + n % 18_250).strftime("%Y%m%d")
    first17 = f"120103{born}{n // 18_250 % 1000:03d}"
    return first17 + check_char(first17)


def _rows(kind: str, n: int, registry_size: int, seed: int) -> Iterator[list[str]]:
    codes = list(load_kinds()[kind].codes) or [""]
    for i in range(n):
        k = (i * 7919 + seed) % (registry_size * 20)  # ~5% of rows are registry persons
        month = 1 + (i // 1000) % 12
        line = [person(k), "张某", f"2026-{month:02d}-{1 + i % 28:02d}"]
        if kind in ("death", "hukou_out", "vehicle", "business", "social_insurance",
                    "real_estate", "disability", "custody"):  # fmt: skip
            line.append(codes[i % len(codes)])
        if kind in ("business", "social_insurance", "pension", "housing_fund", "real_estate",
                    "medical"):  # fmt: skip
            line.append(str(1000 + (i * 37) % 60000))
        yield line


def _write(folder: Path, kind: str, n: int, registry_size: int, seed: int = 0) -> Path:
    path = folder / f"{kind}-{seed}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS[kind])
        w.writerows(_rows(kind, n, registry_size, seed))
    return path


def _database(folder: Path) -> tuple[Database, str | None]:
    base = os.environ.get("HUB_BENCH_DATABASE_URL") or os.environ.get("HUB_TEST_DATABASE_URL")
    if not base:
        return Database(f"sqlite:///{folder}/hub.db"), None
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    return Database(f"{base}{sep}options=-csearch_path%3D{schema}"), schema


def _baseline(database: Database, path: Path) -> float:
    """Seconds for the bare load of the same rows: COPY on PostgreSQL, executemany on SQLite."""
    start = time.perf_counter()
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS bare_rows (a TEXT, b TEXT, c TEXT, d TEXT, e TEXT)")
        cur.execute("DELETE FROM bare_rows")
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            if database.is_sqlite:
                cur.executemany(
                    "INSERT INTO bare_rows VALUES (?, ?, ?, ?, ?)",
                    [(r + ["", ""])[:5] for r in reader],
                )
            else:
                with cur.copy("COPY bare_rows (a, b, c, d, e) FROM STDIN") as copy:
                    for r in reader:
                        copy.write_row((r + ["", ""])[:5])
        raw.commit()
        cur.close()
    return time.perf_counter() - start


def run(smoke: bool, scale: float = 1.0) -> list[dict]:
    """The four figures at city scale times ``scale`` (or a small smoke scale)."""
    reg_n, big_n = (2_000, 20_000) if smoke else (int(215_000 * scale), int(2_000_000 * scale))
    small = [1_000 + 400 * i for i in range(11)] if smoke else [
        int((100_000 + 40_000 * i) * scale) for i in range(11)
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database, schema = _database(folder)
        try:
            migrations.upgrade(database)
            for code in OFFICES:
                accounts.add_office(database, code, f"街道{code[-1]}", "河西区")
            with database.write() as conn:
                conn.execute(registry.insert(), [
                    {"id_number": person(k), "category": "dibao", "source": "bench",
                     "name": "张某", "household_key": str(k // 2),
                     "office_code": OFFICES[k % 9], "residence_office": OFFICES[k % 9],
                     "community": "", "valid_from": "2020-01-01", "valid_to": None,
                     "assisted": k % 10 != 0, "household_size": 2}
                    for k in range(reg_n)
                ])  # fmt: skip
            others = [k for k in HEADERS if k != BIG]
            files = {BIG: _write(folder, BIG, big_n, reg_n)}
            files.update(
                {k: _write(folder, k, n, reg_n) for k, n in zip(others, small, strict=True)}
            )
            total = big_n + sum(small)
            base_big = _baseline(database, files[BIG])
            start = time.perf_counter()
            import_feed(database, BIG, files[BIG])
            big_s = time.perf_counter() - start
            start = time.perf_counter()
            for k in others:
                import_feed(database, k, files[k])
            rest_s = time.perf_counter() - start
            base_all = base_big + sum(_baseline(database, files[k]) for k in others)
            start = time.perf_counter()
            city = compare.run(database)
            run_s = time.perf_counter() - start
            changed = _write(folder, "vehicle", small[2] // 10, reg_n, seed=17)
            import_feed(database, "vehicle", changed)
            base_changed = _baseline(database, changed)
            start = time.perf_counter()
            rerun = compare.run(database, changed_only=True)
            rerun_s = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        finally:
            database.dispose()
            if schema is not None:
                import psycopg

                base = (
                    os.environ.get("HUB_BENCH_DATABASE_URL") or os.environ["HUB_TEST_DATABASE_URL"]
                )
                with psycopg.connect(base, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")
    bare = "PostgreSQL COPY" if schema is not None else "sqlite3 executemany"
    return [
        row(f"import of one feed ({big_n} rows)", (big_s, big_s, big_s),
            f"{bare} of the same rows", base_big, ">= 200,000 rows/s",
            rows_per_s=big_n / big_s, baseline_rows_per_s=big_n / base_big),
        row(f"import of the eleven other feeds ({total - big_n} rows)", (rest_s, rest_s, rest_s),
            f"{bare} of the same rows", base_all - base_big, ">= 200,000 rows/s",
            rows_per_s=(total - big_n) / rest_s),
        row(f"full city run (registry {reg_n}, {total} feed rows)", (run_s, run_s, run_s),
            f"{bare} of all feed rows", base_all, "<= 60 s",
            warnings=city.new_warnings),
        row("re-run after one changed feed", (rerun_s, rerun_s, rerun_s),
            f"{bare} of the changed file", base_changed, "<= 5 s",
            new=rerun.new_warnings, skipped=len(rerun.skipped)),
        row("peak hub memory (process RSS, MiB)", (peak / 1000, peak / 1000, peak / 1000),
            "-", float("nan"), "<= 1 GiB", peak_mib=peak),
    ]  # fmt: skip


if __name__ == "__main__":
    import sys

    scale = next((float(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--scale=")), 1.0)
    for r in run("--smoke" in sys.argv, scale):
        print(r)
