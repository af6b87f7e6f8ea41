"""Worked 刚性支出, 临时救助, first-month proration and 渐退 examples."""

from __future__ import annotations

from datetime import date

from desktop.domain.policy import (
    Hardship,
    assess,
    default_policy,
    first_month_payment,
    gradual_exit_schedule,
)
from tests.policy.builders import AUG_2025, SEP_2025, D, family, member, monthly, policy_with

NONE = {"work_capacity": "none"}


def _rigid(amount: str):  # type: ignore[no-untyped-def]
    # 2 people, income 3600 (per capita 1800 < 53581 / 12 = 4465.08), not 低保
    return family(
        member("m1", **NONE),
        member("m2", **NONE),
        incomes=monthly("m1", "3600"),
        rigid_spending=(("medical", D(amount)),),
    )


def test_gangxing_spending_over_half_of_income() -> None:
    # threshold 3600 × 50% = 1800: 1800.01 > 1800 → identified; 1800 → not
    assert assess(_rigid("1800.01"), SEP_2025).programmes["gangxing"].eligible
    p = assess(_rigid("1800"), SEP_2025).programmes["gangxing"]
    assert (
        not p.eligible
        and "1800.00 元 ≤ 家庭月收入 3600.00 元 × 50% = 1800.00 元" in p.reasons[1].text
    )


def test_gangxing_not_for_dibao_families() -> None:
    h = family(
        member("m1", **NONE), incomes=monthly("m1", "100"), rigid_spending=(("medical", D("900")),)
    )
    assert not assess(h, SEP_2025).programmes["gangxing"].eligible


def test_linshi_emergency_capped_at_six_months_of_standard() -> None:
    # cap 6 × 1045 = 6270 (Sep), 6 × 1010 = 6060 (Aug); asked 8000
    h = family(member("m1", **NONE), hardship=Hardship("emergency", D("8000")))
    p = assess(h, SEP_2025).programmes["linshi"]
    assert p.eligible and p.amount == D("6270.00") and p.flags == ("linshi_over_cap",)
    assert assess(h, AUG_2025).programmes["linshi"].amount == D("6060.00")


def test_linshi_district_cap_row_overrides_city_row() -> None:
    # 河西 120103 with its own cap of 3 months: 3 × 1045 = 3135; other districts keep 6270
    pol = policy_with({"linshi.cap_months": "3"}, district="120103")
    hexi = family(
        member("m1", **NONE), hardship=Hardship("emergency", D("5000")), district="120103"
    )
    hebei = family(
        member("m1", **NONE), hardship=Hardship("emergency", D("5000")), district="120105"
    )
    assert assess(hexi, SEP_2025, pol).programmes["linshi"].amount == D("3135.00")
    assert assess(hebei, SEP_2025, pol).programmes["linshi"].amount == D("5000.00")


def test_linshi_expenditure_needs_income_within_the_band() -> None:
    # per capita 1600 > 1567.5 → no expenditure-type aid
    h = family(
        member("m1", **NONE),
        incomes=monthly("m1", "1600"),
        hardship=Hardship("expenditure", D("1000")),
    )
    assert not assess(h, SEP_2025).programmes["linshi"].eligible


def test_first_month_prorated_from_decision_date() -> None:
    # 1135.00 × 15/30 (16–30 Sep) = 567.50
    h = family(
        member("m1", **NONE),
        member("m2", **NONE),
        member("m3", **NONE),
        incomes=monthly("m1", "2000"),
        decision_date=date(2025, 9, 16),
    )
    p = assess(h, SEP_2025).programmes["dibao"]
    assert p.amount == D("1135.00") and p.first_month_amount == D("567.50")
    assert p.payment_start == date(2025, 9, 16)


def test_payment_from_next_month_switch() -> None:
    pol = policy_with({"payment.start": "next_month"})
    mp = pol.for_month(SEP_2025)
    start, amount, _ = first_month_payment(D("1135.00"), date(2025, 9, 16), mp)
    assert (start, amount) == (date(2025, 10, 1), D("0.00"))


def test_decision_on_the_first_pays_the_full_month() -> None:
    mp = default_policy().for_month(SEP_2025)
    assert first_month_payment(D("1135.00"), date(2025, 9, 1), mp)[1] == D("1135.00")
    # 31-day month: decision 2025-10-31 → 1 day: 1135 × 1/31 = 36.61
    oct_mp = default_policy().for_month(date(2025, 10, 1))
    assert first_month_payment(D("1135.00"), date(2025, 10, 31), oct_mp)[1] == D("36.61")


def test_gradual_exit_schedule_six_months() -> None:
    sched = gradual_exit_schedule(
        D("500.00"), date(2025, 10, 1), default_policy().for_month(SEP_2025).jiantui_months
    )
    assert [m.strftime("%Y-%m") for m, _ in sched] == [
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    assert {a for _, a in sched} == {D("500.00")}
