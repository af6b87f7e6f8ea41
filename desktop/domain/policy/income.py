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
        idx = item.month.year * 12 + item.month.month - 1
        if first <= idx < ref:
            slot = 0 if item.kind in EARNED_KINDS else 2 if item.kind in INCOME_EXCLUDED else 1
            sums[item.member_id][slot] += item.amount
    return sums, first


def imputed_income(m: Member, mp: MonthPolicy, earned: Decimal) -> tuple[Decimal | None, str]:
    """Imputed monthly income for a capable worker reporting less than the minimum wage."""
    if m.work_capacity == "none" or m.student != "none" or m.employment == "retired":
        return None, ""
    if m.disability_level is not None and m.severely_disabled:
        return None, ""
    age = m.age_in(mp.month)
    retire = mp.int_("imputed.retire_age_male" if m.sex == "male" else "imputed.retire_age_female")
    if not mp.int_("imputed.working_age_min") <= age < retire:
        return None, ""
    if m.work_capacity == "partial":
        amount = mp.standard * mp.num("imputed.partial_share_standard")
        rule = "部分丧失劳动能力，按低保标准的 {:.0%} 推定".format(mp.num("imputed.partial_share_standard"))
        return (amount.quantize(FEN), rule) if earned < amount else (None, "")
    min_wage = mp.num("imputed.min_wage")
    if earned >= min_wage:
        return None, ""
    older = mp.int_("imputed.older_age_male" if m.sex == "male" else "imputed.older_age_female")
    if age >= older:
        amount = mp.standard * mp.num("imputed.older_share_standard")
        rule = f"有劳动能力、{'男' if m.sex == 'male' else '女'}满 {older} 岁，收入低于最低工资，按低保标准推定"
    else:
        share = mp.num("imputed.capable_share_min_wage")
        amount = min_wage * share
        rule = f"有劳动能力，收入低于最低工资 {min_wage} 元，按其 {share:.0%} 推定"
    return amount.quantize(FEN), rule


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


def member_income(m: Member, sums: list[Decimal], mp: MonthPolicy, lookback: int) -> MemberIncome:
    """Counted income of one member: average, minus employment cost, floored by imputed income."""
    earned = sums[0] / lookback
    other = sums[1] / lookback
    emp = ZERO
    if earned > 0 and m.employment in ("employed", "self_employed"):
        emp = min((earned * mp.employment_share).quantize(FEN), mp.employment_cap)
    imputed, imputed_rule = imputed_income(m, mp, earned)
    net_earned = earned - emp
    if imputed is not None and imputed > net_earned:
        net_earned = imputed
    else:
        imputed, imputed_rule = None, ""
    deduction, deduction_rule = person_deduction(m, mp)
    return MemberIncome(
        member_id=m.id,
        earned=earned,
        other=other,
        excluded=sums[2] / lookback,
        employment_deduction=emp,
        imputed=imputed,
        imputed_rule=imputed_rule,
        counted=net_earned + other,
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
