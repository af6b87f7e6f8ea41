"""Every action the code audits has a Chinese name for the 操作日志 screen."""

from __future__ import annotations

import re
from pathlib import Path

from desktop.domain.audit_actions import ACTION_LABELS, action_label

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(
    r'uow\.audit\(\s*"([a-z_]+)"|\buow\.record\([^)]*?\baction=f?"([a-z_]+)"', re.S
)


def _audited_actions() -> set[str]:
    found: set[str] = set()
    for folder in ("desktop", "sync"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or "hub" in path.parts:
                continue
            for a, b in LITERAL.findall(path.read_text(encoding="utf-8")):
                found.add(a or b)
    return found


def test_every_audited_action_has_a_chinese_name() -> None:
    actions = _audited_actions()
    assert len(actions) > 40, "the scan finds the audit calls"
    assert sorted(actions - ACTION_LABELS.keys()) == []


def test_workflow_steps_and_unknown_codes() -> None:
    assert action_label("case_initial_review") == "案件办理"
    assert action_label("login") == "登录"
    assert action_label("something_new") == "something_new"
