"""Worked asset-limit, exemption and rounding examples."""

from __future__ import annotations

from desktop.domain.policy import Dwelling, Vehicle, assess
from tests.policy.builders import SEP_2025, D, family, member, monthly, policy_with

NONE = {"work_capacity": "none"}


def _two(**kw: object):  # type: ignore[no-untyped-def]
    return family(member("m1", **NONE), member("m2", **NONE), incomes=monthly("m1", "1000"), **kw)


def test_liquid_assets_exactly_at_24_months_pass() -> None:
    # limit 24 × 1045 × 2 = 50160.00; deposits 50160.00 ≤ limit → 2090 − 1000 = 1090.00
    p = assess(_two(liquid_assets=(("deposit", D("50160.00")),)), SEP_2025).programmes["dibao"]
    assert p.eligible and p.amount == D("1090.00")
    assert "50160.00 元 ≤ 低保限额 50160.00 元" in p.reasons[1].text


def test_liquid_assets_one_fen_over_fail() -> None:
    # 50160.01 > 50160.00 → no 低保; but ≤ 36 × 1045 × 2 = 75240 → 边缘
    a = assess(_two(liquid_assets=(("cash", D("160.01")), ("deposit", D("50000")))), SEP_2025)
    assert not a.programmes["dibao"].eligible
    assert a.programmes["bianyuan"].eligible


def test_illness_exemption_raises_the_liquid_limit() -> None:
    # uremia member: limit 50160 + 12 × 1045 × 2 = 75240; deposits 60000 pass
    # income 1000 − 1500 deduction → 0 → amount 2090.00
    h = family(
        member("m1", illness="uremia", **NONE),
        member("m2", **NONE),
        incomes=monthly("m1", "1000"),
        liquid_assets=(("deposit", D("60000")),),
    )
    p = assess(h, SEP_2025).programmes["dibao"]
    assert p.eligible and p.amount == D("2090.00")
    assert any(r.rule == "asset.exemption" for r in p.reasons)


def test_private_car_disqualifies() -> None:
    assert not assess(_two(vehicles=(Vehicle("other"),)), SEP_2025).programmes["dibao"].eligible


def test_treatment_car_allowed_only_with_an_ill_or_disabled_member() -> None:
    h_ok = family(
        member("m1", disability_type="physical", disability_level=4, **NONE),
        incomes=monthly("m1", "500"),
        vehicles=(Vehicle("treatment"),),
    )
    # 1045 − 500 = 545.00 (physical level 4 deducts 0)
    assert assess(h_ok, SEP_2025).programmes["dibao"].amount == D("545.00")
    assert not assess(_two(vehicles=(Vehicle("treatment"),)), SEP_2025).programmes["dibao"].eligible


def test_disabled_mobility_vehicle_is_not_a_car() -> None:
    assert (
        assess(_two(vehicles=(Vehicle("disabled_mobility"),)), SEP_2025)
        .programmes["dibao"]
        .eligible
    )


def test_two_dwellings_below_city_average_area_pass() -> None:
    # 2 homes, 70 m² total, 2 people → 35 m² < 38 m² → allowed
    homes = (Dwelling(D("40")), Dwelling(D("30")))
    assert assess(_two(dwellings=homes), SEP_2025).programmes["dibao"].eligible


def test_two_dwellings_at_city_average_area_fail() -> None:
    # 76 m² / 2 = 38 m² ≥ 38 → disqualified; a shop (non-residential) always is
    assert (
        not assess(_two(dwellings=(Dwelling(D("40")), Dwelling(D("36")))), SEP_2025)
        .programmes["dibao"]
        .eligible
    )
    assert (
        not assess(_two(dwellings=(Dwelling(D("20"), False),)), SEP_2025)
        .programmes["dibao"]
        .eligible
    )


def test_rounding_rule_and_unit_are_policy_rows() -> None:
    # income 1999.60 → gap 3135 − 1999.60 = 1135.40; up to the yuan → 1136; down → 1135
    h = family(
        member("m1", **NONE),
        member("m2", **NONE),
        member("m3", **NONE),
        incomes=monthly("m1", "1999.60"),
    )
    assert assess(h, SEP_2025).programmes["dibao"].amount == D("1135.40")
    up = policy_with({"rounding.rule": "up", "rounding.unit": "yuan"})
    down = policy_with({"rounding.rule": "down", "rounding.unit": "yuan"})
    assert assess(h, SEP_2025, up).programmes["dibao"].amount == D("1136.00")
    assert assess(h, SEP_2025, down).programmes["dibao"].amount == D("1135.00")


def test_average_rounded_to_fen_half_up() -> None:
    # Jun–Aug 1000 + 1000 + 1001 = 3001 / 3 = 1000.333…; 2090 − 1000.333… = 1089.666… → 1089.67
    from datetime import date

    from desktop.domain.policy import IncomeItem

    items = tuple(
        IncomeItem("m1", date(2025, m, 1), "transfer", D(a))
        for m, a in ((6, "1000"), (7, "1000"), (8, "1001"))
    )
    h = family(member("m1", **NONE), member("m2", **NONE), incomes=items)
    assert assess(h, SEP_2025).programmes["dibao"].amount == D("1089.67")
