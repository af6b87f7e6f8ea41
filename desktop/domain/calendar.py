"""Working-day calendar: State Council holidays and make-up workdays plus office overrides.

Holidays come from the ``chinesecalendar`` package (import name ``chinese_calendar``), which
only knows the years it was released with (2004–2026 in 1.11) and raises for any other
year. This module never lets that escape: for an uncovered year it counts
Monday–Friday as working days, applies the office's own override table (date → workday or
holiday, e.g. next year's schedule entered by hand) and reports a Chinese warning the app can
show. Overrides always win over the package.

Counting convention used by every deadline: "within N working days of D" means the N-th
working day after D (D itself is not counted).
"""

from __future__ import annotations

import calendar as _pycal
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import chinese_calendar

from desktop.errors import ValidationError

WORKDAY = "workday"
HOLIDAY = "holiday"
_KIND_WORDS = {
    WORKDAY: True,
    "工作日": True,
    "上班": True,
    HOLIDAY: False,
    "休息日": False,
    "节假日": False,
    "休息": False,
}


class WorkCalendar:
    """Answers "is this a working day?" and counts working days; safe for any year.

    ``overrides`` maps a date to True (working day) or False (day off). Instances are
    immutable from the outside; year coverage is cached per instance.
    """

    __slots__ = ("_overrides", "_covered")

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._covered: dict[int, bool] = {}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[date, str]]) -> WorkCalendar:
        """Build from the office override table: rows of (date, "workday" | "holiday").

        Chinese words (工作日/上班, 休息日/节假日/休息) are accepted too; anything else raises
        ValidationError naming the field.
        """
        overrides: dict[date, bool] = {}
        for day, kind in rows:
            if not isinstance(day, date):
                raise ValidationError("调整日期", f"“{day}”不是日期")
            try:
                overrides[day] = _KIND_WORDS[str(kind).strip()]
            except KeyError:
                raise ValidationError(
                    "调整类型", f"“{kind}”应为工作日（workday）或休息日（holiday）"
                ) from None
        return cls(overrides)

    @property
    def overrides(self) -> dict[date, bool]:
        """A copy of the office override table."""
        return dict(self._overrides)

    def is_covered(self, year: int) -> bool:
        """Whether the holiday package knows the official schedule of ``year``."""
        known = self._covered.get(year)
        if known is None:
            try:
                chinese_calendar.is_workday(date(year, 6, 1))
                known = True
            except NotImplementedError:
                known = False
            self._covered[year] = known
        return known

    def is_workday(self, day: date) -> bool:
        """True when ``day`` is a working day (overrides first, then package, then weekdays)."""
        override = self._overrides.get(day)
        if override is not None:
            return override
        if self.is_covered(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        total = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                total += 1
        return total

    def next_workday(self, day: date) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def warning_for(self, start: date, end: date | None = None) -> str | None:
        """Chinese warning when any year in [start, end] lacks the official holiday schedule."""
        last = end or start
        first, last = min(start, last), max(start, last)
        missing = [y for y in range(first.year, last.year + 1) if not self.is_covered(y)]
        if not missing:
            return None
        years = "、".join(f"{y}年" for y in missing)
        own = sum(1 for d in self._overrides if d.year in missing)
        extra = f"已使用本单位录入的{own}条调整" if own else "本单位尚未录入调整"
        return (
            f"{years}的国务院节假日安排尚未收录，工作日暂按周一至周五计算（{extra}），"
            "期限可能不准确，请核对或补录节假日调整。"
        )


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later (or earlier), clamped to the month's last day, as legal
    periods and review cycles count: 1 月 31 日 + 1 month is 2 月 28 日 (29 in a leap year)."""
    year, month0 = divmod(day.year * 12 + (day.month - 1) + months, 12)
    last = _pycal.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def month_start(day: date, months: int = 0) -> date:
    """The 1st of the month ``months`` after (or before) ``day``'s month, as benefit months
    count: the day of the month never matters."""
    year, month0 = divmod(day.year * 12 + (day.month - 1) + months, 12)
    return date(year, month0 + 1, 1)


def first_of_next_month(day: date) -> date:
    """The 1st of the month after ``day`` (effective date of review outcomes)."""
    return month_start(day, 1)


def days_in_month(day: date) -> int:
    """Number of calendar days in ``day``'s month."""
    return _pycal.monthrange(day.year, day.month)[1]
