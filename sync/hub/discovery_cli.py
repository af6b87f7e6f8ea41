"""Hub commands of proactive discovery: import-feed, scan-feeds, import-registry, run,
escalate, stats (registered by sync/hub/__main__.py)."""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

from sync.hub.db import Database

COMMANDS = (
    "import-feed", "scan-feeds", "import-registry", "run", "escalate", "stats",
    "escalate-problems", "visit-stats",
)  # fmt: skip


def add_commands(sub: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """Add the discovery sub-commands; return their parsers."""
    feed = sub.add_parser("import-feed", help="导入部门比对数据（CSV/xlsx）")
    feed.add_argument("kind", help="数据类别，如 death、vehicle（见 docs/feeds.md）")
    feed.add_argument("file", type=Path)
    feed.add_argument("--errors", type=Path, help="错误明细 CSV 的保存位置")
    scan = sub.add_parser("scan-feeds", help="扫描一次投递目录（<目录>/<类别>/文件）")
    scan.add_argument("folder", type=Path)
    reg = sub.add_parser("import-registry", help="导入低收入人口名单")
    reg.add_argument("file", type=Path)
    reg.add_argument(
        "--category", required=True, choices=("bianyuan", "dibao", "gangxing", "other", "tekun")
    )
    reg.add_argument("--source", required=True, help="名单来源，如 乡村振兴局")
    reg.add_argument("--valid-from", required=True, type=date.fromisoformat)
    reg.add_argument("--valid-to", type=date.fromisoformat)
    run = sub.add_parser("run", help="比对筛查（全市或区级）")
    run.add_argument("--district", default="", help="区名；不填为全市比对")
    run.add_argument("--feeds", default="", help="逗号分隔的数据类别；不填为全部")
    run.add_argument("--deadline-days", type=int, help="处置期限（工作日），不填按各类别规定")
    run.add_argument("--changed-only", action="store_true", help="只比对上次比对后有新数据的类别")
    esc = sub.add_parser("escalate", help="逾期未处置预警提交区级督办")
    stats = sub.add_parser("stats", help="预警处置统计（xlsx 与月报 PDF）")
    stats.add_argument("--xlsx", type=Path)
    stats.add_argument("--pdf", type=Path)
    stats.add_argument("--month", default=date.today().strftime("%Y-%m"))
    problems = sub.add_parser("escalate-problems", help="逾期未办结的走访发现问题提交区级督办")
    visits = sub.add_parser("visit-stats", help="走访与问题统计（按街道和区）")
    visits.add_argument("--month", default=date.today().strftime("%Y-%m"))
    visits.add_argument("--district", default="", help="只列该区督办中的问题")
    return [feed, scan, reg, run, esc, stats, problems, visits]


def run_command(database: Database, args: argparse.Namespace) -> int:
    """Run one discovery command; exit code 2 when a file is refused."""
    # imported here: serving the hub needs none of this
    from sync.hub import compare, discovery, registry
    from sync.hub.feeds.importer import FeedRefused, import_feed, write_error_report

    try:
        if args.command == "import-feed":
            imported = import_feed(database, args.kind, args.file)
            print(imported.summary())
            if args.errors and write_error_report(imported, args.errors):
                print(f"错误明细已保存：{args.errors}")
            for e in imported.errors[:20]:
                print(f"  第{e.line}行 {e.column}：{e.reason}")
        elif args.command == "scan-feeds":
            for name, summary in discovery.scan_folder(database, args.folder):
                print(f"{name}：{summary}")
        elif args.command == "import-registry":
            listed = registry.import_list(
                database, args.file, args.category, args.source, args.valid_from, args.valid_to
            )
            print(f"读取{listed.rows_read}行，入库{listed.imported}人，错误{len(listed.errors)}行")
            for line, column, reason in listed.errors[:20]:
                print(f"  第{line}行 {column}：{reason}")
        elif args.command == "run":
            scope = "district" if args.district else "city"
            feeds = [f for f in args.feeds.split(",") if f] or None
            cancel = threading.Event()
            try:
                report = compare.run(database, scope=scope, district=args.district, feeds=feeds,
                                     deadline_days=args.deadline_days, cancel=cancel,
                                     changed_only=args.changed_only)  # fmt: skip
            except KeyboardInterrupt:
                cancel.set()
                raise
            print(report.summary())
        elif args.command in ("escalate-problems", "visit-stats"):
            _visit_command(database, args)
        elif args.command == "escalate":
            counts = discovery.escalate(database)
            print("；".join(f"{d}：{n}条" for d, n in counts.items()) or "没有新的逾期预警")
        else:
            rows = discovery.statistics(database)
            if args.xlsx:
                args.xlsx.write_bytes(discovery.statistics_xlsx(rows))
            if args.pdf:
                args.pdf.write_bytes(discovery.statistics_pdf(rows, args.month))
            for r in rows:
                print(f"{r.month} {r.office_name}：推送{r.pushed} 核查{r.checked}")
    except (FeedRefused, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


def _visit_command(database: Database, args: argparse.Namespace) -> None:
    """区级督办 of overdue visit problems, or the month's visit figures by office and district."""
    from sync.hub import visit_supervision as vs

    if args.command == "escalate-problems":
        counts = vs.escalate_problems(database)
        print("；".join(f"{d}：{n}个" for d, n in counts.items()) or "没有新的逾期问题")
        return
    start = date.fromisoformat(f"{args.month}-01")
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for r in vs.visit_counts(database, start, end):
        print(f"{r.district} {r.office_name}：走访{r.visits}次 {r.households}户，"
              f"发现问题{r.problems_found} 办结{r.problems_solved} 督办{r.problems_escalated}")  # fmt: skip
    if args.district:
        for p in vs.district_problems(database, args.district):
            print(f"  督办 {p.office_name} {p.community} {p.category} 期限{p.deadline} {p.status}")
