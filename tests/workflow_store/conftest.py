"""Fixtures for the workflow store tests: a second office with its own staff, fresh cases."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from desktop.demo_data import PASSWORDS
from desktop.domain.ids import check_char
from desktop.services.accounts.auth import OfficeInput, create_office, create_user, login
from desktop.services.base import Actor
from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.store.models import AuditEvent, OutboxEntry
from desktop.store.store import Store
from desktop.store.workflow_models import CaseEvent, ReserveFundEntry
from tests.support import TEST_KDF, Desk

HUKOU_CODE = "120101901"
PASSWORD = "Hukou2026!x"


@dataclass
class Offices:
    """Actors at the demo (residence) office and at a second (hukou) office."""

    store: Store
    clerk: Actor
    surveyor: Actor
    supervisor: Actor
    admin: Actor
    h_clerk: Actor
    h_supervisor: Actor
    h_surveyor: Actor
    hukou_office_id: str


@pytest.fixture
def offices(desk: Desk) -> Offices:
    store, admin = desk.as_user("admin")
    office_id = create_office(
        store,
        admin,
        OfficeInput(
            code=HUKOU_CODE, name="和平区测试街道", district="和平区", region_code="120101"
        ),
    )
    for name, role in (("hclerk", "clerk"), ("hsuper", "supervisor"), ("hsurvey", "surveyor")):
        create_user(
            store, admin, username=name, display_name=f"户籍{role}", role=role,
            password=PASSWORD, office_id=office_id, kdf=TEST_KDF,
        )  # fmt: skip
    actors = {}
    for name in ("hclerk", "hsuper", "hsurvey"):
        s, actor = login(desk.folder, name, PASSWORD)
        desk._opened.append(s)
        actors[name] = actor
    return Offices(
        store,
        desk.as_user("clerk")[1],
        desk.as_user("surveyor")[1],
        desk.as_user("supervisor")[1],
        admin,
        actors["hclerk"],
        actors["hsuper"],
        actors["hsurvey"],
        office_id,
    )


_SEQ = itertools.count(1)


def _new_id(index: int) -> str:
    """A valid, unused ID number (born 1949 so the demo generator never made it)."""
    first17 = f"120103194901{(index % 28) + 1:02d}{next(_SEQ) % 1000:03d}"
    return first17 + check_char(first17)


def new_household(
    o: Offices, *, split: bool = True, names: tuple[str, ...] = ("周建国", "李秀英")
) -> str:
    """A household living at the demo office, registered at the hukou office when ``split``."""
    members = [
        PersonInput(n, _new_id(i), "applicant" if i == 0 else "spouse") for i, n in enumerate(names)
    ]
    data = HouseholdInput(
        residence_office_id=o.clerk.office_id,
        hukou_office_id=o.hukou_office_id if split else o.clerk.office_id,
        address="天津市河西区友谊路街道紫金山路8号1-101",
        community="幸福里社区",
        members=tuple(members),
    )
    return create_household(o.store, o.clerk, data).id


def new_application(o: Offices, kind: str, applied_on: date, *, split: bool = True) -> str:
    household = new_household(o, split=split)
    app = create_application(o.store, o.clerk, ApplicationInput(household, kind, applied_on))
    return app.id


def counts(store: Store) -> tuple[int, int, int, int]:
    """(case events, outbox entries, audit events, fund entries) for before/after checks."""
    with store.sessions.read() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(m)) or 0
            for m in (CaseEvent, OutboxEntry, AuditEvent, ReserveFundEntry)
        )


__all__ = ["PASSWORDS"]
