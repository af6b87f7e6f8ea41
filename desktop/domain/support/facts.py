"""The household facts a 惠民政策 criterion may name, and matching a family against a policy
with the reason each criterion holds. Facts are read from the policy engine's ``Household``
(the same facts the benefit is assessed on) and the assistance the family is paid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop.domain.policy import codes
from desktop.domain.policy.household import Household, Member
from desktop.domain.workflow.model import AssistanceType
from desktop.errors import ValidationError

ASSISTANCE_WORDS: dict[str, str] = {
    AssistanceType.DIBAO: "低保",
    AssistanceType.TEKUN: "特困",
    AssistanceType.BIANYUAN: "低保边缘",
    AssistanceType.GANGXING: "刚性支出困难",
    AssistanceType.LINSHI_JINAN: "临时救助",
    AssistanceType.LINSHI_ZHICHU: "临时救助",
}
"""The words a criterion uses for each assistance type the family is paid."""

YES, NO = "是", "否"
OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "bool": ("=",),
    "number": ("=", "≠", ">=", "<=", ">", "<"),
    "set": ("包含", "不包含"),
}


@dataclass(frozen=True)
class FamilyFacts:
    """What is known of one family on one day: the engine facts and the assistance it is paid
    (assistance type codes)."""

    household: Household
    on: date
    assistance: frozenset[str] = frozenset()


Value = bool | Decimal | frozenset[str]
Reader = Callable[[FamilyFacts], tuple[Value, str]]


def _who(members: Sequence[Member], describe: Callable[[Member], str] | None = None) -> str:
    return "、".join(f"{m.id}{describe(m) if describe else ''}" for m in members)


def _members_where(
    test: Callable[[Member, date], bool], describe: Callable[[Member], str] | None = None
) -> Reader:
    def read(f: FamilyFacts) -> tuple[Value, str]:
        found = [m for m in f.household.members if test(m, f.on)]
        return bool(found), _who(found, describe)

    return read


def _age(m: Member, on: date) -> int:
    return m.age_in(on)


def _disability(m: Member) -> str:
    kind = codes.DISABILITY_TYPES.get(m.disability_type or "", "")
    return f"（{m.disability_level}级{kind}残疾）" if m.disability_level else f"（{kind}残疾）"


def _assistance(f: FamilyFacts) -> tuple[Value, str]:
    words = frozenset(ASSISTANCE_WORDS[a] for a in f.assistance if a in ASSISTANCE_WORDS)
    return words, "、".join(sorted(words)) or "无"


def _size(f: FamilyFacts) -> tuple[Value, str]:
    n = len(f.household.members)
    return Decimal(n), f"{n}人"


def _rigid(f: FamilyFacts) -> tuple[Value, str]:
    total = sum((a for _k, a in f.household.rigid_spending), Decimal("0.00"))
    return total, f"{total}元/月"


def _no_home(f: FamilyFacts) -> tuple[Value, str]:
    homes = [d for d in f.household.dwellings if d.residential]
    return not homes, "无自有住房" if not homes else f"自有住房{len(homes)}套"


def _single_parent(f: FamilyFacts) -> tuple[Value, str]:
    return f.household.single_parent, "登记为单亲家庭" if f.household.single_parent else ""


def _job_seeker(m: Member, on: date) -> bool:
    return (
        16 <= _age(m, on) < 60
        and m.work_capacity != "none"
        and m.employment == "unemployed"
        and m.student == "none"
    )


@dataclass(frozen=True)
class Fact:
    """One fact a criterion may name: its kind (bool, number, set) and how it is read."""

    name: str
    kind: str
    read: Reader
    hint: str


FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("救助类别", "set", _assistance, "低保、特困、低保边缘、刚性支出困难、临时救助"),
        Fact("家庭人口", "number", _size, "人数"),
        Fact("有残疾成员", "bool", _members_where(lambda m, _d: m.disability_level is not None or m.disability_type is not None, _disability), "是/否"),
        Fact("有重度残疾成员", "bool", _members_where(lambda m, _d: m.severely_disabled, _disability), "是/否"),
        Fact("有重病成员", "bool", _members_where(lambda m, _d: m.seriously_ill, lambda m: f"（{codes.ILLNESS_CLASSES.get(m.illness or '', '')}）"), "是/否"),
        Fact("有在校学生", "bool", _members_where(lambda m, _d: m.student != "none", lambda m: f"（{codes.STUDENT[m.student]}）"), "是/否"),
        Fact("有大学在校生", "bool", _members_where(lambda m, _d: m.student in ("college", "bachelor"), lambda m: f"（{codes.STUDENT[m.student]}）"), "是/否"),
        Fact("有未成年人", "bool", _members_where(lambda m, d: _age(m, d) < 18, lambda m: ""), "是/否"),
        Fact("有60岁以上老人", "bool", _members_where(lambda m, d: _age(m, d) >= 60, lambda m: ""), "是/否"),
        Fact("有失业成员", "bool", _members_where(_job_seeker, lambda m: "（劳动年龄、无业）"), "是/否"),
        Fact("有生活不能自理成员", "bool", _members_where(lambda m, _d: bool(m.self_care_failed), lambda m: ""), "是/否"),
        Fact("单亲家庭", "bool", _single_parent, "是/否"),
        Fact("无自有住房", "bool", _no_home, "是/否"),
        Fact("月刚性支出", "number", _rigid, "元"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Criterion:
    """One row of a policy's criteria: fact, operator, value (as written)."""

    fact: str
    op: str
    value: str

    def as_dict(self) -> dict[str, str]:
        return {"fact": self.fact, "op": self.op, "value": self.value}


