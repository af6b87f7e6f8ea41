"""The assessment entry point: validate, resolve the month's policy, run every programme."""

from __future__ import annotations

from datetime import date
from functools import cache

from desktop.domain.policy.dibao import assess_bianyuan, assess_dibao, assess_single
from desktop.domain.policy.household import Household, validate_household
from desktop.domain.policy.income import IncomeBreakdown, compute_income
from desktop.domain.policy.payment import first_month_payment
from desktop.domain.policy.result import Assessment, ProgrammeResult, Reason, yuan
from desktop.domain.policy.support import assess_gangxing, assess_linshi, assess_tekun
from desktop.domain.policy.tables import MonthPolicy, PolicySet
from desktop.money import FEN

PAID_MONTHLY = ("dibao", "dibao_single", "bianyuan", "tekun")


@cache
def default_policy() -> PolicySet:
    """The policy set built from DEFAULT_POLICY_ROWS (for the CLI, self-assessment, tests)."""
    from desktop.domain.policy.defaults import DEFAULT_POLICY_ROWS

    return PolicySet.from_rows(DEFAULT_POLICY_ROWS)


def income_reasons(h: Household, inc: IncomeBreakdown) -> tuple[Reason, ...]:
    """How the family income was computed, member by member, with the numbers."""
    start, end = inc.window
    out = [
        Reason(
            "income.window",
            f"收入按 {start.strftime('%Y年%m月')}至{end.strftime('%Y年%m月')} 的月平均计算",
        )
    ]
    for mi in inc.members:
        if mi.excluded:
            out.append(
                Reason(
                    "income.excluded",
                    f"成员 {mi.member_id}：不计入收入的款项 {yuan(mi.excluded)} 元/月",
                )
            )
        if mi.employment_deduction:
            out.append(
                Reason(
                    "income.employment_cost",
                    f"成员 {mi.member_id}：劳动收入 {yuan(mi.earned)} 元，扣减就业成本 "
                    f"{yuan(mi.employment_deduction)} 元",
                )
            )
        if mi.imputed is not None:
            out.append(
                Reason(
                    "income.imputed",
                    f"成员 {mi.member_id}：{mi.imputed_rule}，计 {yuan(mi.imputed)} 元/月",
                )
            )
        if mi.deduction:
            out.append(
                Reason(
                    "income.deduction",
                    f"成员 {mi.member_id}：残疾、疾病扣减 {yuan(mi.deduction)} 元/月",
                )
            )
    out.append(
        Reason(
            "income.total",
            f"家庭月收入 = 计入收入 {yuan(inc.counted)} 元 − 扣减 {yuan(inc.deductions)} 元 = "
            f"{yuan(inc.total)} 元，{inc.size} 人，人均 {yuan(inc.per_capita)} 元",
        )
    )
    return tuple(out)


def _with_first_month(p: ProgrammeResult, h: Household, mp: MonthPolicy) -> ProgrammeResult:
    if h.decision_date is None or not p.eligible or p.programme not in PAID_MONTHLY:
        return p
    start, first, reason = first_month_payment(p.amount, h.decision_date, mp)
    return ProgrammeResult(
        p.programme, p.eligible, p.amount, (*p.reasons, reason), p.flags, p.persons, first, start
    )


def assess_with(h: Household, mp: MonthPolicy) -> Assessment:
    """Assess a validated household against a resolved month policy."""
    inc = compute_income(h, mp)
    dibao = assess_dibao(h, mp, inc)
    results = [
        dibao,
        assess_single(h, mp, inc, dibao),
        assess_bianyuan(h, mp, inc, dibao),
        assess_tekun(h, mp, inc),
        assess_gangxing(h, mp, inc, dibao),
        assess_linshi(h, mp, inc),
    ]
    return Assessment(
        month=mp.month,
        district=mp.district,
        size=inc.size,
        income_total=inc.total.quantize(FEN),
        income_per_capita=inc.per_capita,
        standard=mp.standard,
        programmes={p.programme: _with_first_month(p, h, mp) for p in results},
        income_reasons=income_reasons(h, inc),
    )


def assess(household: Household, month: date, policy: PolicySet | None = None) -> Assessment:
    """Assess every programme for ``household`` in the benefit ``month``.

    Raises ValidationError (bad household data) or PolicyError (no policy for the month)
    before anything is computed.
    """
    validate_household(household, month)
    mp = (policy or default_policy()).for_month(month, household.district)
    return assess_with(household, mp)
