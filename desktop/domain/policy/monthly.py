"""The monthly benefit run and the periodic review: recompute active cases, report changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.domain.policy.assess import assess_with
from desktop.domain.policy.assets import assets_within
from desktop.domain.policy.dibao import bianyuan_grant_fast
from desktop.domain.policy.household import Household, validate_household
from desktop.domain.policy.income import family_income_total, month_index
from desktop.domain.policy.payment import round_benefit
from desktop.domain.policy.result import Reason, yuan
from desktop.domain.policy.support import tekun_total_fast
from desktop.domain.policy.tables import MonthPolicy, PolicySet
from desktop.errors import ValidationError

ZERO = Decimal("0.00")
RUN_PROGRAMMES = ("dibao", "dibao_single", "bianyuan", "tekun")
CHANGE_KINDS = {
    "increase": "增发",
    "decrease": "减发",
    "stop": "停发",
    "unchanged": "不变",
    "gradual_exit": "渐退",
}


@dataclass(frozen=True, slots=True)
class ActiveCase:
    """A case in payment: its household facts, programme and the amount paid now."""

    case_id: str
    household: Household
    programme: str
    current_amount: Decimal
    gradual_exit_since: date | None = None


@dataclass(frozen=True, slots=True)
class BenefitChange:
    """What the run decided for one case: kind, old and new monthly amounts."""

    case_id: str
    kind: str
    old: Decimal
    new: Decimal
    gradual_exit_since: date | None = None

    @property
    def kind_cn(self) -> str:
        """增发 / 减发 / 停发 / 不变 / 渐退."""
        return CHANGE_KINDS[self.kind]


def _check_case(case: ActiveCase, month: date) -> None:
    if case.programme not in RUN_PROGRAMMES:
        raise ValidationError(
            "救助类别", f"案件 {case.case_id} 的类别“{case.programme}”不在按月发放范围内"
        )
    if case.current_amount < 0:
        raise ValidationError("现发放金额", f"案件 {case.case_id} 的金额不能为负数", "negative")
    validate_household(case.household, month)


def _dibao_amount(h: Household, mp: MonthPolicy) -> tuple[Decimal, bool]:
    """New 低保 amount and whether the household still passes the asset test."""
    if not assets_within(h, mp, mp.dibao_asset_months):
        return ZERO, False
    gap = mp.standard * len(h.members) - family_income_total(h, mp)
    return (round_benefit(gap, mp) if gap > 0 else ZERO), True


def _working(h: Household, month: date) -> bool:
    return any(m.found_work_on is not None and m.found_work_on <= month for m in h.members)


def _other_amount(case: ActiveCase, mp: MonthPolicy) -> Decimal:
    if case.programme == "tekun":
        return tekun_total_fast(case.household, mp)
    if case.programme == "bianyuan":
        return bianyuan_grant_fast(case.household, mp)
    result = assess_with(case.household, mp).programmes[case.programme]
    return result.amount if result.eligible else ZERO


@dataclass(frozen=True, slots=True)
class Basis:
    """What a case's outcome depends on besides its current amount and 渐退 start: the new
    amount, whether the family passes the 低保 asset test, whether a member found work."""

    new: Decimal
    assets_ok: bool = True
    working: bool = False


def basis(case: ActiveCase, mp: MonthPolicy) -> Basis:
    """The household-and-policy part of a validated case's outcome for the month of ``mp``."""
    if case.programme == "dibao":
        new, assets_ok = _dibao_amount(case.household, mp)
        working = new == 0 and assets_ok and _working(case.household, mp.month)
        return Basis(new, assets_ok, working)
    return Basis(_other_amount(case, mp))


def decide(
    case_id: str,
    programme: str,
    old: Decimal,
    since: date | None,
    b: Basis,
    mp: MonthPolicy,
) -> BenefitChange:
    """The outcome of a case from its ``basis``, current amount ``old`` and 渐退 start."""
    new = b.new
    if programme == "dibao" and new == 0 and b.assets_ok and b.working:
        # 渐退: income rose above the standard because a member found work → keep paying.
        start = since or mp.month
        if month_index(mp.month) - month_index(start) < mp.jiantui_months:
            return BenefitChange(case_id, "gradual_exit", old, old, start)
    if new == 0:
        kind = "stop"
    elif new > old:
        kind = "increase"
    elif new < old:
        kind = "decrease"
    else:
        kind = "unchanged"
    return BenefitChange(case_id, kind, old, new)


def recompute(case: ActiveCase, mp: MonthPolicy) -> BenefitChange:
    """Recompute one validated case for the month of ``mp``."""
    return decide(
        case.case_id,
        case.programme,
        case.current_amount,
        case.gradual_exit_since,
        basis(case, mp),
        mp,
    )


def monthly_bases(
    cases: Sequence[ActiveCase], month: date, policy: PolicySet
) -> list[tuple[MonthPolicy, Basis]]:
    """Each case's month policy and basis; all cases are validated first, so a bad case
    raises before anything is returned (``monthly_run`` decides the outcomes from these)."""
    day = month.replace(day=1)
    for case in cases:
        _check_case(case, day)
    by_district: dict[str | None, MonthPolicy] = {}
    out: list[tuple[MonthPolicy, Basis]] = []
    append = out.append
    for case in cases:
        district = case.household.district
        mp = by_district.get(district)
        if mp is None:
            mp = by_district[district] = policy.for_month(day, district)
        append((mp, basis(case, mp)))
    return out


def monthly_run(cases: Sequence[ActiveCase], month: date, policy: PolicySet) -> list[BenefitChange]:
    """Recompute every active case for ``month``; all cases are validated first so a bad case
    raises before any result is returned. The month's policy is resolved once per district."""
    return [
        decide(c.case_id, c.programme, c.current_amount, c.gradual_exit_since, b, mp)
        for c, (mp, b) in zip(cases, monthly_bases(cases, month, policy), strict=True)
    ]


def changed_only(changes: Iterable[BenefitChange]) -> list[BenefitChange]:
    """The changes a clerk must act on (everything but 'unchanged')."""
    return [c for c in changes if c.kind != "unchanged"]


def review_case(
    case: ActiveCase, effective_month: date, policy: PolicySet
) -> tuple[BenefitChange, tuple[Reason, ...]]:
    """定期核查: recompute a case for the month the outcome takes effect (the month after the
    review) and explain it with the full assessment's reasons for the case's programme."""
    day = effective_month.replace(day=1)
    _check_case(case, day)
    mp = policy.for_month(day, case.household.district)
    change = recompute(case, mp)
    assessment = assess_with(case.household, mp)
    reasons = [*assessment.income_reasons, *assessment.programmes[case.programme].reasons]
    text = f"核查结果：{change.kind_cn}，原金额 {yuan(change.old)} 元，新金额 {yuan(change.new)} 元"
    if change.kind == "gradual_exit":
        text += (
            f"（渐退期自 {change.gradual_exit_since:%Y年%m月} 起，最长 {mp.jiantui_months} 个月）"
        )
    reasons.append(Reason("review.outcome", text, None))
    return change, tuple(reasons)
