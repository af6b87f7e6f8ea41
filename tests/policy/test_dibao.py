"""Worked 低保 examples: income tests on totals, both standards, deductions, imputed income."""

from __future__ import annotations

from datetime import date

from desktop.domain.policy import IncomeItem, assess
from tests.policy.builders import AUG_2025, SEP_2025, D, family, member, monthly

NONE = {"work_capacity": "none"}


def test_three_people_below_standard_2025_09() -> None:
    # 3 × 1045 = 3135; income 2000 → per capita 666.67 < 1045; 3135 − 2000 = 1135.00
    h = family(
        member("m1", **NONE),
        member("m2", **NONE),
        member("m3", **NONE),
        incomes=monthly("m1", "2000"),
    )
    p = assess(h, SEP_2025).programmes["dibao"]
    assert p.eligible and p.amount == D("1135.00")
    assert p.reasons[0].text == "家庭月人均收入 666.67 元 < 低保标准 1045.00 元"


def test_same_family_under_the_2020_standard_in_2025_08() -> None:
    # 3 × 1010 = 3030; 3030 − 2000 = 1030.00
    h = family(
        member("m1", **NONE),
        member("m2", **NONE),
        member("m3", **NONE),
        incomes=monthly("m1", "2000"),
    )
    a = assess(h, AUG_2025)
    assert a.standard == D("1010.00")
    assert a.programmes["dibao"].amount == D("1030.00")


def test_income_equal_to_standard_is_flagged_not_paid() -> None:
    # 2 × 1045 = 2090 = income → not below; flagged for a person to decide
    h = family(member("m1", **NONE), member("m2", **NONE), incomes=monthly("m1", "2090"))
    a = assess(h, SEP_2025)
    p = a.programmes["dibao"]
    assert not p.eligible and p.amount == D("0.00")
    assert p.flags == ("income_equals_standard",) and a.needs_review
    assert "1045.00 元 = 低保标准 1045.00 元" in p.reasons[0].text


def test_one_fen_below_the_standard_pays_one_fen() -> None:
    # 2090 − 2089.99 = 0.01
    h = family(member("m1", **NONE), member("m2", **NONE), incomes=monthly("m1", "2089.99"))
    p = assess(h, SEP_2025).programmes["dibao"]
    assert p.eligible and p.amount == D("0.01")


def test_income_2090_in_august_is_above_the_old_standard() -> None:
    # 2 × 1010 = 2020 < 2090 → no 低保 in 2025-08; 2090 ≤ 2 × 1515 = 3030 → 边缘
    h = family(member("m1", **NONE), member("m2", **NONE), incomes=monthly("m1", "2090"))
    a = assess(h, AUG_2025)
    assert not a.programmes["dibao"].eligible and not a.programmes["dibao"].flags
    assert a.programmes["bianyuan"].eligible


def test_per_capita_1030_fails_in_august_passes_in_september() -> None:
    # single person 1030: 1030 > 1010 (Aug) ; 1030 < 1045 (Sep) → 1045 − 1030 = 15.00
    h = family(member("m1", **NONE), incomes=monthly("m1", "1030"))
    assert not assess(h, AUG_2025).programmes["dibao"].eligible
    assert assess(h, SEP_2025).programmes["dibao"].amount == D("15.00")


def test_employment_cost_deduction_20_percent() -> None:
    # man 62 (past retirement age, no imputation), wage 1250: deduct 20% = 250 → 1000 < 1045
    # amount 1045 − 1000 = 45.00
    m = member("m1", age=62, sex="male", employment="employed")
    a = assess(family(m, incomes=monthly("m1", "1250", "wage")), SEP_2025)
    assert a.programmes["dibao"].amount == D("45.00")
    assert any("扣减就业成本 250.00 元" in r.text for r in a.income_reasons)


def test_employment_cost_deduction_is_capped_at_500() -> None:
    # wage 3000: 20% = 600 > cap 500 → counted 2500; 2 people 2090 < 2500 → no 低保
    m1 = member("m1", age=62, sex="male", employment="employed")
    a = assess(family(m1, member("m2", **NONE), incomes=monthly("m1", "3000", "wage")), SEP_2025)
    assert a.income_total == D("2500.00")


