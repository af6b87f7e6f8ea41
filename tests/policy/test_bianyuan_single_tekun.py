"""Worked 低保边缘, 单人保 and 特困 examples."""

from __future__ import annotations

from desktop.domain.policy import assess
from tests.policy.builders import AUG_2025, SEP_2025, D, family, member, monthly

NONE = {"work_capacity": "none"}


def _band_family(**kw: object):  # type: ignore[no-untyped-def]
    # 2 people, income 3000 → per capita 1500: 1045 < 1500 ≤ 1567.5
    extra = kw.pop("m2", {})
    return family(
        member("m1", **NONE), member("m2", **{**NONE, **extra}), incomes=monthly("m1", "3000"), **kw
    )  # type: ignore[dict-item]


def test_bianyuan_without_grant_conditions_pays_nothing() -> None:
    p = assess(_band_family(), SEP_2025).programmes["bianyuan"]
    assert p.eligible and p.amount == D("0.00")
    assert p.reasons[0].text.startswith("家庭月人均收入 1500.00 元 ≤ 边缘上限 1567.50 元")


def test_bianyuan_grant_30_percent_half_up_both_standards() -> None:
    # disabled member (physical 4, no deduction): 1045 × 0.3 = 313.5 → 314; 1010 × 0.3 = 303
    h = _band_family(m2={"disability_type": "physical", "disability_level": 4})
    assert assess(h, SEP_2025).programmes["bianyuan"].amount == D("314.00")
    assert assess(h, AUG_2025).programmes["bianyuan"].amount == D("303.00")


def test_bianyuan_upper_bound_inclusive() -> None:
    # 2 × 1567.5 = 3135: 3135 passes, 3135.01 fails
    def h(x: str):  # type: ignore[no-untyped-def]
        return family(member("m1", **NONE), member("m2", **NONE), incomes=monthly("m1", x))

    assert assess(h("3135"), SEP_2025).programmes["bianyuan"].eligible
    assert not assess(h("3135.01"), SEP_2025).programmes["bianyuan"].eligible


def test_bianyuan_asset_cap_36_months() -> None:
    # 36 × 1045 × 2 = 75240: 75240 passes, 75240.01 fails
    assert (
        assess(_band_family(liquid_assets=(("deposit", D("75240")),)), SEP_2025)
        .programmes["bianyuan"]
        .eligible
    )
    assert (
        not assess(_band_family(liquid_assets=(("deposit", D("75240.01")),)), SEP_2025)
        .programmes["bianyuan"]
        .eligible
    )


def test_grant_conditions_single_parent_elderly_family_planning() -> None:
    student = {"m2": {"student": "school", "age": 12}}
    assert assess(_band_family(single_parent=True, **student), SEP_2025).programmes[
        "bianyuan"
    ].amount == D("314.00")
    assert assess(_band_family(single_parent=True), SEP_2025).programmes["bianyuan"].amount == D(
        "0.00"
    )
    assert assess(_band_family(family_planning_support=True), SEP_2025).programmes[
        "bianyuan"
    ].amount == D("314.00")
    old = family(
        member("m1", age=66, **NONE),
        member("m2", relation="spouse", age=60, **NONE),
        incomes=monthly("m1", "3000"),
        childless=True,
    )
    assert assess(old, SEP_2025).programmes["bianyuan"].amount == D("314.00")
    young = family(
        member("m1", age=66, **NONE),
        member("m2", relation="spouse", age=59, **NONE),
        incomes=monthly("m1", "3000"),
        childless=True,
    )
    assert assess(young, SEP_2025).programmes["bianyuan"].amount == D("0.00")


def test_single_coverage_for_severely_disabled_member_of_bianyuan_family() -> None:
    # m1 pension 3600; m2 intellectual level 2 (−1000): family 2600 / 2 = 1300 → in band
    # m2 own income 0 → 单人保 1045 − 0 = 1045.00
    h = family(
        member("m1", age=65, **NONE),
        member("m2", age=30, disability_type="intellectual", disability_level=2, **NONE),
        incomes=monthly("m1", "3600"),
    )
    a = assess(h, SEP_2025)
    assert not a.programmes["dibao"].eligible
    p = a.programmes["dibao_single"]
    assert p.eligible and p.amount == D("1045.00") and p.persons[0].member_id == "m2"


def test_single_coverage_for_unemployed_severely_disabled_adult_outside_band() -> None:
    # family 6000 − 1000 = 5000 / 2 = 2500 > 1567.5, but m2 is an unemployed adult, physical 1
    h = family(
        member("m1", age=50, **NONE),
        member("m2", age=25, disability_type="physical", disability_level=1, **NONE),
        incomes=monthly("m1", "6000"),
    )
    assert assess(h, SEP_2025).programmes["dibao_single"].amount == D("1045.00")
    # mental level 3 is 单人保 only inside the band: here nobody qualifies
    h3 = family(
        member("m1", age=50, **NONE),
        member("m2", age=25, disability_type="mental", disability_level=3, **NONE),
        incomes=monthly("m1", "6000"),
    )
    assert not assess(h3, SEP_2025).programmes["dibao_single"].eligible


def _elder(**kw: object):  # type: ignore[no-untyped-def]
    kw.setdefault("supporter", "none")
    income = kw.pop("income", "500")
    setting = kw.pop("setting", "urban")
    return family(member("m1", age=70, **kw), incomes=monthly("m1", str(income)), setting=setting)  # type: ignore[arg-type]


def test_tekun_self_care_levels_and_allowances() -> None:
    # urban 1870 + care: 0 failed → 0; 3 failed → partial 400; 4 failed → full 800
    acts = ("eat", "dress", "bed", "toilet")
    assert assess(_elder(), SEP_2025).programmes["tekun"].amount == D("1870.00")
    assert assess(_elder(self_care_failed=frozenset(acts[:3])), SEP_2025).programmes[
        "tekun"
    ].amount == D("2270.00")
    assert assess(_elder(self_care_failed=frozenset(acts)), SEP_2025).programmes[
        "tekun"
    ].amount == D("2670.00")


def test_tekun_rural_dispersed_standard() -> None:
    # 1530 + full care 800 = 2330
    h = _elder(
        setting="rural_dispersed",
        self_care_failed=frozenset(("eat", "dress", "bed", "toilet", "walk")),
    )
    assert assess(h, SEP_2025).programmes["tekun"].amount == D("2330.00")


def test_tekun_each_condition_can_fail() -> None:
    assert not assess(_elder(supporter="able"), SEP_2025).programmes["tekun"].eligible
    # own income 1045 is not below the standard 1045
    assert not assess(_elder(income="1045"), SEP_2025).programmes["tekun"].eligible
    # 59, capable (imputed income aside) → condition 1 fails
    young = family(member("m1", age=59, sex="female", supporter="none", employment="retired"))
    assert not assess(young, SEP_2025).programmes["tekun"].eligible


def test_tekun_minor_age_boundary() -> None:
    # 15 → under 16, eligible (1870); 16 capable → not
    assert (
        assess(family(member("m1", age=15, supporter="none", student="school")), SEP_2025)
        .programmes["tekun"]
        .eligible
    )
    assert (
        not assess(family(member("m1", age=16, supporter="none", student="school")), SEP_2025)
        .programmes["tekun"]
        .eligible
    )
