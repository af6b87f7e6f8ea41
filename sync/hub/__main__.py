"""Command line of the reference hub: serve, migrate, add-office, enrol, load-warnings,
load-requests, rejected, revoke-device, load-policy, export-policy, and the proactive-discovery commands (import-feed,
scan-feeds, import-registry, run, escalate, stats)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sync.hub import accounts, city_policy, discovery_cli, migrations, monitoring, records
from sync.hub.config import SECRET_ENV, HubSettings, secret_from_env
from sync.hub.db import Database
from sync.protocol import DEFAULT_MAX_ATTACHMENT_BYTES


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sync.hub", description="市级社会救助平台参考实现")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="启动平台服务")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--check-delay", type=float, default=0.0, help="核对报告生成延迟（秒）")
    serve.add_argument(
        "--max-attachment-mib", type=float, default=DEFAULT_MAX_ATTACHMENT_BYTES / 1048576
    )
    sub.add_parser("migrate", help="升级数据库结构")
    office = sub.add_parser("add-office", help="登记街道（乡镇）")
    office.add_argument("--code", required=True)
    office.add_argument("--name", required=True)
    office.add_argument("--district", required=True)
    enrol = sub.add_parser("enrol", help="为街道（乡镇）生成一次性终端注册码")
    enrol.add_argument("--office", required=True)
    enrol.add_argument("--valid-hours", type=float, default=72.0)
    warn = sub.add_parser("load-warnings", help="导入监测预警 CSV 文件")
    warn.add_argument("file", type=Path)
    refused = sub.add_parser("rejected", help="列出被拒收（隔离）的记录及原因")
    refused.add_argument("--limit", type=int, default=100)
    revoke = sub.add_parser(
        "revoke-device", help="停用终端（其令牌立即失效，可用新注册码重新注册）"
    )
    revoke.add_argument("--device", required=True, help="终端编号（UUID）")
    orders = sub.add_parser("load-requests", help="导入12345工单等诉求 CSV 文件")
    orders.add_argument("file", type=Path)
    load_policy = sub.add_parser(
        "load-policy", help="导入市级政策参数表（CSV 或 xlsx，整表替换，见 docs/city-policy.md）"
    )
    load_policy.add_argument("file", type=Path)
    export_policy = sub.add_parser(
        "export-policy", help="导出市级政策参数表（CSV，未导入时为默认表）"
    )
    export_policy.add_argument("file", type=Path)
    verify = sub.add_parser(
        "verify-audit", help="逐台终端核对平台保存的操作日志链（定期审计；有断链时退出码为 1）"
    )
    extra = discovery_cli.add_commands(sub)
    policy_commands = (load_policy, export_policy, verify)
    for sp in (
        serve, sub.choices["migrate"], office, enrol, warn, orders, refused, revoke,
        *policy_commands, *extra,
    ):  # fmt: skip
        sp.add_argument("--db", required=True, help="数据库 URL，例如 sqlite:///hub.db")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = _parser().parse_args(argv)
    if args.command == "serve":
        from sync.hub.server import serve

        try:
            secret = secret_from_env(os.environ.get(SECRET_ENV))
        except ValueError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        settings = HubSettings(
            db_url=args.db,
            check_delay_s=args.check_delay,
            max_attachment_bytes=int(args.max_attachment_mib * 1048576),
            public_secret=secret,
        )
        serve(settings, args.host, args.port)
        return 0
    database = Database(args.db)
    migrations.upgrade(database)
    try:
        if args.command == "add-office":
            accounts.add_office(database, args.code, args.name, args.district)
            print(f"已登记：{args.code} {args.name}（{args.district}）")
        elif args.command == "enrol":
            settings = HubSettings(db_url=args.db, enrol_valid_hours=args.valid_hours)
            print(accounts.create_enrolment(database, args.office, settings))
        elif args.command in discovery_cli.COMMANDS:
            return discovery_cli.run_command(database, args)
        elif args.command == "load-warnings":
            read, changed = monitoring.load_warnings(database, args.file)
            print(f"读取{read}条预警，新增或更新{changed}条")
        elif args.command == "revoke-device":
            name = accounts.revoke_device(database, args.device)
            print(f"已停用终端：{name}（{args.device}）")
        elif args.command == "rejected":
            found = records.rejected_changes(database, args.limit)
            for device_id, result in found:
                print(f"{result['entity']}\t{result['id']}\t终端{device_id}\t{result['message']}")
            print(f"共{len(found)}条被拒收的记录")
        elif args.command == "load-requests":
            from sync.hub import requests as hub_requests

            read, changed = hub_requests.load_orders(database, args.file)
            print(f"读取{read}条诉求，新增{changed}条")
        elif args.command == "load-policy":
            rows = city_policy.read_file(args.file)
            digest = city_policy.load(database, rows)
            print(
                f"已导入市级政策参数 {len(rows)} 行（校验值 {digest[:12]}），终端下次同步时可对照采用"
            )
        elif args.command == "verify-audit":
            from sync.hub.audit_chain import verify_all

            chains = verify_all(database)
            bad = [c for c in chains if not (c.report.ok and c.head_held)]
            for c in chains:
                mark = "正常" if c.report.ok and c.head_held else "异常"
                print(f"{mark}\t{c.device_name}（{c.device_id}）\t{c.message()}")
            print(f"共核对{len(chains)}台终端的操作日志，{len(bad)}台异常")
            return 1 if bad else 0
        elif args.command == "export-policy":
            count = city_policy.export(database, args.file)
            print(f"已导出政策参数 {count} 行：{args.file}")
        else:
            print(f"数据库结构已是第{migrations.current_version(database)}版")
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
