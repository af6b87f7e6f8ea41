"""Command line: ``python -m reports samples OUTDIR`` writes one PDF of every document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.errors import DeskError


def write_samples(outdir: Path) -> list[Path]:
    """Render every sample document into ``outdir``; returns the files written."""
    from reports.samples import all_documents

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, render in all_documents().items():
        path = outdir / f"report-{stem}.pdf"
        path.write_bytes(render())
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m reports", description="打印文书工具")
    sub = parser.add_subparsers(dest="command", required=True)
    samples = sub.add_parser("samples", help="用内置样例数据生成每一种文书")
    samples.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)
    try:
        files = write_samples(args.outdir)
    except DeskError as exc:
        print(f"生成失败：{exc.message}", file=sys.stderr)
        return 1
    for path in files:
        print(path)
    print(f"共生成 {len(files)} 份文书。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
