"""Typed household facts the policy engine assesses, with their consistency checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.calendar import first_of_next_month
from desktop.domain.policy import codes
from desktop.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Member:
    """One family member as the rules see them (no name or ID number needed)."""

    id: str
    relation: str = "applicant"
    sex: str = "male"
    birth_date: date | None = None
    age: int | None = None
    disability_type: str | None = None
    disability_level: int | None = None
    illness: str | None = None
    work_capacity: str = "full"
    student: str = "none"
    employment: str = "unemployed"
    self_care_failed: frozenset[str] = frozenset()
    supporter: str = "able"
    found_work_on: date | None = None

    def age_in(self, month: date) -> int:
        """Age in full years on the first day of ``month`` (a given ``age`` is taken as is)."""
        if self.birth_date is None:
            return self.age if self.age is not None else 0
        b = self.birth_date
        return month.year - b.year - ((month.month, 1) < (b.month, b.day))

    @property
    def severely_disabled(self) -> bool:
        """Level 1–2, or level 3 intellectual/mental (the 单人保 wording)."""
        lvl = self.disability_level
        if lvl is None:
            return False
        return lvl <= 2 or (lvl == 3 and self.disability_type in ("intellectual", "mental"))

    @property
    def seriously_ill(self) -> bool:
        """Has one of the serious illness classes (not just a listed chronic disease)."""
        return self.illness in codes.SERIOUS_ILLNESSES


@dataclass(frozen=True, slots=True)
class IncomeItem:
    """Income of one member in one calendar month (``month`` is its first day), or a monthly
    average that applies to every look-back month when ``month`` is None."""

    member_id: str
    month: date | None
    kind: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A motor vehicle owned by the family and what it is used for."""

    purpose: str = "other"


@dataclass(frozen=True, slots=True)
class Dwelling:
    """A dwelling owned by the family: floor area in m² and whether it is residential."""

    floor_area: Decimal
    residential: bool = True


@dataclass(frozen=True, slots=True)
class Hardship:
    """A 临时救助 request: emergency or expenditure hardship, amount asked."""

    kind: str
    requested: Decimal


@dataclass(frozen=True, slots=True)
class Household:
    """The facts of one family for one assessment."""

    members: tuple[Member, ...]
    incomes: tuple[IncomeItem, ...] = ()
    liquid_assets: tuple[tuple[str, Decimal], ...] = ()
    vehicles: tuple[Vehicle, ...] = ()
    dwellings: tuple[Dwelling, ...] = ()
    rigid_spending: tuple[tuple[str, Decimal], ...] = ()
    setting: str = "urban"
    district: str | None = None
    income_month: date | None = None
    single_parent: bool = False
    childless: bool = False
    family_planning_support: bool = False
    hardship: Hardship | None = None
    decision_date: date | None = None


def _code(value: str | None, table: dict[str, str], field: str) -> None:
    if value is not None and value not in table:
        raise ValidationError(
            field, f"未知的代码“{value}”，可选：{'、'.join(table)}", "unknown_code"
        )


def _codes_known(m: Member) -> bool:
    return (
        m.relation in codes.RELATIONS
        and m.sex in codes.SEXES
        and m.work_capacity in codes.WORK_CAPACITY
        and m.student in codes.STUDENT
        and m.employment in codes.EMPLOYMENT
        and m.supporter in codes.SUPPORTER
        and (m.illness is None or m.illness in codes.ILLNESS_CLASSES)
        and (m.disability_type is None or m.disability_type in codes.DISABILITY_TYPES)
        and m.self_care_failed <= _ACTIVITIES
    )


_ACTIVITIES = frozenset(codes.SELF_CARE_ACTIVITIES)
_EARLIEST = date(1880, 1, 1)


def validate_member(m: Member, month: date) -> None:
    """Raise ValidationError naming the field for missing, unknown or contradictory data."""
    if not _codes_known(m):
        _explain_codes(m)
    simple = (
        m.birth_date is not None
        and m.age is None
        and _EARLIEST <= m.birth_date < month
        and m.disability_type is None
        and m.disability_level is None
        and (m.work_capacity != "none" or m.employment not in ("employed", "self_employed"))
    )
    if not simple:
        _check_member_facts(m, month)


