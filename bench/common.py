"""Shared helpers for benchmarks: repeat-and-summarise timing and a result row builder."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


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
