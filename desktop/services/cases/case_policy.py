"""Policy values the workflow services need (payment start rule, 临时救助 cap), read from the
store's dated policy rows when that table exists, else from the engine's default rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.domain.policy.defaults import DEFAULT_POLICY_ROWS
from desktop.domain.policy.tables import PolicySet, parse_value
from desktop.errors import PolicyError
from desktop.money import round_money

PAY_FROM_KEY = "payment.start"
CAP_MONTHS_KEY = "linshi.cap_months"
STANDARD_KEY = "dibao.standard"


@cache
def _defaults() -> PolicySet:
    return PolicySet(DEFAULT_POLICY_ROWS)


def _has_policy_table(session: Session) -> bool:
    found = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='policy_rows'")
    ).first()
    return found is not None


def policy_value(session: Session, key: str, day: date, district: str | None) -> object:
    """The value of ``key`` in force on ``day`` (district row first, then the city row)."""
    if _has_policy_table(session):
        row = session.execute(
            text(
                "SELECT value FROM policy_rows WHERE key = :k AND effective_from <= :d "
                "AND (effective_to IS NULL OR effective_to >= :d) "
                "AND (district = :r OR district IS NULL) "
                "ORDER BY district IS NULL, effective_from DESC LIMIT 1"
            ),
            {"k": key, "d": day.isoformat(), "r": district},
        ).first()
        if row is not None:
            return parse_value(key, row[0])
    try:
        return _defaults().value(key, day, district)
    except PolicyError:
        raise PolicyError(f"{day.isoformat()}没有政策参数“{key}”的有效数据") from None


def pay_from_rule(session: Session, day: date, district: str | None) -> str:
    """救助金起发规则 (decision_date / next_month) in force on the decision day."""
    return str(policy_value(session, PAY_FROM_KEY, day, district))


def emergency_cap(session: Session, day: date, district: str | None) -> Decimal:
    """Street-office approval cap of 临时救助: cap months × the 低保 standard in force."""
    months = Decimal(str(policy_value(session, CAP_MONTHS_KEY, day, district)))
    standard = Decimal(str(policy_value(session, STANDARD_KEY, day, district)))
    return round_money(months * standard)
