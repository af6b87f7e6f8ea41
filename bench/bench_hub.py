"""Hub micro benchmark: initial pull of 100,000 records, no-op pull, push of 10,000 records."""

from __future__ import annotations

import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sync.hub import accounts, db
from sync.hub.config import HubSettings
from sync.hub.server import HubThread
from sync.hub_client import HubApi, new_change
from sync.protocol import MAX_PULL_LIMIT
from sync.transport import HttpClient

OFFICE = "120103001"


def _payload(n: int) -> dict:
    """A case-like document of about 500 bytes."""
    return {
        "applicant": "张红梅",
        "id_number": f"120103{1950 + n % 60}0312{n % 10000:04d}",
        "members": 1 + n % 5,
        "type": "dibao",
        "state": "reviewing",
        "residence_office": OFFICE,
        "hukou_office": OFFICE,
        "address": "河西区友谊路街道某小区3号楼2门101",
        "phone": "13800000000",
        "amount": f"{900 + n % 300}.00",
        "income": f"{n % 2000}.50",
        "applied_on": "2026-10-15",
        "notes": "入户调查已完成，材料齐全，等待初审。" * 2,
    }


def _seed(database: db.Database, n: int) -> list[tuple]:
    rows = [
        (
            "application",
            str(uuid.UUID(int=k + 1)),
            1,
            False,
            json.dumps(_payload(k), ensure_ascii=False, separators=(",", ":")),
            json.dumps([OFFICE]),
            k + 1,
            0.0,
            None,
        )
        for k in range(n)
    ]
    with database.write() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cur.executemany("INSERT INTO hub_records VALUES (?,?,?,?,?,?,?,?,?)", rows)
        cur.executemany(
            "INSERT INTO hub_record_offices VALUES (?,?,?,?)",
            [(OFFICE, r[6], r[0], r[1]) for r in rows],
        )
        conn.exec_driver_sql(f"UPDATE hub_counters SET value = {n} WHERE name = 'seq'")
    return rows


def _baseline(rows: list[tuple], folder: Path) -> float:
    """Bare sqlite3: executemany insert of the same rows into a table with two indexes."""
    path = folder / f"base-{uuid.uuid4().hex}.db"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE r (entity TEXT, id TEXT, rev INT, deleted INT, payload TEXT, offices TEXT, PRIMARY KEY (entity, id))"
    )
    con.execute("CREATE INDEX r_rev ON r (rev)")
    t = time.perf_counter()
    with con:
        con.executemany("INSERT INTO r VALUES (?,?,?,?,?,?)", [r[:6] for r in rows])
    took = time.perf_counter() - t
    con.close()
    return took


def _times(fn: Callable[[], object], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _row(
    name: str, times: list[float], base_name: str, base: float, target: str, extra: dict
) -> dict:
    med = statistics.median(times)
    return {
        "name": name,
        "median_s": med,
        "min_s": min(times),
        "max_s": max(times),
        "baseline_name": base_name,
        "baseline_s": base,
        "ratio": med / base if base else float("nan"),
        "target": target,
        "extra": extra,
    }


def run(smoke: bool) -> list[dict]:
    """Measure against a real hub on 127.0.0.1 (SQLite file in a temp folder)."""
    n, n_push, reps = (2_000, 500, 1) if smoke else (100_000, 10_000, 3)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        settings = HubSettings(db_url=f"sqlite:///{folder}/hub.db")
        with HubThread(settings) as hub:
            database = hub.app.state.database
            accounts.add_office(database, OFFICE, "河西区友谊路街道", "河西区")
            api = HubApi(hub.base_url, http=HttpClient())
            api.register(OFFICE, accounts.create_enrolment(database, OFFICE, settings), "bench")
            rows = _seed(database, n)
            base = statistics.median(_baseline(rows, folder) for _ in range(reps))

            def initial_pull() -> None:
                got = sum(len(p.records) for p in api.pull_all("0", MAX_PULL_LIMIT))
                assert got == n

            pulls = _times(initial_pull, reps)
            cursor = api.pull("0", 1).cursor
            last = str(n)
            noop = _times(lambda: api.pull(last, MAX_PULL_LIMIT), max(reps, 5) * 4)
            assert cursor == "1"

            def push() -> None:
                changes = [
                    new_change("application", uuid.uuid4(), _payload(k), [OFFICE])
                    for k in range(n_push)
                ]
                assert all(r.status == "applied" for r in api.push(changes))

            pushes = _times(push, reps)
    return [
        _row(
            f"initial pull of {n} records via HubApi",
            pulls,
            f"sqlite3 executemany insert of {n} rows",
            base,
            ">= 30,000 records/s (<= 3x bare insert)",
            {"records_per_s": n / statistics.median(pulls)},
        ),
        _row(
            "no-op pull (nothing new)",
            noop,
            f"sqlite3 executemany insert of {n} rows",
            base,
            "<= 6 ms",
            {"median_ms": statistics.median(noop) * 1000},
        ),
        _row(
            f"push of {n_push} new records",
            pushes,
            f"sqlite3 executemany insert of {n} rows",
            base * n_push / n,
            ">= 20,000 records/s",
            {"records_per_s": n_push / statistics.median(pushes)},
        ),
    ]


if __name__ == "__main__":
    import sys

    for r in run("--smoke" in sys.argv):
        print(r)
