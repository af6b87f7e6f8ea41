"""Helpers of the sync-client tests: office ids by code and a household of two offices."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.store.models import Household, Office
from desktop.store.store import Store
from tests.sync_client.conftest import Linked


def office_id(store: Store, code: str) -> str:
    with store.sessions.read() as s:
        found = s.scalar(select(Office.id).where(Office.code == code))
    assert found is not None, code
    return found


def new_household(
    desk: Linked, residence: str, hukou: str, id_number: str = "120101199001011239"
) -> str:
    """A household with one applicant, registered through the service (queued in the outbox)."""
    view = create_household(
        desk.store,
        desk.clerk,
        HouseholdInput(
            office_id(desk.store, residence),
            office_id(desk.store, hukou),
            "天津市河西区友谊路街道紫金山路12号3-201",
            community="紫金山社区",
            phone="13812345678",
            members=(PersonInput("张三丰", id_number, "applicant"),),
        ),
    )
    return view.id


def apply_for(desk: Linked, household_id: str) -> str:
    view = create_application(
        desk.store,
        desk.clerk,
        ApplicationInput(household_id, "dibao", date.today(), reason="因病致贫，生活困难"),
    )
    return view.id


def household(store: Store, household_id: str) -> Household | None:
    with store.sessions.read() as s:
        return s.get(Household, household_id)
