"""Fixtures of the policy-store tests: demo users, and a family entered through the ordinary
household, finance and application services (the way a window clerk enters one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from desktop.domain.ids import check_char
from desktop.services.base import Actor
from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.finances import AssetInput, IncomeInput, add_asset, add_income
from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.store.models import Application, AuditEvent, OutboxEntry
from desktop.store.policy_models import BenefitChangeRecord, BenefitRun
from desktop.store.store import Store
from tests.support import Desk


def make_id(born: date, seq: int, region: str = "120103") -> str:
    """A valid resident ID number (odd ``seq`` = male, even = female)."""
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


@dataclass(frozen=True)
class Family:
    household_id: str
    application_id: str
    person_ids: dict[str, str]


def enter_family(
    store: Store,
    actor: Actor,
    *,
    assistance_type: str = "dibao",
    applied_on: date = date(2025, 10, 8),
    income_months: tuple[date, ...] = (date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)),
    address: str = "河西区友谊路街道紫金山路88号2-301",
) -> Family:
    """The worked-example family: 张建国 (35, works, wage 1,500/month), 李秀兰 (33, physical
    disability level 2, no work capacity, 300/month of money not counted as income) and their
    son 张小明 (10, primary school); 10,000 yuan deposit and one 60 m² flat."""
    view = create_household(
        store,
        actor,
        HouseholdInput(
            actor.office_id,
            actor.office_id,
            address,
            community="友谊里社区",
            members=(
                PersonInput(
                    "张建国", make_id(date(1990, 1, 1), 11), "applicant", employment="employed"
                ),
                PersonInput(
                    "李秀兰",
                    make_id(date(1992, 3, 15), 22),
                    "spouse",
                    disability_type="physical",
                    disability_level=2,
                    work_capacity="none",
                ),
                PersonInput(
                    "张小明", make_id(date(2015, 5, 5), 33), "child", student_level="school"
                ),
            ),
        ),
    )
    ids = {m.name: m.id for m in view.members}
    for month in income_months:
        add_income(store, actor, view.id, IncomeInput("wage", month, "1500", ids["张建国"]))
        add_income(store, actor, view.id, IncomeInput("assistance", month, "300", ids["李秀兰"]))
    add_asset(store, actor, view.id, AssetInput("deposit", "10000"))
    add_asset(store, actor, view.id, AssetInput("dwelling", "0", floor_area="60"))
    app = create_application(
        store, actor, ApplicationInput(view.id, assistance_type, applied_on, reason="收入低")
    )
    return Family(view.id, app.id, ids)


def set_state(store: Store, application_id: str, state: str) -> None:
    """Test set-up only: put a case into a workflow state (reaching it is the workflow's job)."""
    with store.sessions.write() as s:
        app = s.get(Application, application_id)
        assert app is not None
        app.state = state


def counts(store: Store) -> dict[str, int]:
    """Rows in the tables a run or an assessment writes to."""
    with store.sessions.read() as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m)) or 0
            for m in (BenefitRun, BenefitChangeRecord, OutboxEntry, AuditEvent)
        }


@pytest.fixture
def supervisor(desk: Desk) -> tuple[Store, Actor]:
    return desk.as_user("supervisor")
