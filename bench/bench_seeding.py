"""Demo seeding at city scale (``create_demo_store``: offices, users, 141,600 families with
their cases walked through the workflow machine, the support rows through the services)
against the bare driver executemany of the same generated rows into an empty store."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import row
from desktop.demo import TABLES, create_demo_store, generate_parts, store_offices
from desktop.demo_bulk import insert_values, seeding_cache
from desktop.demo_workflow import DemoIds, case_event_values
from desktop.services.policy.policy_admin import load_policy
from desktop.store.keys import KdfParams

CHEAP_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
CITY = 141_600


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return fh.read().split()[0]


def _peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _seed(folder: Path, households: int) -> tuple[float, float]:
    """Seconds (wall, CPU) of a whole demo store."""
    wall, cpu = time.perf_counter(), time.process_time()
    store, _ = create_demo_store(folder, households, kdf=CHEAP_KDF)
    out = time.perf_counter() - wall, time.process_time() - cpu
    store.close()
    return out


def _bare(folder: Path, households: int) -> float:
    """Seconds of the driver's executemany alone for the same rows (generated part by part
    and turned into driver values untimed), into an empty store, one transaction, the same
    page cache, triggers and indexes in place."""
    store, _ = create_demo_store(folder, 0, kdf=CHEAP_KDF)
    offices, policy, ids = store_offices(store), load_policy(store), DemoIds()
    spent = 0.0
    with store.sessions.write() as s:
        conn = s.connection()
        with seeding_cache(conn):
            for rows in generate_parts(20261129, households, offices, policy, ids=ids):
                statements = [
                    insert_values(conn, model.__table__, rows[name])  # type: ignore[arg-type]
                    for name, model in TABLES
                    if rows.get(name)
                ]
                if rows.get("case_events"):
                    statements.append(case_event_values(rows["case_events"], ids))
                start = time.perf_counter()
                for sql, values in statements:
                    conn.exec_driver_sql(sql, values)  # type: ignore[arg-type]
                spent += time.perf_counter() - start
        start = time.perf_counter()
    spent += time.perf_counter() - start  # the commit
    store.close()
    return spent


def run(
    smoke: bool, households: int | None = None, reps: int | None = None
) -> list[dict[str, Any]]:
    households = households or (1000 if smoke else CITY)
    reps = reps or (1 if smoke else 3)
    seeds, bares, loads = [], [], []
    peak = float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(reps):
            loads.append(_load())
            wall, cpu = _seed(Path(tmp) / f"s{i}", households)
            seeds.append(wall)
            peak = peak if i else _peak_rss_mib()  # the first seeding, before any baseline
            loads.append(_load())
            bares.append(_bare(Path(tmp) / f"b{i}", households))
            loads.append(_load())
            print(
                f"   seeding {households:,} households: {wall:.1f} s (CPU {cpu:.1f} s), "
                f"bare insert {bares[-1]:.1f} s, load {' / '.join(loads[-3:])}",
                flush=True,
            )
    seeds.sort()
    bares.sort()
    return [
        row(
            f"demo seeding, {households:,} households (create_demo_store)",
            (seeds[len(seeds) // 2], seeds[0], seeds[-1]),
            "driver executemany of the same rows into an empty store",
            bares[len(bares) // 2],
            "<= 60 s at city scale",
            households=households,
            peak_rss_mib=round(peak),
            load=" ".join(loads),
        )
    ]


if __name__ == "__main__":
    n = next((int(a.split("=")[1]) for a in sys.argv if a.startswith("--households=")), None)
    r = next((int(a.split("=")[1]) for a in sys.argv if a.startswith("--reps=")), None)
    for result in run("--smoke" in sys.argv, n, r):
        print(result)
