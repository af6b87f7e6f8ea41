"""Start the street-office social-assistance desk: parse arguments, open the data folder, run."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

DEFAULT_DEMO_HOUSEHOLDS = 200


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="街道社会救助窗口：低保、特困、低保边缘、临时救助的受理、调查、审核与发放（离线优先）。",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(user_data_dir("jiuzhu-desk", "jiuzhu")),
        help="数据目录（加密数据库、密钥文件、附件）；默认是本用户的应用数据目录",
    )
    parser.add_argument(
        "--demo",
        nargs="?",
        type=int,
        const=DEFAULT_DEMO_HOUSEHOLDS,
        default=None,
        metavar="N",
        help=f"数据目录为空时载入 N 户演示数据（默认 {DEFAULT_DEMO_HOUSEHOLDS}）",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="自检：以演示管理员登录、打开主窗口后退出（用于 CI）"
    )
    parser.add_argument(
        "--screenshot", type=Path, default=None, help="与 --smoke 一起：把主窗口保存为 PNG"
    )
    parser.add_argument(
        "--sync",
        action="store_true",
        help="不打开窗口：与市级平台同步一次并输出结果（密码取自环境变量 JIUZHU_PASSWORD 或提示输入）",
    )
    parser.add_argument("--user", default=None, help="与 --sync 一起：登录的用户名")
    parser.add_argument(
        "--attempts", type=int, default=6, help="与 --sync 一起：网络出错时每个请求最多尝试几次"
    )
    return parser.parse_args(argv)


def headless_sync(data_dir: Path, username: str | None, attempts: int = 6) -> int:
    """Log in, sync once with the hub, print a Chinese summary; non-zero exit on failure."""
    import getpass

    from desktop.errors import DeskError
    from desktop.services.accounts.auth import login
    from sync.client import client_from_settings
    from sync.transport import HttpClient, HttpSettings

    if not username:
        print("请用 --user 指定登录的用户名", file=sys.stderr)
        return 2
    password = os.environ.get("JIUZHU_PASSWORD") or getpass.getpass(f"{username} 的密码：")
    try:
        store, _actor = login(data_dir, username, password)
    except DeskError as exc:
        print(f"登录失败：{exc.message}", file=sys.stderr)
        return 2
    try:
        http = HttpClient(HttpSettings(attempts=max(1, attempts)))
        summary = client_from_settings(store, http=http).sync_once()
    except DeskError as exc:
        print(f"同步失败：{exc.message}", file=sys.stderr)
        return 3
    finally:
        store.close()
    print(summary.text())
    print(
        f"上传 {summary.pushed}；成功 {summary.applied}；冲突 {summary.conflicts}；"
        f"被拒 {summary.rejected}；接收 {summary.pulled}"
    )
    for error in summary.errors:
        print(f"错误：{error}", file=sys.stderr)
    return 0 if summary.ok else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from desktop.logs import install_excepthooks, setup_logging

    setup_logging(args.data_dir)
    install_excepthooks()
    if args.sync:
        return headless_sync(args.data_dir, args.user, args.attempts)
    from ui.app import StartOptions, run

    return run(StartOptions(args.data_dir, args.demo, args.smoke, args.screenshot))


if __name__ == "__main__":
    sys.exit(main())
