"""特困 (per person, with care allowance), 刚性支出 identification and 临时救助 caps."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.policy.assets import liquid_check, liquid_within
from desktop.domain.policy.codes import SETTINGS, SUPPORTER
from desktop.domain.policy.household import Household, Member
from desktop.domain.policy.income import IncomeBreakdown, MemberIncome, member_counted, sum_incomes
from desktop.domain.policy.result import PersonResult, ProgrammeResult, Reason, yuan
from desktop.domain.policy.tables import MonthPolicy

ZERO = Decimal("0.00")


def self_care_level(failed: int, mp: MonthPolicy) -> tuple[str, Decimal]:
    """From the number of the 6 activities a person cannot do: level label and care allowance."""
    if failed == 0:
        return "具备生活自理能力", ZERO
    if failed >= mp.full_min_failed:
        return "完全丧失生活自理能力", mp.care_full
    return "部分丧失生活自理能力", mp.care_partial


def tekun_conditions(
    m: Member, own_income: Decimal, mp: MonthPolicy, assets_ok: bool
) -> tuple[bool, bool, bool]:
    """The three 特困 conditions: no work capacity, no means of living, no able supporter."""
    age = m.age_in(mp.month)
    values = mp.values
    c1 = (
        age >= values["tekun.elderly_age"]  # type: ignore[operator]
        or age < values["tekun.minor_age"]  # type: ignore[operator]
        or m.work_capacity == "none"
    )
    return c1, own_income < mp.standard and assets_ok, m.supporter != "able"


def tekun_person_amount(m: Member, h: Household, mp: MonthPolicy) -> Decimal:
    """The setting's 特困 standard plus the care allowance of the person's self-care level."""
    return mp.tekun_standard[h.setting] + self_care_level(len(m.self_care_failed), mp)[1]


def tekun_total_fast(h: Household, mp: MonthPolicy) -> Decimal:
    """Total 特困 support of the household without reasons (monthly run fast path)."""
    lookback = mp.lookback_months
    sums, _ = sum_incomes(h, mp.month, lookback)
    assets_ok = liquid_within(h, mp, mp.dibao_asset_months)
    total = ZERO
    for m in h.members:
        counted = member_counted(m, sums[m.id], mp, lookback)
        if all(tekun_conditions(m, counted, mp, assets_ok)):
            total += tekun_person_amount(m, h, mp)
    return total


def _tekun_person(
    m: Member, mi: MemberIncome, h: Household, mp: MonthPolicy, assets_ok: bool
) -> PersonResult:
    age = m.age_in(mp.month)
    old, minor = mp.int_("tekun.elderly_age"), mp.int_("tekun.minor_age")
    c1_text = (
        f"年满 {old} 岁" if age >= old else f"未满 {minor} 岁" if age < minor else "无劳动能力"
    )
    own = mi.counted
    c1, c2, c3 = tekun_conditions(m, own, mp, assets_ok)
    reasons = [
        Reason("tekun.no_work_capacity", f"成员 {m.id}：{c1_text if c1 else '有劳动能力'}", c1),
        Reason(
            "tekun.no_means",
            f"本人月收入 {yuan(own)} 元 {'<' if own < mp.standard else '≥'} 低保标准 "
            f"{yuan(mp.standard)} 元" + ("" if assets_ok else "，但家庭财产超过限额"),
            c2,
        ),
        Reason("tekun.no_supporter", f"法定义务人情况：{SUPPORTER[m.supporter]}", c3),
    ]
    eligible = c1 and c2 and c3
    amount = ZERO
    if eligible:
        level, care = self_care_level(len(m.self_care_failed), mp)
        base = mp.tekun_standard[h.setting]
        amount = tekun_person_amount(m, h, mp)
        reasons.append(
            Reason(
                "tekun.amount",
                f"{len(m.self_care_failed)} 项日常活动不能完成，{level}：供养标准（{SETTINGS[h.setting]}）"
                f"{yuan(base)} 元 + 护理补贴 {yuan(care)} 元 = {yuan(amount)} 元",
                True,
            )
        )
    return PersonResult(m.id, eligible, amount, tuple(reasons))


def assess_tekun(h: Household, mp: MonthPolicy, inc: IncomeBreakdown) -> ProgrammeResult:
    """特困: each member meeting the three conditions gets the setting's standard + care."""
    assets_ok, asset_reasons, _, _ = liquid_check(h, mp, mp.dibao_asset_months, "特困")
    persons = tuple(
        _tekun_person(m, mi, h, mp, assets_ok) for m, mi in zip(h.members, inc.members, strict=True)
    )
    eligible = [p for p in persons if p.eligible]
    amount = sum((p.amount for p in eligible), ZERO)
    summary = Reason(
        "tekun.summary",
        f"{len(eligible)} 名成员同时符合无劳动能力、无生活来源、无履行能力的法定义务人三个条件"
        if eligible
        else "没有成员同时符合特困三个条件",
        bool(eligible),
    )
    return ProgrammeResult("tekun", bool(eligible), amount, (summary, *asset_reasons), (), persons)


