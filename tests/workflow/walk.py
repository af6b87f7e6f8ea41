"""Test helpers: office codes, default actors and valid parameters for every workflow step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from desktop.domain.workflow import (
    ACTIONS,
    Actor,
    CaseSnapshot,
    Role,
    Side,
    Transition,
    apply,
    holder,
    new_case,
)

RES = "120103001"  # 河西区 某街道 (residence)
HUK = "120101002"  # 和平区 某街道 (registration)
OTHER = "120104003"


def office_of(case: CaseSnapshot, side: Side) -> str:
    return case.residence_office if side is Side.RESIDENCE else case.hukou_office


def default_actor(case: CaseSnapshot, action: str) -> Actor:
    """A staff member who may take ``action`` now (the most junior allowed role)."""
    spec = ACTIONS[action]
    order = [Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR]
    role = next(r for r in order if r in spec.roles)
    sides = spec.sides if spec.sides is not None else holder(case)
    side = Side.HUKOU if Side.HUKOU in sides else Side.RESIDENCE
    return Actor(role, office_of(case, side))


def _survey(case: CaseSnapshot, when: date) -> dict[str, Any]:
    return {
        "surveyors": ["王强", "李娜"],
        "members_present": ["张三", "张小花"],
        "findings": "房屋老旧，家中无大额财产，邻居反映属实",
        "mode": "onsite",
        "signed_by_surveyors": True,
        "signed_by_family": True,
    }


GOOD: dict[str, Callable[[CaseSnapshot, date], dict[str, Any]]] = {
    "accept": lambda c, w: {"missing_documents": []},
    "return_for_supplement": lambda c, w: {"missing_documents": ["收入证明"]},
    "resume": lambda c, w: {"documents_received": list(c.missing_documents) or ["收入证明"]},
    "withdraw": lambda c, w: {"reason": "家庭收入已增加"},
    "mark_hard_case": lambda c, w: {"reason": "家庭成员关系复杂"},
    "request_check": lambda c, w: {},
    "record_check_report": lambda c, w: {"reference": "HD2026-0001", "summary": "符合"},
    "schedule_survey": lambda c, w: {"planned_on": w, "surveyors": ["王强", "李娜"]},
    "record_survey": _survey,
    "hand_over": lambda c, w: {},
    "record_preliminary": lambda c, w: {"opinion": "材料齐全，情况属实"},
    "open_notice": lambda c, w: {"posted_hukou": True, "posted_residence": True},
    "record_objection": lambda c, w: {"content": "邻居反映其有营运车辆"},
    "close_notice": lambda c, w: {},
    "record_appraisal": lambda c, w: {"participants": 9, "result": "经评议，车辆已报废"},
    "confirm": lambda c, w: {"amount": "1045.00", "family_stability": "variable"},
    "refuse": lambda c, w: {"reasons": ["家庭人均收入高于低保标准"]},
    "send_refusal_letter": lambda c, w: {"delivery": "当面送达"},
    "start_payment": lambda c, w: {
        "pay_from": "next_month" if c.assistance_type == "tekun" else "decision_date"
    },
    "archive": lambda c, w: {},
    "record_review": lambda c, w: {"outcome": "unchanged"},
    "start_gradual_exit": lambda c, w: {"months": 6, "reason": "家庭成员就业"},
    "end_gradual_exit": lambda c, w: {},
    "report_change": lambda c, w: {"change": "走访发现家庭成员新增工资收入"},
    "report_death": lambda c, w: {"member": "张老汉", "died_on": w},
    "pay_emergency_aid": lambda c, w: {"amount": "3000.00"},
    "complete_backfill": lambda c, w: {"documents_received": list(c.missing_documents)},
}


class Walk:
    """Drives one case step by step with default actors and valid parameters."""

    def __init__(
        self,
        kind: str,
        start: date = date(2026, 3, 2),
        residence: str = RES,
        hukou: str = HUK,
        case_id: str = "C-1",
    ) -> None:
        self.today = start
        step = new_case(case_id, kind, residence, hukou, Actor(Role.CLERK, residence), start)
        self.case = step.snapshot
        self.last: Transition = step

    def do(self, action: str, *, days: int = 0, actor: Actor | None = None, **params: Any) -> Walk:
        self.today += timedelta(days=days)
        merged = {**GOOD[action](self.case, self.today), **params}
        who = actor or default_actor(self.case, action)
        self.last = apply(self.case, action, who, self.today, merged)
        self.case = self.last.snapshot
        return self

    def through_investigation(self) -> Walk:
        return (
            self.do("accept")
            .do("request_check")
            .do("schedule_survey", days=1)
            .do("record_survey", days=1)
            .do("record_check_report", days=3)
            .do("hand_over")
        )

    def to_confirming(self) -> Walk:
        self.through_investigation().do("record_preliminary", days=2).do("open_notice", days=1)
        return self.do("close_notice", days=7)

    def to_archive(self, **confirm: Any) -> Walk:
        self.to_confirming().do("confirm", days=2, **confirm)
        return self.do("start_payment").do("archive", days=1)
