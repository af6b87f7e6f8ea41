"""Working-day calendar: 2026 holidays and make-up days, 2027 fallback, office overrides."""

from datetime import date

import pytest

from desktop.domain.calendar import WorkCalendar, add_months, first_of_next_month, month_start
from desktop.errors import ValidationError

CAL = WorkCalendar()


def test_spring_festival_2026_holiday_and_makeup_saturdays() -> None:
    assert not any(CAL.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert CAL.is_workday(date(2026, 2, 14))  # Saturday make-up workday
    assert CAL.is_workday(date(2026, 2, 28))  # Saturday make-up workday
    assert CAL.is_workday(date(2026, 2, 24))


def test_counting_across_spring_festival() -> None:
    # Friday 13 Feb: the 3rd working day after is Sat 14, Tue 24, Wed 25 → Wed 25 Feb.
    assert CAL.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    assert CAL.working_days_between(date(2026, 2, 28), date(2026, 2, 13)) == -6
    assert CAL.next_workday(date(2026, 2, 15)) == date(2026, 2, 24)


def test_national_day_2026() -> None:
    assert not any(CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_workday(date(2026, 10, 10))  # Saturday make-up workday
    assert not CAL.is_workday(date(2026, 10, 11))
    assert CAL.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_covered_year_has_no_warning() -> None:
    assert CAL.is_covered(2026)
    assert CAL.warning_for(date(2026, 1, 1), date(2026, 12, 31)) is None


def test_uncovered_year_falls_back_to_weekdays_with_warning() -> None:
    assert not CAL.is_covered(2027)
    assert CAL.is_workday(date(2027, 1, 1))  # a Friday: nothing known about New Year
    assert not CAL.is_workday(date(2027, 1, 2))
    # Thu 24 Dec 2026: 25 (1), 28–31 (5), Fri 1 Jan 2027 counted as workday (6).
    assert CAL.add_working_days(date(2026, 12, 24), 6) == date(2027, 1, 1)
    warning = CAL.warning_for(date(2026, 12, 24), date(2027, 1, 8))
    assert warning is not None
    assert "2027年" in warning and "周一至周五" in warning and "尚未录入" in warning


def test_office_override_for_next_year() -> None:
    cal = WorkCalendar.from_rows([(date(2027, 1, 1), "holiday"), (date(2027, 1, 2), "上班")])
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 2))
    assert cal.add_working_days(date(2026, 12, 24), 6) == date(2027, 1, 2)
    assert "已使用本单位录入的2条调整" in (cal.warning_for(date(2027, 1, 1)) or "")


def test_override_wins_over_package_in_a_covered_year() -> None:
    cal = WorkCalendar({date(2026, 3, 2): False})
    assert not cal.is_workday(date(2026, 3, 2))
    assert cal.overrides == {date(2026, 3, 2): False}


def test_bad_override_rows_name_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        WorkCalendar.from_rows([(date(2027, 1, 1), "maybe")])
    assert err.value.field == "调整类型"
    with pytest.raises(ValidationError):
        WorkCalendar.from_rows([("2027-01-01", "holiday")])  # type: ignore[list-item]


def test_years_before_2004_do_not_crash() -> None:
    assert CAL.is_workday(date(2003, 6, 2))
    assert CAL.warning_for(date(2003, 6, 2)) is not None


def test_month_helpers() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
    assert first_of_next_month(date(2026, 12, 15)) == date(2027, 1, 1)


def test_month_arithmetic_at_month_ends() -> None:
    """Legal periods and review cycles keep the day (clamped); benefit months start on the 1st."""
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 31), 1) == date(2027, 1, 31)
    assert add_months(date(2026, 1, 31), -13) == date(2024, 12, 31)
    assert add_months(date(2026, 5, 30), 0) == date(2026, 5, 30)
    assert month_start(date(2026, 1, 31), 1) == date(2026, 2, 1)
    assert month_start(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert month_start(date(2026, 1, 15), -1) == date(2025, 12, 1)
    assert month_start(date(2026, 3, 31), -12) == date(2025, 3, 1)
    assert month_start(date(2026, 3, 31)) == date(2026, 3, 1)
    assert first_of_next_month(date(2026, 1, 31)) == date(2026, 2, 1)
