"""低保, 单人保 and 低保边缘: income tests on totals, asset tests, amounts and the 边缘 grant."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.policy.assets import assets_within, check_assets
from desktop.domain.policy.household import Household
from desktop.domain.policy.income import IncomeBreakdown, family_income_total
from desktop.domain.policy.payment import round_benefit
from desktop.domain.policy.result import PersonResult, ProgrammeResult, Reason, yuan
from desktop.domain.policy.tables import MonthPolicy

ZERO = Decimal("0.00")
FLAG_EQUAL = "income_equals_standard"


def income_vs_standard(inc: IncomeBreakdown, mp: MonthPolicy) -> tuple[int, Reason]:
    """Compare on totals: -1 below, 0 equal, 1 above; the reason shows per-capita figures."""
    line = mp.standard * inc.size
    cmp = (inc.total > line) - (inc.total < line)
    sign = {-1: "<", 0: "=", 1: ">"}[cmp]
    text = f"家庭月人均收入 {yuan(inc.per_capita)} 元 {sign} 低保标准 {yuan(mp.standard)} 元"
    if cmp == 0:
        text += "（收入恰好等于标准，需人工研判）"
    return cmp, Reason("dibao.income", text, cmp < 0)


def assess_dibao(h: Household, mp: MonthPolicy, inc: IncomeBreakdown) -> ProgrammeResult:
    """低保: income per person below the standard and assets within the limits."""
    cmp, income_reason = income_vs_standard(inc, mp)
    assets = check_assets(h, mp, mp.dibao_asset_months, "低保")
    reasons = [income_reason, *assets.reasons]
    eligible = cmp < 0 and assets.ok
    amount = ZERO
    if eligible:
        gap = mp.standard * inc.size - inc.total
        amount = round_benefit(gap, mp)
        reasons.append(
            Reason(
                "dibao.amount",
                f"低保金 = 低保标准 {yuan(mp.standard)} 元 × {inc.size} 人 − 家庭月收入 "
                f"{yuan(inc.total)} 元 = {yuan(amount)} 元",
                True,
            )
        )
    flags = (FLAG_EQUAL,) if cmp == 0 else ()
    return ProgrammeResult("dibao", eligible, amount, tuple(reasons), flags)


def _band_reason(inc: IncomeBreakdown, mp: MonthPolicy) -> tuple[bool, Reason]:
    ok = inc.total <= mp.bianyuan_upper * inc.size
    sign = "≤" if ok else ">"
    mult = mp.num("bianyuan.income_multiplier").normalize()
    text = (
        f"家庭月人均收入 {yuan(inc.per_capita)} 元 {sign} 边缘上限 {yuan(mp.bianyuan_upper)} 元"
        f"（低保标准 {yuan(mp.standard)} 元 × {mult}）"
    )
    return ok, Reason("bianyuan.income", text, ok)


def grant_conditions(h: Household, mp: MonthPolicy) -> list[str]:
    """The 边缘 cash-grant conditions the family meets (Chinese labels)."""
    met = []
    if any(m.disability_type for m in h.members):
        met.append("有残疾成员")
    if any(m.seriously_ill for m in h.members):
        met.append("有重病成员")
    if h.single_parent and any(m.student != "none" for m in h.members):
        met.append("单亲家庭且有子女在校")
    if h.family_planning_support:
        met.append("计划生育特殊扶助家庭")
    old = mp.int_("bianyuan.grant_elderly_age")
    if h.childless and all(m.age_in(mp.month) >= old for m in h.members):
        met.append(f"全部成员满 {old} 岁且无子女")
    return met


def assess_bianyuan(
    h: Household, mp: MonthPolicy, inc: IncomeBreakdown, dibao: ProgrammeResult
) -> ProgrammeResult:
    """低保边缘: not 低保, income ≤ 1.5× standard, assets ≤ 36× standard; grant if conditions."""
    if dibao.eligible:
        reason = Reason("bianyuan.not_dibao", "家庭已符合低保条件，不再认定为低保边缘家庭", False)
        return ProgrammeResult("bianyuan", False, ZERO, (reason,))
    band_ok, band_reason = _band_reason(inc, mp)
    assets = check_assets(h, mp, mp.num("bianyuan.asset_months"), "低保边缘")
    reasons = [band_reason, *assets.reasons]
    eligible = band_ok and assets.ok
    amount = ZERO
    if eligible:
        met = grant_conditions(h, mp)
        share = mp.num("bianyuan.grant_share")
        if met:
            amount = mp.bianyuan_grant
            text = (
                f"符合补助条件（{'、'.join(met)}）：每户 {yuan(mp.standard)} 元 × {share:.0%} "
                f"= {yuan(amount)} 元（四舍五入）"
            )
        else:
            text = "无残疾、重病、单亲在校、计生特扶或孤老情形，认定为边缘家庭但不发放现金补助"
        reasons.append(Reason("bianyuan.grant", text, bool(met)))
    flags = dibao.flags if eligible else ()
    return ProgrammeResult("bianyuan", eligible, amount, tuple(reasons), flags)


def _single_person(
    h: Household, mp: MonthPolicy, inc: IncomeBreakdown, idx: int, in_band: bool
) -> PersonResult | None:
    m = h.members[idx]
    mi = inc.members[idx]
    path_a = in_band and (m.severely_disabled or m.seriously_ill)
    adult = m.age_in(mp.month) >= mp.int_("imputed.working_age_min")
    lvl = m.disability_level
    path_b = adult and m.employment == "unemployed" and lvl is not None and lvl <= 2
    if not (path_a or path_b):
        return None
    own = mi.counted - mi.deduction
    own = own if own > 0 else ZERO
    why = "低保边缘家庭中的重残/重病成员" if path_a else "成年无业重度残疾人，参照单人户"
    ok = own < mp.standard
    sign = "<" if ok else "≥"
    reasons = [
        Reason("dibao_single.who", f"成员 {m.id}：{why}", True),
        Reason(
            "dibao_single.income",
            f"本人月收入 {yuan(own)} 元 {sign} 低保标准 {yuan(mp.standard)} 元",
            ok,
        ),
    ]
    amount = round_benefit(mp.standard - own, mp) if ok else ZERO
    if ok:
        reasons.append(
            Reason(
                "dibao_single.amount",
                f"单人保金额 = {yuan(mp.standard)} − {yuan(own)} = {yuan(amount)} 元",
                True,
            )
        )
    return PersonResult(m.id, ok, amount, tuple(reasons))


def assess_single(
    h: Household, mp: MonthPolicy, inc: IncomeBreakdown, dibao: ProgrammeResult
) -> ProgrammeResult:
    """单人保: a severely disabled/ill member of a 边缘-band family, or an unemployed severely
    disabled adult, covered alone as a one-person household (own income vs the standard)."""
    if dibao.eligible:
        reason = Reason("dibao_single.not_needed", "全家已符合低保，无需单独纳入", False)
        return ProgrammeResult("dibao_single", False, ZERO, (reason,))
    band_ok, band_reason = _band_reason(inc, mp)
    assets = check_assets(h, mp, mp.num("bianyuan.asset_months"), "低保边缘")
    persons = [
        p
        for i in range(len(h.members))
        if (p := _single_person(h, mp, inc, i, band_ok and assets.ok)) is not None
    ]
    reasons = [band_reason, *assets.reasons]
    if not persons:
        reasons.append(
            Reason("dibao_single.who", "家中没有符合单独纳入条件的重残、重病成员", False)
        )
    eligible_persons = [p for p in persons if p.eligible] if assets.ok else []
    amount = sum((p.amount for p in eligible_persons), ZERO)
    return ProgrammeResult(
        "dibao_single", bool(eligible_persons), amount, tuple(reasons), (), tuple(persons)
    )


def bianyuan_grant_fast(h: Household, mp: MonthPolicy) -> Decimal:
    """The 边缘 grant without reasons (monthly run fast path); zero when not eligible."""
    total = family_income_total(h, mp)
    n = len(h.members)
    if total < mp.standard * n and assets_within(h, mp, mp.dibao_asset_months):
        return ZERO
    if total > mp.bianyuan_upper * n or not assets_within(h, mp, mp.num("bianyuan.asset_months")):
        return ZERO
    return mp.bianyuan_grant if grant_conditions(h, mp) else ZERO