def assess_gangxing(
    h: Household, mp: MonthPolicy, inc: IncomeBreakdown, dibao: ProgrammeResult
) -> ProgrammeResult:
    """刚性支出困难: not 低保, income below last year's local per-capita disposable income,
    rigid spending above a share of family income, assets within the limit (identification)."""
    if dibao.eligible:
        reason = Reason("gangxing.not_dibao", "家庭已符合低保条件", False)
        return ProgrammeResult("gangxing", False, ZERO, (reason,))
    monthly_line = mp.num("gangxing.disposable_income_annual") / 12
    c_income = inc.total < monthly_line * inc.size
    spending = sum((a for _, a in h.rigid_spending), ZERO)
    share = mp.num("gangxing.threshold_share")
    threshold = inc.total * share
    c_spend = spending > threshold
    assets_ok, asset_reasons, _, _ = liquid_check(
        h, mp, mp.num("gangxing.asset_months"), "刚性支出"
    )
    reasons = [
        Reason(
            "gangxing.income",
            f"家庭月人均收入 {yuan(inc.per_capita)} 元 {'<' if c_income else '≥'} 上年度人均可支配收入"
            f"月均 {yuan(monthly_line)} 元",
            c_income,
        ),
        Reason(
            "gangxing.spending",
            f"月刚性支出 {yuan(spending)} 元 {'>' if c_spend else '≤'} 家庭月收入 {yuan(inc.total)} 元 × "
            f"{share:.0%} = {yuan(threshold)} 元",
            c_spend,
        ),
        *asset_reasons,
    ]
    eligible = c_income and c_spend and assets_ok
    if eligible:
        reasons.append(
            Reason("gangxing.referral", "认定为刚性支出困难家庭，转介医疗、教育等专项救助", True)
        )
    return ProgrammeResult("gangxing", eligible, ZERO, tuple(reasons))


def assess_linshi(h: Household, mp: MonthPolicy, inc: IncomeBreakdown) -> ProgrammeResult:
    """临时救助: the amount asked, capped at the district's months of the standard."""
    hs = h.hardship
    if hs is None:
        return ProgrammeResult(
            "linshi", False, ZERO, (Reason("linshi.none", "未申报急难或支出型困难", False),)
        )
    reasons = []
    ok = True
    if hs.kind == "emergency":
        reasons.append(
            Reason("linshi.emergency", "急难型：先行救助，核对、评议和公示事后补办", True)
        )
    else:
        ok = inc.total <= mp.bianyuan_upper * inc.size
        reasons.append(
            Reason(
                "linshi.income",
                f"支出型：家庭月人均收入 {yuan(inc.per_capita)} 元 {'≤' if ok else '>'} "
                f"边缘上限 {yuan(mp.bianyuan_upper)} 元",
                ok,
            )
        )
    cap = mp.linshi_cap
    months = mp.num("linshi.cap_months").normalize()
    amount = min(hs.requested, cap).quantize(Decimal("0.01")) if ok else ZERO
    flags: tuple[str, ...] = ()
    over = hs.requested > cap
    reasons.append(
        Reason(
            "linshi.cap",
            f"申请 {yuan(hs.requested)} 元 {'>' if over else '≤'} 街道审批上限 {yuan(cap)} 元"
            f"（{months} 个月低保标准 {yuan(mp.standard)} 元"
            + (f"，地区 {mp.district}" if mp.district else "")
            + "）"
            + ("，超出部分报区民政局审批" if over else ""),
            not over,
        )
    )
    if over and ok:
        flags = ("linshi_over_cap",)
    return ProgrammeResult("linshi", ok, amount, tuple(reasons), flags)
