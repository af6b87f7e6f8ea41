"""Shared look-ups of the support tests: families of the demo office in payment or open."""

from __future__ import annotations

from sqlalchemy import select

from desktop.services.base import Actor
from desktop.services.support.common import PAYING_CODES
from desktop.store.models import Application
from desktop.store.store import Store


def paid_families(store: Store, actor: Actor) -> list[str]:
    """Households the actor's office pays (its registration families in payment)."""
    with store.sessions.read() as s:
        return sorted(set(s.scalars(
            select(Application.household_id).where(
                Application.state.in_(PAYING_CODES), Application.deleted.is_(False),
                Application.hukou_office_id == actor.office_id,
            )
        )))  # fmt: skip


def open_cases(store: Store, actor: Actor) -> list[tuple[str, str]]:
    """(application id, household id) of cases living at the actor's office, one per family,
    the investigating ones first."""
    with store.sessions.read() as s:
        rows = s.execute(
            select(Application.id, Application.household_id, Application.state).where(
                Application.deleted.is_(False), Application.residence_office_id == actor.office_id,
            ).order_by(Application.number)
        ).all()  # fmt: skip
    out: dict[str, str] = {}
    for app_id, household_id, _state in sorted(rows, key=lambda r: r[2] != "investigating"):
        out.setdefault(household_id, app_id)
    return [(a, h) for h, a in out.items()]
