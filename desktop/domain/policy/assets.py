"""Asset tests: liquid assets against months of the standard, vehicles and dwellings."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.domain.policy.household import Household
from desktop.domain.policy.result import Reason, yuan
from desktop.domain.policy.tables import MonthPolicy

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class AssetCheck:
    """Outcome of the asset tests for one programme's limit."""

    ok: bool
    reasons: tuple[Reason, ...]
    liquid_total: Decimal
    limit_total: Decimal


def exemption_applies(h: Household) -> bool:
    """Liquid-asset exemption: a seriously ill or severely disabled member [seed]."""
    return any(m.seriously_ill or m.severely_disabled for m in h.members)


def liquid_check(
    h: Household, mp: MonthPolicy, months: Decimal, label: str
) -> tuple[bool, list[Reason], Decimal, Decimal]:
    """Liquid assets ≤ months × standard × members, raised by the illness/disability exemption."""
    n = len(h.members)
    total = sum((amount for _, amount in h.liquid_assets), ZERO)
    limit = mp.standard * months * n
    reasons: list[Reason] = []
    if total > limit and exemption_applies(h):
        extra = mp.standard * mp.num("asset.exemption_extra_months") * n
        reasons.append(
            Reason(
                "asset.exemption",
                f"家庭有重病或重度残疾成员，货币财产限额增加 {yuan(extra)} 元（豁免）",
                None,
            )
        )
        limit += extra
    ok = total <= limit
    sign = "≤" if ok else ">"
    reasons.append(
        Reason(
            "asset.liquid",
            f"家庭货币财产 {yuan(total)} 元 {sign} {label}限额 {yuan(limit)} 元"
            f"（{months.normalize()} 个月标准 {yuan(mp.standard)} 元 × {n} 人）",
            ok,
        )
    )
    return ok, reasons, total, limit


def property_check(h: Household, mp: MonthPolicy) -> tuple[bool, list[Reason]]:
    """Vehicles and dwellings that disqualify, with the exemptions for treatment vehicles."""
    reasons: list[Reason] = []
    ok = True
    has_patient = any(m.illness or m.disability_type for m in h.members)
    for v in h.vehicles:
        if v.purpose == "disabled_mobility":
            reasons.append(Reason("asset.vehicle", "残疾人功能性代步车不计入车辆限制", True))
        elif v.purpose == "treatment" and has_patient:
            reasons.append(Reason("asset.vehicle", "治疗康复必需车辆，按豁免政策不计入", True))
        else:
            why = (
                "登记为治疗康复用车但家中无患病或残疾成员"
                if v.purpose == "treatment"
                else "拥有机动车辆"
            )
            reasons.append(Reason("asset.vehicle", f"{why}，不符合财产条件", False))
            ok = False
    if any(not d.residential for d in h.dwellings):
        reasons.append(Reason("asset.dwelling", "拥有非居住类房产，不符合财产条件", False))
        ok = False
    homes = [d for d in h.dwellings if d.residential]
    if len(homes) >= 2:
        area = sum((d.floor_area for d in homes), ZERO) / len(h.members)
        avg = mp.num("asset.city_avg_floor_area")
        fine = area < avg
        sign = "<" if fine else "≥"
        reasons.append(
            Reason(
                "asset.dwelling",
                f"拥有 {len(homes)} 套住房，人均建筑面积 {area.quantize(Decimal('0.01'))} 平方米 "
                f"{sign} 本市人均 {avg} 平方米",
                fine,
            )
        )
        ok = ok and fine
    return ok, reasons


def check_assets(h: Household, mp: MonthPolicy, months: Decimal, label: str) -> AssetCheck:
    """All asset tests against ``months`` of the standard per person."""
    liquid_ok, reasons, total, limit = liquid_check(h, mp, months, label)
    prop_ok, more = property_check(h, mp)
    return AssetCheck(liquid_ok and prop_ok, tuple(reasons + more), total, limit)


def liquid_within(h: Household, mp: MonthPolicy, months: Decimal) -> bool:
    """The decision of ``liquid_check`` without building reasons."""
    n = len(h.members)
    total = ZERO
    for _, amount in h.liquid_assets:
        total += amount
    limit = mp.standard * months * n
    if total > limit and exemption_applies(h):
        limit += mp.standard * mp.num("asset.exemption_extra_months") * n
    return total <= limit


def assets_within(h: Household, mp: MonthPolicy, months: Decimal) -> bool:
    """The decision of ``check_assets`` without building reasons (monthly run fast path)."""
    if not liquid_within(h, mp, months):
        return False
    if h.vehicles:
        has_patient = any(m.illness or m.disability_type for m in h.members)
        for v in h.vehicles:
            if v.purpose == "other" or (v.purpose == "treatment" and not has_patient):
                return False
    if h.dwellings:
        if any(not d.residential for d in h.dwellings):
            return False
        homes = [d for d in h.dwellings if d.residential]
        if len(homes) >= 2:
            area = sum((d.floor_area for d in homes), ZERO) / len(h.members)
            return area < mp.num("asset.city_avg_floor_area")
    return True