def test_imputed_income_90_percent_of_minimum_wage() -> None:
    # capable man 35 with no income: 0.9 × 2320 = 2088; child 10 at school
    # 2 × 1045 = 2090 − 2088 = 2.00
    m1 = member("m1", age=35, sex="male")
    m2 = member("m2", age=10, student="school", **NONE)
    a = assess(family(m1, m2), SEP_2025)
    assert a.programmes["dibao"].amount == D("2.00")
    assert any("计 2088.00 元/月" in r.text for r in a.income_reasons)


def test_imputed_income_older_woman_counted_at_standard() -> None:
    # woman 45 (≥40), capable, no income → counted at 1045 = standard → flagged, not paid
    a = assess(family(member("m1", age=45, sex="female")), SEP_2025)
    assert a.income_total == D("1045.00")
    assert a.programmes["dibao"].flags == ("income_equals_standard",)


def test_imputed_income_partial_incapacity_60_percent() -> None:
    # partial incapacity, 30: 0.6 × 1045 = 627 → 1045 − 627 = 418.00
    a = assess(family(member("m1", age=30, work_capacity="partial")), SEP_2025)
    assert a.programmes["dibao"].amount == D("418.00")


def test_reported_wage_above_imputed_is_kept() -> None:
    # capable man 35, wage 2200, employed: 2200 − 440 = 1760; imputed 2088 > 1760 → 2088
    m = member("m1", age=35, sex="male", employment="employed")
    assert assess(family(m, incomes=monthly("m1", "2200", "wage")), SEP_2025).income_total == D(
        "2088.00"
    )


def test_uremia_deduction_1500() -> None:
    # income 3000 − 1500 (uremia) = 1500 < 2090 → 2090 − 1500 = 590.00
    h = family(
        member("m1", illness="uremia", **NONE), member("m2", **NONE), incomes=monthly("m1", "3000")
    )
    assert assess(h, SEP_2025).programmes["dibao"].amount == D("590.00")


def test_one_deduction_per_person_the_larger() -> None:
    # physical level 1 (1000) and leukaemia (1500) → 1500 only; 2000 − 1500 = 500 → 545.00
    m = member("m1", disability_type="physical", disability_level=1, illness="leukemia", **NONE)
    assert assess(family(m, incomes=monthly("m1", "2000")), SEP_2025).programmes[
        "dibao"
    ].amount == D("545.00")


def test_disability_deduction_classes() -> None:
    # hearing 2 → 500; intellectual 3 → 500; physical 3 → 0: income 3000 − 1000 = 2000 for 3
    # people → 3135 − 2000 = 1135.00
    ms = (
        member("m1", disability_type="hearing", disability_level=2, **NONE),
        member("m2", disability_type="intellectual", disability_level=3, **NONE),
        member("m3", disability_type="physical", disability_level=3, **NONE),
    )
    a = assess(family(*ms, incomes=monthly("m1", "3000")), SEP_2025)
    assert a.income_total == D("2000.00") and a.programmes["dibao"].amount == D("1135.00")


def test_excluded_income_is_not_counted() -> None:
    # scholarship 500 and assistance 300 not counted; transfer 400 → 1045 − 400 = 645.00
    incomes = (
        *monthly("m1", "400"),
        *monthly("m1", "500", "scholarship"),
        *monthly("m1", "300", "assistance"),
    )
    a = assess(family(member("m1", **NONE), incomes=incomes), SEP_2025)
    assert a.programmes["dibao"].amount == D("645.00")


def test_lookback_averages_three_months_before_the_benefit_month() -> None:
    # Jun 900, Jul 0, Aug 600, May 3000 (outside) → (900 + 600) / 3 = 500 → 545.00
    items = tuple(
        IncomeItem("m1", date(2025, mo, 1), "transfer", D(a))
        for mo, a in ((5, "3000"), (6, "900"), (8, "600"))
    )
    a = assess(family(member("m1", **NONE), incomes=items), SEP_2025)
    assert a.income_total == D("500.00") and a.programmes["dibao"].amount == D("545.00")
