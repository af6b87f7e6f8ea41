"""Policy rows stored as data: seeded by the migration, added and corrected by an admin only,
validated over the whole table, and a new year's standard changes only later months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop.domain.policy import DEFAULT_POLICY_ROWS
from desktop.errors import PermissionDenied, PolicyError, ValidationError
from desktop.services.cases.assessment import assess_application
from desktop.services.policy.policy_admin import (
    PolicyRowInput,
    add_policy_row,
    correct_policy_row,
    list_policy_rows,
    load_policy,
    rows_of,
)
from desktop.store.models import AuditEvent
from tests.policy_store.conftest import counts, enter_family

NEW_STANDARD = PolicyRowInput(
    "dibao.standard", "1100", date(2026, 9, 1), source="[TJ] 2026年低保标准调整通知（测试）"
)


def _key(r):  # type: ignore[no-untyped-def]
    return (r.key, r.value, r.effective_from, r.effective_to, r.district, r.source)


def test_migration_seeds_exactly_the_default_rows(admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    stored = rows_of(list_policy_rows(store, actor))
    assert sorted(map(_key, stored)) == sorted(map(_key, DEFAULT_POLICY_ROWS))
    assert load_policy(store).for_month(date(2025, 9, 1)).standard == Decimal("1045.00")


def test_new_standard_applies_from_its_month_only(admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    family = enter_family(store, actor)
    before = {
        m: assess_application(store, actor, family.application_id, m).amount
        for m in (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1))
    }
    add_policy_row(store, actor, NEW_STANDARD)
    after = {
        m: assess_application(store, actor, family.application_id, m).amount
        for m in (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1))
    }
    # 3 × standard − family income 1,088 (see test_household_facts): 3,135 − 1,088 = 2,047
    # under 1,045; 3,300 − 1,088 = 2,212 under the new 1,100.
    assert before == dict.fromkeys(before, Decimal("2047.00"))
    assert after[date(2026, 8, 1)] == Decimal("2047.00"), "an old decision recomputes identically"
    assert after[date(2026, 9, 1)] == after[date(2026, 10, 1)] == Decimal("2212.00")
    old = [r for r in list_policy_rows(store, actor, "dibao.standard") if r.value == "1045"]
    assert old[0].effective_to == date(2026, 8, 31), "the open row closes the day before"


def test_overlapping_row_is_refused_and_nothing_is_stored(admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    add_policy_row(store, actor, NEW_STANDARD)
    rows_before, audit_before = list_policy_rows(store, actor), counts(store)["audit_events"]
    clash = PolicyRowInput(
        "dibao.standard", "1090", date(2026, 3, 1), date(2026, 12, 31), source="重复录入"
    )
    with pytest.raises(ValidationError) as err:
        add_policy_row(store, actor, clash)
    assert err.value.field == "生效日期" and "重叠" in err.value.detail
    assert list_policy_rows(store, actor) == rows_before
    assert counts(store)["audit_events"] == audit_before
    assert load_policy(store).for_month(date(2026, 5, 1)).standard == Decimal("1045.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (PolicyRowInput("dibao.standrad", "1100", date(2026, 9, 1), source="x"), "政策参数"),
        (PolicyRowInput("dibao.standard", "-5", date(2026, 9, 1), source="x"), "参数值"),
        (PolicyRowInput("dibao.standard", "1100", date(2026, 9, 15), source="x"), "生效日期"),
        (PolicyRowInput("dibao.standard", "1100", date(2026, 9, 1), source=""), "依据来源"),
        (
            PolicyRowInput("linshi.cap_months", "8", date(2026, 9, 1), None, "12010", "x"),
            "适用地区",
        ),
    ],
)
def test_bad_rows_name_the_field(admin, data, field) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    with pytest.raises(ValidationError) as err:
        add_policy_row(store, actor, data)
    assert err.value.field == field
    assert len(list_policy_rows(store, actor)) == len(DEFAULT_POLICY_ROWS)


@pytest.mark.parametrize("username", ["clerk", "supervisor", "surveyor", "coordinator"])
def test_only_an_admin_changes_policy(desk, username) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user(username)
    with pytest.raises(PermissionDenied):
        add_policy_row(store, actor, NEW_STANDARD)
    row = list_policy_rows(store, actor, "dibao.standard")[0]
    with pytest.raises(PermissionDenied):
        correct_policy_row(store, actor, row.id, value="999", reason="试图修改")
    assert len(list_policy_rows(store, actor)) == len(DEFAULT_POLICY_ROWS)


def test_district_row_beats_the_city_row(admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    add_policy_row(
        store,
        actor,
        PolicyRowInput("linshi.cap_months", "8", date(2026, 1, 1), None, "120105", "[S] 河北区"),
    )
    policy = load_policy(store)
    assert policy.for_month(date(2026, 3, 1), "120105").linshi_cap == Decimal("8360.00")
    assert policy.for_month(date(2026, 3, 1), "120103").linshi_cap == Decimal("6270.00")


def test_correction_is_audited_and_seen_by_every_open_store(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("admin")
    other, _ = desk.as_user("clerk")  # a second connection to the same file
    assert load_policy(other).for_month(date(2025, 10, 1)).standard == Decimal("1045.00")
    row = next(r for r in list_policy_rows(store, actor, "dibao.standard") if r.value == "1045")
    view = correct_policy_row(store, actor, row.id, value="1046", reason="录入错误更正")
    assert view.value == "1046" and view.changed_by == actor.display_name
    assert load_policy(other).for_month(date(2025, 10, 1)).standard == Decimal("1046.00")
    with store.sessions.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "correct_policy_row")).one()
    assert event.data["before"]["value"] == "1045" and event.data["after"]["value"] == "1046"
    assert "录入错误更正" in event.summary


def test_month_without_policy_raises_and_stores_nothing(admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    family = enter_family(store, actor)
    before = counts(store)
    with pytest.raises(PolicyError) as err:
        assess_application(store, actor, family.application_id, date(2019, 5, 1))
    assert "2019年05月" in err.value.message
    assert counts(store) == before
