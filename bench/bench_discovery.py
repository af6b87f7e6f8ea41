"""Proactive-discovery benchmark on the hub: feed import rate, a full city run, a re-run after
one changed feed, and peak memory — each beside a bare PostgreSQL COPY of the same rows.

City scale: registry 215,000 persons, one feed of 2,000,000 rows and eleven of 100,000–500,000
rows (``--scale=0.25`` for a quarter of it, ``--smoke`` for a quick check, ``--reps=3`` for the
median of three repetitions on fresh databases). Needs PostgreSQL (``HUB_BENCH_DATABASE_URL`` or ``HUB_TEST_DATABASE_URL``); without it
the hub runs on SQLite and the baseline is a bare sqlite3 executemany of the same rows."""

from __future__ import annotations

import csv
import os
import resource
import statistics
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
        return Database(f"sqlite:///{folder}/hub-{uuid.uuid4().hex[:8]}.db"), None
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


def _floor(database: Database, kind: str) -> float:
    """Seconds for the database alone to insert the imported rows of ``kind`` again into a
    table of the same shape and indexes (primary key, kind index) with ON CONFLICT: the part
    of an import no checking path can remove."""
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cur.execute(
            "CREATE TABLE floor_rows (row_key VARCHAR(40) PRIMARY KEY, kind VARCHAR(32), "
            "id_number VARCHAR(18), name VARCHAR(40), event_date VARCHAR(10), code VARCHAR(20), "
            "amount DOUBLE PRECISION, data TEXT, file_sha VARCHAR(64), line INTEGER)"
        )
        cur.execute("CREATE INDEX ix_floor_rows_kind ON floor_rows (kind)")
        raw.commit()
        start = time.perf_counter()
        cur.execute(
            "INSERT INTO floor_rows SELECT * FROM hub_feed_rows WHERE kind = "
            + ("?" if database.is_sqlite else "%s")
            + " ON CONFLICT (row_key) DO NOTHING",
            (kind,),
        )
        raw.commit()
        took = time.perf_counter() - start
        cur.execute("DROP TABLE floor_rows")
        raw.commit()
        cur.close()
    return took


def _once(folder: Path, files: dict[str, Path], reg_n: int, small: list[int]) -> dict[str, float]:
    """One repetition on a fresh hub database: every figure of the benchmark, in seconds."""
    database, schema = _database(folder)
    out: dict[str, float] = {}
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
        out["base_big"] = _baseline(database, files[BIG])
        start = time.perf_counter()
        import_feed(database, BIG, files[BIG])
        out["big"] = time.perf_counter() - start
        out["floor_big"] = _floor(database, BIG)
        start = time.perf_counter()
        for k in others:
            import_feed(database, k, files[k])
        out["rest"] = time.perf_counter() - start
        out["base_all"] = out["base_big"] + sum(_baseline(database, files[k]) for k in others)
        start = time.perf_counter()
        city = compare.run(database)
        out["run"] = time.perf_counter() - start
        out["warnings"] = city.new_warnings
        changed = _write(folder, "vehicle", small[2] // 10, reg_n, seed=17 + len(files))
        import_feed(database, "vehicle", changed)
        out["base_changed"] = _baseline(database, changed)
        start = time.perf_counter()
        rerun = compare.run(database, changed_only=True)
        out["rerun"] = time.perf_counter() - start
        out["rerun_new"], out["rerun_skipped"] = rerun.new_warnings, len(rerun.skipped)
        changed.unlink()
    finally:
        database.dispose()
        if schema is not None:
            import psycopg

            base = os.environ.get("HUB_BENCH_DATABASE_URL") or os.environ["HUB_TEST_DATABASE_URL"]
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return out


def run(smoke: bool, scale: float = 1.0, reps: int = 1) -> list[dict]:
    """The figures at city scale times ``scale`` (or a small smoke scale), each the median of
    ``reps`` repetitions on a fresh database (the files are generated once)."""
    reg_n, big_n = (2_000, 20_000) if smoke else (int(215_000 * scale), int(2_000_000 * scale))
    small = [1_000 + 400 * i for i in range(11)] if smoke else [
        int((100_000 + 40_000 * i) * scale) for i in range(11)
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        others = [k for k in HEADERS if k != BIG]
        files = {BIG: _write(folder, BIG, big_n, reg_n)}
        files.update({k: _write(folder, k, n, reg_n) for k, n in zip(others, small, strict=True)})
        results = [_once(folder, files, reg_n, small) for _ in range(max(1, reps))]
        sqlite = not (
            os.environ.get("HUB_BENCH_DATABASE_URL") or os.environ.get("HUB_TEST_DATABASE_URL")
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = big_n + sum(small)

    def m(key: str) -> tuple[float, float, float]:
        values = [r[key] for r in results]
        return statistics.median(values), min(values), max(values)

    def med(key: str) -> float:
        return m(key)[0]

    bare = "sqlite3 executemany" if sqlite else "PostgreSQL COPY"
    return [
        row(f"import of one feed ({big_n} rows)", m("big"),
            f"{bare} of the same rows", med("base_big"), ">= 200,000 rows/s",
            rows_per_s=big_n / med("big"), baseline_rows_per_s=big_n / med("base_big"),
            floor_s=med("floor_big"), floor_rows_per_s=big_n / med("floor_big")),
        row(f"import of the eleven other feeds ({total - big_n} rows)", m("rest"),
            f"{bare} of the same rows", med("base_all") - med("base_big"), ">= 200,000 rows/s",
            rows_per_s=(total - big_n) / med("rest")),
        row(f"full city run (registry {reg_n}, {total} feed rows)", m("run"),
            f"{bare} of all feed rows", med("base_all"), "<= 60 s",
            warnings=med("warnings")),
        row("re-run after one changed feed", m("rerun"),
            f"{bare} of the changed file", med("base_changed"), "<= 5 s",
            new=med("rerun_new"), skipped=med("rerun_skipped")),
        row("peak hub memory (process RSS, MiB)", (peak / 1000, peak / 1000, peak / 1000),
            "-", float("nan"), "<= 1 GiB", peak_mib=peak, reps=len(results)),
    ]  # fmt: skip


if __name__ == "__main__":
    import sys

    scale = next((float(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--scale=")), 1.0)
    reps = next((int(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--reps=")), 1)
    for r in run("--smoke" in sys.argv, scale, reps):
        print(r)
