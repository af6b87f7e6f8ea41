"""Payment rules: rounding, first-month proration by the payment-start switch, 渐退 schedule."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from desktop.domain.calendar import first_of_next_month, month_start
from desktop.domain.policy.result import Reason, yuan
from desktop.domain.policy.tables import MonthPolicy
from desktop.errors import ValidationError
from desktop.money import round_money

ZERO = Decimal("0.00")


def round_benefit(amount: Decimal, mp: MonthPolicy) -> Decimal:
    """Round a monthly benefit by the configured rule and unit (never below zero)."""
    if amount <= 0:
        return ZERO
    return round_money(amount, mp.rounding_rule, mp.rounding_unit)


def first_month_payment(
    monthly: Decimal, decision_date: date, mp: MonthPolicy
) -> tuple[date, Decimal, Reason]:
    """Payment start and the amount for the benefit month ``mp.month`` given the decision date.

    With ``decision_date`` as switch the decision month is prorated by calendar days
    (decision day included); with ``next_month`` nothing is paid for the decision month.
    """
    month = mp.month
    start = (
        first_of_next_month(decision_date) if mp.payment_start == "next_month" else decision_date
    )
    if (start.year, start.month) > (month.year, month.month):
        return (
            start,
            ZERO,
            Reason("payment.start", f"救助金自 {start.isoformat()} 起发放，本月不发放", None),
        )
    if (start.year, start.month) < (month.year, month.month) or start.day == 1:
        return (
            start,
            monthly,
            Reason("payment.start", f"救助金自 {start.isoformat()} 起发放，本月全额", None),
        )
    days = calendar.monthrange(month.year, month.month)[1]
    paid_days = days - start.day + 1
    amount = round_benefit(monthly * paid_days / days, mp)
    return (
        start,
        amount,
        Reason(
            "payment.proration",
            f"首月按天折算：{yuan(monthly)} 元 × {paid_days}/{days} 天 = {yuan(amount)} 元",
            None,
        ),
    )


def gradual_exit_schedule(
    amount: Decimal, first_month: date, months: int
) -> list[tuple[date, Decimal]]:
    """渐退: the current benefit continues unchanged for ``months`` months, then stops."""
    if amount < 0:
        raise ValidationError("渐退期救助金", "不能为负数", "negative")
    if months < 0:
        raise ValidationError("渐退期（月）", "不能为负数", "negative")
    start = first_month.replace(day=1)
    return [(month_start(start, i), amount) for i in range(months)]