def parse_criterion(fact: str, op: str, value: str, field: str = "条件") -> Criterion:
    """Check one criterion row; ``field`` names it in the message (e.g. "条件表第3行")."""
    name, op, value = (fact or "").strip(), (op or "").strip(), (value or "").strip()
    known = FACTS.get(name)
    if known is None:
        raise ValidationError(
            f"{field}“家庭信息”",
            f"未知的家庭信息“{name}”（可用：{'、'.join(FACTS)}）",
            "unknown_fact",
        )
    if op not in OPS_BY_KIND[known.kind]:
        raise ValidationError(
            f"{field}“比较”",
            f"“{name}”不能用“{op}”比较（可用：{'、'.join(OPS_BY_KIND[known.kind])}）",
            "choice",
        )
    if known.kind == "bool" and value not in (YES, NO):
        raise ValidationError(f"{field}“取值”", f"“{name}”只能填“是”或“否”", "choice")
    if known.kind == "number":
        try:
            Decimal(value)
        except InvalidOperation:
            raise ValidationError(f"{field}“取值”", f"“{name}”应填数字（{known.hint}）") from None
    if known.kind == "set":
        allowed = set(ASSISTANCE_WORDS.values())
        if value not in allowed:
            raise ValidationError(
                f"{field}“取值”", f"“{value}”不是救助类别（可用：{known.hint}）", "choice"
            )
    return Criterion(name, op, value)


def _holds(c: Criterion, value: Value) -> bool:
    if isinstance(value, bool):
        return value == (c.value == YES)
    if isinstance(value, frozenset):
        return (c.value in value) == (c.op == "包含")
    target = Decimal(c.value)
    return {
        "=": value == target,
        "≠": value != target,
        ">=": value >= target,
        "<=": value <= target,
        ">": value > target,
        "<": value < target,
    }[c.op]


@dataclass(frozen=True)
class Match:
    """Whether a family meets every criterion, and why (one line per criterion)."""

    matched: bool
    reasons: tuple[str, ...]


def match(criteria: Sequence[Criterion], facts: FamilyFacts) -> Match:
    """All criteria must hold; each reason names the fact, the family's value and who."""
    reasons = []
    for c in criteria:
        value, detail = FACTS[c.fact].read(facts)
        if not _holds(c, value):
            return Match(False, (f"不符合：{c.fact}{c.op}{c.value}（本户：{detail or NO}）",))
        shown = YES if value is True else NO if value is False else detail
        extra = f"（{detail}）" if isinstance(value, bool) and value and detail else ""
        reasons.append(f"{c.fact}{c.op}{c.value}：本户{shown}{extra}")
    if not reasons:
        reasons.append("面向所有在保救助家庭")
    return Match(True, tuple(reasons))