def _explain_codes(m: Member) -> None:
    who = f"家庭成员 {m.id}"
    _code(m.relation, codes.RELATIONS, f"{who} 的与申请人关系")
    _code(m.sex, codes.SEXES, f"{who} 的性别")
    _code(m.work_capacity, codes.WORK_CAPACITY, f"{who} 的劳动能力")
    _code(m.student, codes.STUDENT, f"{who} 的在校情况")
    _code(m.employment, codes.EMPLOYMENT, f"{who} 的就业状况")
    _code(m.supporter, codes.SUPPORTER, f"{who} 的法定义务人情况")
    _code(m.illness, codes.ILLNESS_CLASSES, f"{who} 的疾病类别")
    _code(m.disability_type, codes.DISABILITY_TYPES, f"{who} 的残疾类别")
    for act in m.self_care_failed:
        _code(act, codes.SELF_CARE_ACTIVITIES, f"{who} 的生活自理评估")


def _check_member_facts(m: Member, month: date) -> None:
    who = f"家庭成员 {m.id}"
    if m.birth_date is None and m.age is None:
        raise ValidationError(f"{who} 的出生日期", "出生日期和年龄至少填写一项", "required")
    if m.birth_date is not None:
        if m.birth_date >= first_of_next_month(month) or m.birth_date.year < 1880:
            raise ValidationError(
                f"{who} 的出生日期", "出生日期晚于救助月份或不合理", "contradictory"
            )
        if m.age is not None and abs(m.age_in(month) - m.age) > 1:
            raise ValidationError(
                f"{who} 的年龄",
                f"填写的年龄 {m.age} 与出生日期推算的 {m.age_in(month)} 不符",
                "contradictory",
            )
    if m.age is not None and not 0 <= m.age <= 130:
        raise ValidationError(f"{who} 的年龄", "年龄应在 0 到 130 之间", "out_of_range")
    if (m.disability_type is None) != (m.disability_level is None):
        raise ValidationError(f"{who} 的残疾等级", "残疾类别和残疾等级须同时填写", "contradictory")
    if m.disability_level is not None and m.disability_level not in codes.DISABILITY_LEVELS:
        raise ValidationError(f"{who} 的残疾等级", "残疾等级应为 1 至 4 级", "out_of_range")
    if m.employment in ("employed", "self_employed") and m.work_capacity == "none":
        raise ValidationError(
            f"{who} 的就业状况", "登记为无劳动能力却有就业，信息矛盾", "contradictory"
        )


def validate_household(h: Household, month: date) -> None:
    """Check the whole household before any computation; nothing is half-computed."""
    if not h.members:
        raise ValidationError("家庭成员", "至少需要一名家庭成员", "required")
    ids = [m.id for m in h.members]
    if len(set(ids)) != len(ids):
        raise ValidationError("家庭成员编号", "成员编号重复", "contradictory")
    if sum(m.relation == "applicant" for m in h.members) != 1:
        raise ValidationError("与申请人关系", "家庭中须有且只有一名申请人", "contradictory")
    for m in h.members:
        validate_member(m, month)
    _code(h.setting, codes.SETTINGS, "供养方式")
    known = set(ids)
    for item in h.incomes:
        if item.member_id not in known:
            raise ValidationError(
                "收入明细的成员", f"收入对应的成员 {item.member_id} 不在家庭中", "unknown_member"
            )
        if item.kind not in codes.INCOME_KINDS:
            _code(item.kind, codes.INCOME_KINDS, "收入类别")
        if not item.amount >= 0:
            _non_negative(item.amount, "收入金额")
    for kind, amount in h.liquid_assets:
        if kind not in codes.LIQUID_KINDS or not amount >= 0:
            _code(kind, codes.LIQUID_KINDS, "货币财产类别")
            _non_negative(amount, "货币财产金额")
    for v in h.vehicles:
        _code(v.purpose, codes.VEHICLE_PURPOSES, "车辆用途")
    for d in h.dwellings:
        _non_negative(d.floor_area, "住房建筑面积")
    for kind, amount in h.rigid_spending:
        _code(kind, codes.RIGID_KINDS, "刚性支出类别")
        _non_negative(amount, "刚性支出金额")
    if h.hardship is not None:
        _code(h.hardship.kind, codes.HARDSHIP_KINDS, "临时救助类型")
        _non_negative(h.hardship.requested, "临时救助申请金额")
    if h.single_parent and sum(m.relation == "spouse" for m in h.members):
        raise ValidationError("单亲家庭", "登记为单亲家庭但家中有配偶，信息矛盾", "contradictory")


def _non_negative(amount: Decimal, field: str) -> None:
    if not amount.is_finite() or amount < 0:
        raise ValidationError(field, "不能为负数", "negative")
