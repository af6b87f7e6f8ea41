"""Checks shared by the support services: dates and periods, families in payment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.workflow.model import PAYING_STATES
from desktop.errors import NotFound, ValidationError
from desktop.store.models import Application, Household

PAYING_CODES = sorted(s.value for s in PAYING_STATES)


def require_date(value: object, field: str) -> date:
    """A ``date`` (ISO text accepted), else a ValidationError naming ``field``."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        raise ValidationError(field, f"“{value}”不是有效的日期（例如 2026-01-01）") from None


def check_period(start: object, end: object, start_field: str, end_field: str) -> tuple[date, date]:
    """A period whose end is not before its start."""
    a, b = require_date(start, start_field), require_date(end, end_field)
    if b < a:
        raise ValidationError(end_field, f"不能早于{start_field}（{a.isoformat()}）")
    return a, b


def live_household(session: Session, household_id: str) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotFound("该家庭不存在或已删除")
    return household


def paid_assistance(session: Session, household_id: str) -> frozenset[str]:
    """The assistance types the family is paid now (在保: 发放中 or 渐退期)."""
    return frozenset(
        session.scalars(
            select(Application.assistance_type).where(
                Application.household_id == household_id,
                Application.deleted.is_(False),
                Application.state.in_(PAYING_CODES),
            )
        )
    )
