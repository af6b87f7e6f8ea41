"""Command line for batch policy checks: ``python -m desktop.policy assess FILE.json`` (or ``-``).

Prints the assessment as JSON on stdout; on bad input prints a Chinese message naming the
field on stderr and exits non-zero (2 usage, 3 invalid input, 4 missing policy data).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from desktop.domain.policy.assess import assess
from desktop.domain.policy.jsonio import (
    assessment_to_dict,
    household_from_dict,
    loads,
    validate_doc,
)
from desktop.domain.policy.selfcheck import self_assess_doc
from desktop.errors import PolicyError, ValidationError

EXIT_INPUT = 3
EXIT_POLICY = 4


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        with open(source, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise ValidationError("输入文件", f"无法读取 {source}（{exc.strerror}）", "io") from None
    except UnicodeDecodeError:
        raise ValidationError("输入文件", f"{source} 不是 UTF-8 编码的文本", "encoding") from None


def run_assess(doc: Any) -> Any:
    """Assess one household or a batch; everything is validated before anything is printed."""
    items = validate_doc(doc)
    parsed = [(item.get("ref"), *household_from_dict(item)) for item in items]
    results = [assessment_to_dict(assess(h, month), ref) for ref, h, month in parsed]
    return results[0] if not (isinstance(doc, dict) and "households" in doc) else results


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m desktop.policy", description="救助政策批量评估"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("assess", "评估家庭的救助资格与金额"),
        ("self-assess", "自助评估（含材料清单）"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("file", help="输入 JSON 文件，- 表示标准输入")
    args = parser.parse_args(argv)
    try:
        doc = loads(_read(args.file))
        out = run_assess(doc) if args.command == "assess" else self_assess_doc(doc)
    except ValidationError as exc:
        print(f"输入有误：{exc.message}", file=sys.stderr)
        return EXIT_INPUT
    except PolicyError as exc:
        print(f"政策数据有误：{exc.message}", file=sys.stderr)
        return EXIT_POLICY
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
