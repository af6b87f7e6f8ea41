"""A purchased-service provider (购买服务机构) is a role of its own: it sees and fills only the
families assigned to it — a third-party survey company fills home surveys for its cases and
nothing else — enforced by the core scope check for every caller."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from desktop.errors import PermissionDenied, ValidationError
from desktop.services.accounts.auth import list_users
from desktop.services.cases.surveys import save_survey_draft, survey_for_form
from desktop.services.family.households import get_household
from desktop.services.family.search import CaseFilter, count_cases, fetch_cases
from desktop.services.support.policy_menu import list_policies
from desktop.services.support.programmes import list_programmes
from desktop.services.support.purchased import (
    ServiceInput,
    add_service_record,
    assign_provider_households,
    list_services,
    my_assigned_households,
)
from desktop.services.support.referrals import list_referrals, make_referral
from desktop.store.models import Application
from tests.beyond_cash.helpers import open_cases
from tests.support import Desk


def test_a_provider_sees_only_its_assigned_families(desk: Desk) -> None:
    store, admin = desk.as_user("admin")
    _, provider = desk.as_user("provider")
    _, clerk = desk.as_user("clerk")
    cases = open_cases(store, admin)
    assert len(cases) >= 4
    (mine_app, mine), (other_app, other) = cases[0], cases[-1]
    assert mine != other
    assign_provider_households(store, admin, provider.user_id, [mine])
    assert my_assigned_households(store, provider) == [mine]
    # lists: only the assigned family's cases
    rows = fetch_cases(store, provider, CaseFilter(), 0, 500)
    with store.sessions.read() as s:
        theirs = set(s.scalars(select(Application.id).where(Application.household_id == mine)))
    assert {r.id for r in rows} == theirs and mine_app in theirs
    assert count_cases(store, provider, CaseFilter()) == len(rows) >= 1
    assert count_cases(store, clerk, CaseFilter()) > len(rows)
    # one family: its own yes, another no — whatever service is asked
    assert get_household(store, provider, mine).id == mine
    for call in (
        lambda: get_household(store, provider, other),
        lambda: survey_for_form(store, provider, other_app),
        lambda: save_survey_draft(store, provider, other_app, visited_on=date.today()),
        lambda: list_referrals(store, provider, other),
    ):
        with pytest.raises(PermissionDenied, match="未分配给您|无权"):
            call()
    # it fills the home survey of its assigned case
    draft = save_survey_draft(
        store,
        provider,
        mine_app,
        visited_on=date.today(),
        surveyors=["第三方调查员甲", "第三方调查员乙"],
    )
    assert draft.application_id == mine_app
    # and nothing beyond: the office's catalogues, referrals, other families' records
    for call in (
        lambda: list_policies(store, provider),
        lambda: list_programmes(store, provider),
        lambda: make_referral(store, provider, mine, "x", "y", date.today()),
    ):
        with pytest.raises(PermissionDenied, match="购买服务机构无权"):
            call()


def test_a_provider_records_services_for_its_families_only(desk: Desk) -> None:
    store, admin = desk.as_user("admin")
    _, provider = desk.as_user("provider")
    today = date.today()
    service = next(s for s in list_services(store, admin) if s.item == "care")
    cases = open_cases(store, admin)
    mine, other = cases[0][1], cases[-1][1]
    assign_provider_households(store, admin, provider.user_id, [mine], service.id)
    record = add_service_record(
        store, provider, mine, service.id, today, hours="1.5", value="45", note="上门助浴"
    )
    assert record.recorded_by == provider.display_name
    with pytest.raises(PermissionDenied, match="未分配给您"):
        add_service_record(store, provider, other, service.id, today, note="上门助浴")
    with pytest.raises(ValidationError) as caught:
        add_service_record(
            store, provider, mine, service.id, date(today.year - 1, 6, 1), note="上门助浴"
        )
    assert caught.value.field == "服务日期"
    spent = next(s for s in list_services(store, admin) if s.id == service.id).spent
    assert spent >= record.value
    # only a provider's user gets families, and only the administrator gives them
    clerk = next(u for u in list_users(store) if u.role == "clerk")
    with pytest.raises(ValidationError, match="只能给购买服务机构"):
        assign_provider_households(store, admin, clerk.id, [mine])
    with pytest.raises(PermissionDenied):
        assign_provider_households(store, provider, provider.user_id, [other])
    with pytest.raises(ValidationError) as caught:
        from desktop.services.support.purchased import save_service

        save_service(
            store,
            admin,
            ServiceInput(
                "care",
                "某机构",
                today,
                today.replace(day=1) if today.day > 1 else date(today.year - 1, 12, 31),
                "100",
            ),
        )
    assert caught.value.field == "服务期止"


def test_a_provider_manages_its_own_session(desk: Desk) -> None:
    """Its own password and the idle lock are the provider's too, like every staff user's."""
    from desktop.demo_data import PASSWORDS
    from desktop.services.accounts.auth import change_password, unlock

    store, provider = desk.as_user("provider")
    unlock(store, provider, PASSWORDS["provider"][2])
    change_password(store, provider, PASSWORDS["provider"][2], "Provider-New-2026!")
    store.close()
    from desktop.services.accounts.auth import login

    again, who = login(desk.folder, "provider", "Provider-New-2026!")
    try:
        assert who.role.value == "provider"
    finally:
        again.close()
