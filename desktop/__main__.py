"""Command-line checks of a desk's data folder: ``python -m desktop verify-audit``."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from desktop.errors import DeskError


def _verify_audit(args: argparse.Namespace) -> int:
    from desktop.services.accounts.audit_trail import trail_report
    from desktop.services.accounts.auth import login

    password = (
        sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("密码：")
    )
    store, _actor = login(args.data_dir, args.user, password)
    try:
        report = trail_report(store)
    finally:
        store.close()
    print(report.message())
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop", description="街道救助窗口数据检查")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser(
        "verify-audit", help="检查操作日志链是否完整（报告第一处断链），政策参数表是否与日志一致"
    )
    verify.add_argument("--data-dir", type=Path, required=True, help="数据目录")
    verify.add_argument("--user", required=True, help="用户名（其密码解开数据库）")
    verify.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    verify.set_defaults(run=_verify_audit)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except DeskError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
