"""Family monthly income: look-back average, employment-cost deduction, imputed income and the
per-person disability/illness deductions, all on totals (Decimal, no rounding until the end)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.policy.codes import EARNED_KINDS, INCOME_EXCLUDED
from desktop.domain.policy.household import Household, Member
from desktop.domain.policy.tables import MonthPolicy
from desktop.money import FEN

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class MemberIncome:
    """How one member's counted monthly income was reached."""

    member_id: str
    earned: Decimal
    other: Decimal
    excluded: Decimal
    employment_deduction: Decimal
    imputed: Decimal | None
    imputed_rule: str
    counted: Decimal
    deduction: Decimal
    deduction_rule: str


@dataclass(frozen=True, slots=True)
class IncomeBreakdown:
    """Family income per month: ``total`` is after all deductions (never below zero)."""

    members: tuple[MemberIncome, ...]
    window: tuple[date, date]
    counted: Decimal
    deductions: Decimal
    total: Decimal
    size: int

    @property
    def per_capita(self) -> Decimal:
        """Monthly income per person, to the fen (display only; tests compare totals)."""
        return (self.total / self.size).quantize(FEN)


def month_index(day: date) -> int:
    """Months since year 0, for cheap window tests."""
    return day.year * 12 + day.month - 1


def _from_index(idx: int) -> date:
    return date(idx // 12, idx % 12 + 1, 1)


def sum_incomes(h: Household, month: date, lookback: int) -> tuple[dict[str, list[Decimal]], int]:
    """Per member [earned, other, excluded] sums over the look-back window, and its first month."""
    ref = month_index(h.income_month or month)
    first = ref - lookback
    sums: dict[str, list[Decimal]] = {m.id: [ZERO, ZERO, ZERO] for m in h.members}
    for item in h.incomes:
        if item.month is None:
            # A monthly figure (self-assessment): the same amount in every look-back month.
            sums[item.member_id][_slot(item.kind)] += item.amount * lookback
            continue
        idx = item.month.year * 12 + item.month.month - 1
        if first <= idx < ref:
            sums[item.member_id][_slot(item.kind)] += item.amount
    return sums, first


def _slot(kind: str) -> int:
    return 0 if kind in EARNED_KINDS else 2 if kind in INCOME_EXCLUDED else 1


def imputed_income(m: Member, mp: MonthPolicy, earned: Decimal) -> tuple[Decimal | None, str]:
    """Imputed monthly income for a capable worker reporting less than the minimum wage.

    Returns the amount and a rule code: ``partial`` (60% of the standard), ``older``
    (men ≥50 / women ≥40: the standard) or ``capable`` (90% of the minimum wage).
    """
    if m.work_capacity == "none" or m.student != "none" or m.employment == "retired":
        return None, ""
    if m.severely_disabled:
        return None, ""
    min_wage, capable, older_amt, partial, work_min, ret_m, ret_f, old_m, old_f = mp.imputation
    male = m.sex == "male"
    age = m.age_in(mp.month)
    if not work_min <= age < (ret_m if male else ret_f):
        return None, ""
    if m.work_capacity == "partial":
        return (partial, "partial") if earned < partial else (None, "")
    if earned >= min_wage:
        return None, ""
    if age >= (old_m if male else old_f):
        return older_amt, "older"
    return capable, "capable"


def imputed_text(rule: str, m: Member, mp: MonthPolicy) -> str:
    """Chinese explanation of an imputed-income rule code."""
    if rule == "partial":
        return f"部分丧失劳动能力，按低保标准的 {mp.num('imputed.partial_share_standard'):.0%} 推定"
    if rule == "older":
        key = "imputed.older_age_male" if m.sex == "male" else "imputed.older_age_female"
        sex = "男" if m.sex == "male" else "女"
        return f"有劳动能力、{sex}满 {mp.int_(key)} 岁，收入低于最低工资，按低保标准推定"
    share = mp.num("imputed.capable_share_min_wage")
    return f"有劳动能力，收入低于最低工资 {mp.num('imputed.min_wage')} 元，按其 {share:.0%} 推定"


def person_deduction(m: Member, mp: MonthPolicy) -> tuple[Decimal, str]:
    """The larger of the disability and illness deduction of one person (one per person)."""
    best, rule = ZERO, ""
    if m.disability_type is not None and m.disability_level is not None:
        amount = mp.disability_deduction[(m.disability_type, m.disability_level)]
        if amount > best:
            best, rule = amount, f"{m.disability_type}.{m.disability_level}"
    if m.illness is not None:
        amount = mp.illness_deduction[m.illness]
        if amount > best:
            best, rule = amount, m.illness
    return best, rule


def _member_numbers(
    m: Member, sums: list[Decimal], mp: MonthPolicy, lookback: int
) -> tuple[Decimal, Decimal, Decimal | None, str, Decimal]:
    """(employment deduction, counted income, imputed amount, imputed rule, earned average)."""
    earned = sums[0] / lookback
    emp = ZERO
    if earned > 0 and m.employment in _WORKING:
        emp = (earned * mp.employment_share).quantize(FEN)
        if emp > mp.employment_cap:
            emp = mp.employment_cap
    net_earned = earned - emp
    imputed: Decimal | None = None
    rule = ""
    if m.work_capacity != "none":
        imputed, rule = imputed_income(m, mp, earned)
        if imputed is not None and imputed > net_earned:
            net_earned = imputed
        else:
            imputed, rule = None, ""
    return emp, net_earned + sums[1] / lookback, imputed, rule, earned


_WORKING = frozenset({"employed", "self_employed"})


def member_counted(m: Member, sums: list[Decimal], mp: MonthPolicy, lookback: int) -> Decimal:
    """A member's counted monthly income (before the disability/illness deduction)."""
    return _member_numbers(m, sums, mp, lookback)[1]


def member_income(m: Member, sums: list[Decimal], mp: MonthPolicy, lookback: int) -> MemberIncome:
    """Counted income of one member: average, minus employment cost, floored by imputed income."""
    emp, counted, imputed, rule, earned = _member_numbers(m, sums, mp, lookback)
    deduction, deduction_rule = person_deduction(m, mp)
    return MemberIncome(
        member_id=m.id,
        earned=earned,
        other=sums[1] / lookback,
        excluded=sums[2] / lookback,
        employment_deduction=emp,
        imputed=imputed,
        imputed_rule=imputed_text(rule, m, mp) if rule else "",
        counted=counted,
        deduction=deduction,
        deduction_rule=deduction_rule,
    )


def compute_income(h: Household, mp: MonthPolicy) -> IncomeBreakdown:
    """The family's monthly income after deductions for the benefit month of ``mp``."""
    lookback = mp.lookback_months
    sums, first = sum_incomes(h, mp.month, lookback)
    members = tuple(member_income(m, sums[m.id], mp, lookback) for m in h.members)
    counted = sum((mi.counted for mi in members), ZERO)
    deductions = sum((mi.deduction for mi in members), ZERO)
    total = counted - deductions
    return IncomeBreakdown(
        members=members,
        window=(_from_index(first), _from_index(first + lookback - 1)),
        counted=counted,
        deductions=deductions,
        total=total if total > 0 else ZERO,
        size=len(h.members),
    )


def family_income_total(h: Household, mp: MonthPolicy) -> Decimal:
    """The same ``total`` as ``compute_income`` without the breakdown (monthly run fast path)."""
    lookback = mp.lookback_months
    sums, _ = sum_incomes(h, mp.month, lookback)
    total = ZERO
    for m in h.members:
        total += _member_numbers(m, sums[m.id], mp, lookback)[1]
        if m.disability_type is not None or m.illness is not None:
            total -= person_deduction(m, mp)[0]
    return total if total > 0 else ZERO
