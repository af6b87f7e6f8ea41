"""Policy tables (rows, dates, districts, errors) and household validation."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain.policy import DEFAULT_POLICY_ROWS, IncomeItem, PolicyRow, PolicySet, assess
from desktop.errors import PolicyError, ValidationError
from tests.policy.builders import SEP_2025, D, family, member


def test_standard_is_chosen_by_benefit_month() -> None:
    ps = PolicySet.from_rows(DEFAULT_POLICY_ROWS)
    assert ps.for_month(date(2025, 8, 31)).standard == D("1010.00")
    assert ps.for_month(date(2025, 9, 15)).standard == D("1045.00")
    assert ps.for_month(date(2020, 9, 1)).bianyuan_upper == D("1515")


def test_rows_from_database_mappings() -> None:
    rows = [
        {"key": r.key, "value": r.value, "effective_from": r.effective_from.isoformat(),
         "effective_to": r.effective_to.isoformat() if r.effective_to else None, "district": r.district or ""}
        for r in DEFAULT_POLICY_ROWS
    ]  # fmt: skip
    assert PolicySet.from_rows(rows).for_month(SEP_2025).bianyuan_grant == D("314.00")


def test_month_without_policy_names_key_and_month() -> None:
    with pytest.raises(PolicyError) as err:
        PolicySet.from_rows(DEFAULT_POLICY_ROWS).for_month(date(2019, 5, 1))
    assert "2019年05月" in err.value.message and "dibao.standard" in err.value.message
    with pytest.raises(PolicyError):
        assess(family(member("m1")), date(2019, 5, 1))


def test_overlapping_and_bad_rows_are_refused() -> None:
    extra = PolicyRow("dibao.standard", "1100", date(2025, 10, 1))
    with pytest.raises(PolicyError, match="重叠"):
        PolicySet.from_rows([*DEFAULT_POLICY_ROWS, extra])
    with pytest.raises(PolicyError, match="不是数字"):
        PolicySet.from_rows([PolicyRow("dibao.standard", "abc", date(2025, 1, 1))])
    with pytest.raises(PolicyError, match="未知的政策参数"):
        PolicySet.from_rows([PolicyRow("dibao.nonsense", "1", date(2025, 1, 1))])


def test_a_new_standard_is_a_new_row() -> None:
    # close the 2025 row and add 1100 from 2026-09: Sep 2026 single person no income → 1100
    rows = [r if not (r.key == "dibao.standard" and r.effective_to is None)
            else PolicyRow(r.key, r.value, r.effective_from, date(2026, 8, 31)) for r in DEFAULT_POLICY_ROWS]  # fmt: skip
    rows.append(PolicyRow("dibao.standard", "1100", date(2026, 9, 1)))
    h = family(member("m1", work_capacity="none"))
    assert assess(h, date(2026, 9, 1), PolicySet.from_rows(rows)).programmes["dibao"].amount == D(
        "1100.00"
    )


@pytest.mark.parametrize(
    ("household", "field"),
    [
        (family(member("m1", age=None)), "家庭成员 m1 的出生日期"),
        (family(member("m1", birth_date=date(1980, 1, 1), age=30)), "家庭成员 m1 的年龄"),
        (family(member("m1"), member("m2", relation="applicant")), "与申请人关系"),
        (
            family(member("m1", employment="employed", work_capacity="none")),
            "家庭成员 m1 的就业状况",
        ),
        (family(member("m1", illness="flu")), "家庭成员 m1 的疾病类别"),
        (family(member("m1", disability_type="physical")), "家庭成员 m1 的残疾等级"),
        (family(member("m1"), incomes=(IncomeItem("m9", None, "wage", D("1")),)), "收入明细的成员"),
        (family(member("m1"), incomes=(IncomeItem("m1", None, "wage", D("-1")),)), "收入金额"),
        (family(member("m1"), liquid_assets=(("deposit", D("-5")),)), "货币财产金额"),
        (family(), "家庭成员"),
    ],
)
def test_bad_household_raises_validation_error_naming_the_field(household, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as err:
        assess(household, SEP_2025)
    assert err.value.field == field
