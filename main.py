"""Start the street-office social-assistance desk: parse arguments, open the data folder, run."""

from __future__ import annotations

import argparse
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
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from ui.app import StartOptions, run

    return run(StartOptions(args.data_dir, args.demo, args.smoke, args.screenshot))


if __name__ == "__main__":
    sys.exit(main())
