"""巡访 rules: who is a visit target and why, when the next visit is due, what a visit record
must hold, and the states a problem found on a visit goes through to closure (pure rules)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from desktop.domain.policy.codes import VISIT_CATEGORIES
from desktop.errors import ValidationError

#: The checklist of a visit (走访检查项), in the order of the form.
CHECKLIST: dict[str, str] = {
    "basic_living": "基本生活",
    "health": "健康状况",
    "housing_safety": "住房安全",
    "heating": "冬季取暖",
    "care": "照料护理",
    "policy_awareness": "政策知晓",
    "family_changes": "家庭变化",
}
CHECK_ANSWERS: dict[str, str] = {"ok": "正常", "concern": "有问题", "na": "不适用"}
#: A change in the family a visit can reveal, and the follow-up it opens: a family in payment
#: gets a periodic review (定期核查) of its case; one without a case gets a 巡访发现 request
#: that the window turns into an application.
CHANGE_KINDS: dict[str, str] = {
    "income": "新增收入",
    "death": "家庭成员死亡",
    "moved_in": "有人迁入",
    "moved_out": "有人迁出",
    "hardship": "出现新的困难",
}
FOLLOW_UPS: dict[str, str] = {"review": "定期核查", "request": "救助申请（巡访发现）"}
PROBLEM_CATEGORIES: dict[str, str] = {
    "living": "基本生活",
    "housing": "住房安全",
    "heating": "取暖",
    "medical": "医疗",
    "care": "照料护理",
    "education": "子女就学",
    "employment": "就业",
    "policy": "政策落实",
    "other": "其他",
}
HANDLER_KINDS: dict[str, str] = {"office": "街道", "department": "部门"}
PROBLEM_STATUSES: dict[str, str] = {
    "open": "待交办",
    "assigned": "办理中",
    "handled": "待确认",
    "confirmed": "已确认",
    "closed": "已办结",
}
#: action → (states it may start from, state it leads to); "reopen" is a confirmation that
#: the problem is not solved, sending it back to the handler.
PROBLEM_STEPS: dict[str, tuple[frozenset[str], str]] = {
    "assign": (frozenset({"open", "assigned"}), "assigned"),
    "handle": (frozenset({"assigned"}), "handled"),
    "confirm": (frozenset({"handled"}), "confirmed"),
    "reopen": (frozenset({"handled"}), "assigned"),
    "close": (frozenset({"confirmed"}), "closed"),
}
STEP_LABELS = {
    "report": "发现问题",
    "assign": "交办",
    "handle": "办理",
    "confirm": "确认解决",
    "reopen": "确认未解决，退回重办",
    "close": "办结",
}
OPEN_STATUSES = frozenset({"open", "assigned", "handled"})
ELDERLY_AGE = 60
MINOR_AGE = 18
AFTER_STOP_DAYS = 365
#: Tianjin's heating season (供暖季): 15 November to 15 March.
HEATING_SEASON = ((11, 15), (3, 15))


def problem_step(status: str, action: str) -> str:
    """The state a problem in ``status`` moves to by ``action``; refused with the reason."""
    if action not in PROBLEM_STEPS:
        raise ValidationError("办理环节", f"“{action}”不是问题办理的环节")
    starts, target = PROBLEM_STEPS[action]
    if status not in starts:
        shown = PROBLEM_STATUSES.get(status, status)
        raise ValidationError("办理环节", f"问题当前为“{shown}”，不能{STEP_LABELS[action]}")
    return target


@dataclass(frozen=True)
class MemberFacts:
    """What the target rules read of one member of the household."""

    birth_date: date
    disability_level: int | None = None


@dataclass(frozen=True)
class CaseFacts:
    """What the target rules read of one case of the household."""

    assistance_type: str
    paying: bool
    stopped_on: date | None = None


def target_categories(
    cases: Iterable[CaseFacts],
    members: Iterable[MemberFacts],
    *,
    setting: str,
    single_parent: bool,
    today: date,
) -> list[str]:
    """The visit categories of a household (in ``VISIT_CATEGORIES`` order; empty = no target)."""
    cases, members = list(cases), list(members)
    paying = [c for c in cases if c.paying]
    found: set[str] = set()
    types = {c.assistance_type for c in paying}
    if "tekun" in types and setting != "rural_centralised":
        found.add("tekun_dispersed")
    if "dibao" in types:
        found.add("dibao")
    if "bianyuan" in types:
        found.add("bianyuan")
    if paying:
        ages = [_age(m.birth_date, today) for m in members]
        if len(members) == 1 and ages[0] >= ELDERLY_AGE:
            found.add("elderly_alone")
        if any(m.disability_level in (1, 2) for m in members):
            found.add("severe_disability")
        if any(a < MINOR_AGE for a in ages) and ("tekun" in types or single_parent):
            found.add("child_hardship")
    elif any(
        c.stopped_on is not None and (today - c.stopped_on).days <= AFTER_STOP_DAYS
        for c in cases
        if c.assistance_type in ("dibao", "tekun", "bianyuan")
    ):
        found.add("after_stop")
    return [c for c in VISIT_CATEGORIES if c in found]


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def frequency_days(categories: Iterable[str], days: Mapping[str, int]) -> int:
    """A target's visit interval: the shortest of its categories'."""
    return min(days[c] for c in categories)


def next_due(last_visit: date | None, interval: int, since: date, period_end: date) -> date:
    """When the next visit is due: ``interval`` days after the last one; a target never
    visited is due within its interval from ``since`` (the plan's first day), at the latest
    on the period's last day."""
    if last_visit is None:
        return min(since + timedelta(days=interval - 1), period_end)
    return last_visit + timedelta(days=interval)


def plan_status(due: date, today: date, period_end: date) -> str:
    """``overdue`` (due before today), ``due`` (due within the period) or ``done`` (not due
    again before the period ends)."""
    if due < today:
        return "overdue"
    return "due" if due <= period_end else "done"


PLAN_STATUSES = {"overdue": "逾期未访", "due": "本期待访", "done": "本期已访"}


def in_heating_season(day: date) -> bool:
    """Whether ``day`` is in the heating season (the heating item must then be answered)."""
    (m1, d1), (m2, d2) = HEATING_SEASON
    return (day.month, day.day) >= (m1, d1) or (day.month, day.day) <= (m2, d2)


def check_checklist(answers: Mapping[str, str], visited_on: date) -> dict[str, str]:
    """Every item answered (正常 / 有问题 / 不适用); heating may be 不适用 only out of season."""
    out: dict[str, str] = {}
    for key in answers:
        if key not in CHECKLIST:
            raise ValidationError("走访检查项", f"“{key}”不是走访检查项")
    for key, label in CHECKLIST.items():
        value = answers.get(key, "")
        if value not in CHECK_ANSWERS:
            raise ValidationError(f"检查项（{label}）", "请选择：正常、有问题或不适用")
        if key == "heating" and value == "na" and in_heating_season(visited_on):
            raise ValidationError(f"检查项（{label}）", "供暖季（11月15日至3月15日）必须检查取暖")
        out[key] = value
    return out


def needs_signature(checklist: Mapping[str, str], change_kind: str, leaflet_given: bool) -> bool:
    """The person visited signs when something was found (an item 有问题 or a change in the
    family) or when a 明白纸 was handed over (the signature is the receipt)."""
    return bool(change_kind) or leaflet_given or "concern" in checklist.values()


def period_bounds(month: date) -> tuple[date, date]:
    """First and last day of the month of ``month`` (a plan's and a ledger's period)."""
    start = month.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


@dataclass(frozen=True)
class VisitLedgerLine:
    """One visit in the ledger (走访台账) as the export and the printed sheet show it; the
    ID number is masked by the core before it gets here."""

    visited_on: date
    name: str
    id_number: str
    address: str
    visitor: str
    met: str
    findings: str
    problems: str
    leaflet: str
    signed: str
    follow_up: str
