"""Run every benchmark (or those named), print a table and write bench/results/latest.json."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _modules(only: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    return [n for n in names if not only or any(o in n for o in only)]


def _fmt(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "-"
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="性能基准（与同进程内的裸库基线对比）"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="small scale, one repetition: proves the benchmarks still run",
    )
    parser.add_argument("only", nargs="*", help="run only modules whose name contains one of these")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = []
    failed = []
    for name in _modules(args.only):
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        try:
            rows = module.run(args.smoke)
        except Exception as exc:  # report and go on with the other areas
            failed.append(name)
            print(f"   FAILED: {exc!r}", flush=True)
            continue
        for r in rows:
            r["module"] = name
            extra = ", ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                for k, v in r.get("extra", {}).items()
            )
            print(
                f"   {r['name']:<48} median {_fmt(r['median_s']):>10}  (min {_fmt(r['min_s'])}, max {_fmt(r['max_s'])})"
                f"  baseline {r['baseline_name']}: {_fmt(r['baseline_s'])}  ratio {r['ratio']:.2f}"
                f"  target: {r['target']}" + (f"  [{extra}]" if extra else ""),
                flush=True,
            )
        results.extend(rows)
        print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    out = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "smoke": args.smoke,
        "results": results,
    }
    (HERE / "results").mkdir(exist_ok=True)
    name = "smoke.json" if args.smoke else "latest.json"
    (HERE / "results" / name).write_text(
        json.dumps(out, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
