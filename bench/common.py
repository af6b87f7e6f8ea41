"""Shared helpers for benchmarks: repeat-and-summarise timing, a result row builder, memory
readings and the city-scale demo store (seeded once and reused when ``JIUZHU_BENCH_STORE``
names a folder)."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.services.base import Actor
    from desktop.store.store import Store

STORE_ENV = "JIUZHU_BENCH_STORE"
_SEEDED_MARK = "bench-households.txt"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """Run ``fn`` ``repeat`` times; return (median, min, max) seconds."""
    runs = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs), max(runs)


def row(
    name: str,
    measured: tuple[float, float, float],
    baseline_name: str,
    baseline: float,
    target: str,
    **extra: Any,
) -> dict[str, Any]:
    """One result row in the shape the runner prints."""
    median, lo, hi = measured
    return {
        "name": name,
        "median_s": median,
        "min_s": lo,
        "max_s": hi,
        "baseline_name": baseline_name,
        "baseline_s": baseline,
        "ratio": median / baseline if baseline else float("nan"),
        "target": target,
        "extra": extra,
    }


def rss_mib() -> float:
    """Resident memory of this process in MiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def status_mib(field: str) -> float:
    """A memory field of /proc/self/status (``VmRSS``, ``VmHWM``) in MiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_reset() -> float:
    """Reset this process's peak RSS (``VmHWM``, via /proc/self/clear_refs) and return the
    current RSS in MiB; NaN where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return float("nan")
    return status_mib("VmRSS")


def _open_demo(folder: Path) -> tuple[Store, Actor]:
    from desktop.demo_data import PASSWORDS
    from desktop.services.accounts.auth import login

    return login(folder, "admin", PASSWORDS["admin"][2])


@contextmanager
def demo_store(households: int, *, writes: bool = False) -> Iterator[tuple[Store, Actor, float]]:
    """The demo store of ``households`` families (``create_demo_store``, cheap key derivation)
    and its admin; yields (store, admin, seconds spent seeding, 0 when reused).

    When the environment variable ``JIUZHU_BENCH_STORE`` names a folder, the store is seeded
    there once and reused by later runs (seeding the city takes minutes); ``writes=True``
    benchmarks then work on a copy, so the kept store stays as seeded. Without it, a temporary
    store is seeded and removed afterwards."""
    from desktop.demo import create_demo_store
    from desktop.store.keys import KdfParams

    kdf = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
    kept = os.environ.get(STORE_ENV, "").strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    seed_s = 0.0
    try:
        folder = tmp / "d"
        if kept:
            home = Path(kept) / str(households)
            if not (home / _SEEDED_MARK).exists():
                shutil.rmtree(home, ignore_errors=True)
                start = time.perf_counter()
                store, _admin = create_demo_store(home, households, kdf=kdf)
                seed_s = time.perf_counter() - start
                store.close()
                (home / _SEEDED_MARK).write_text(f"{households}\n", encoding="ascii")
            if writes:
                shutil.copytree(home, folder)
            else:
                folder = home
            store, admin = _open_demo(folder)
        else:
            start = time.perf_counter()
            store, admin = create_demo_store(folder, households, kdf=kdf)
            seed_s = time.perf_counter() - start
        try:
            yield store, admin, seed_s
        finally:
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
