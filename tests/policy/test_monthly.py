"""The monthly run and periodic review: 增发/减发/停发/不变/渐退, and agreement with assess()."""

from __future__ import annotations

from datetime import date

import pytest

from bench.bench_policy import generate_cases
from desktop.domain.policy import (
    ActiveCase,
    assess,
    changed_only,
    default_policy,
    monthly_run,
    review_case,
)
from desktop.errors import ValidationError
from tests.policy.builders import SEP_2025, D, family, member, monthly

NONE = {"work_capacity": "none"}


def _case(income: str, old: str, **kw: object) -> ActiveCase:
    h = family(
        member("m1", **NONE),
        member("m2", **NONE),
        member("m3", **NONE),
        incomes=monthly("m1", income),
    )
    return ActiveCase(kw.pop("cid", "c"), h, "dibao", D(old), **kw)  # type: ignore[arg-type]


def test_new_standard_increases_every_dibao_case() -> None:
    # Aug: 3030 − 2000 = 1030 paid; Sep: 3135 − 2000 = 1135 → 增发
    (change,) = monthly_run([_case("2000", "1030")], SEP_2025, default_policy())
    assert (change.kind, change.kind_cn, change.old, change.new) == (
        "increase",
        "增发",
        D("1030"),
        D("1135.00"),
    )


def test_decrease_stop_unchanged() -> None:
    cases = [
        _case("2500", "1135", cid="dec"),
        _case("3200", "1135", cid="stop"),
        _case("2000", "1135", cid="same"),
    ]
    kinds = {c.case_id: (c.kind, c.new) for c in monthly_run(cases, SEP_2025, default_policy())}
    # 3135 − 2500 = 635 → 减发; 3200 > 3135 → 停发; 1135 → 不变
    assert kinds == {
        "dec": ("decrease", D("635.00")),
        "stop": ("stop", D("0.00")),
        "same": ("unchanged", D("1135.00")),
    }
    assert [c.case_id for c in changed_only(monthly_run(cases, SEP_2025, default_policy()))] == [
        "dec",
        "stop",
    ]


def test_gradual_exit_keeps_paying_then_stops() -> None:
    # a member found work; income now above the standard → 渐退 at the old amount for 6 months
    h = family(
        member("m1", age=62, sex="male", employment="employed", found_work_on=date(2025, 8, 10)),
        incomes=monthly("m1", "2000", "wage"),
    )
    case = ActiveCase("g", h, "dibao", D("400.00"))
    (first,) = monthly_run([case], SEP_2025, default_policy())
    assert (first.kind, first.new, first.gradual_exit_since) == (
        "gradual_exit",
        D("400.00"),
        SEP_2025,
    )
    later = ActiveCase("g", h, "dibao", D("400.00"), gradual_exit_since=date(2025, 3, 1))
    (last,) = monthly_run([later], SEP_2025, default_policy())
    assert last.kind == "stop"  # March–August were the 6 months


def test_bad_case_raises_and_returns_nothing() -> None:
    with pytest.raises(ValidationError) as err:
        monthly_run([_case("2000", "1030"), _case("2000", "-1")], SEP_2025, default_policy())
    assert err.value.field == "现发放金额"


def test_fast_run_agrees_with_full_assessment() -> None:
    cases = generate_cases(400, seed=7)
    changes = monthly_run(cases, SEP_2025, default_policy())
    for case, change in zip(cases, changes, strict=True):
        p = assess(case.household, SEP_2025).programmes[case.programme]
        assert change.new == (p.amount if p.eligible else D("0.00")), case.case_id


def test_review_explains_the_outcome() -> None:
    change, reasons = review_case(_case("2500", "1135"), date(2025, 10, 1), default_policy())
    assert change.kind == "decrease"
    assert reasons[-1].text == "核查结果：减发，原金额 1135.00 元，新金额 635.00 元"
