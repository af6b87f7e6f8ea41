"""Person identity across devices: the same ID number typed offline on two desks becomes one
person on the hub and on every desk (merged, histories kept), or a conflict when the two
records belong to two different households."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select, text

from desktop.services.family.finances import IncomeInput, add_income
from desktop.services.family.households import PersonInput, add_person, person_view, update_person
from desktop.store.models import AuditEvent, IncomeItem, Person
from desktop.store.store import Store
from sync.hub.server import HubThread
from sync.identity import MERGE_NOTICE
from sync.resolution import list_conflicts, resolve_conflict
from tests.sync_client.conftest import OFFICE_A, OFFICE_B, Linked
from tests.sync_client.helpers import new_household
from tests.sync_client.test_ui_sync import inline_ops  # noqa: F401 - fixture
from ui.main_window import MainWindow

SPOUSE_ID = "120101198503041003"
SPOUSE = PersonInput("李秀英", SPOUSE_ID, "spouse", phone="13900001111")


def hub_persons(hub: HubThread, number: str) -> list[tuple[str, bool, dict]]:
    """(id, deleted, payload) of every person record on the hub with this ID number."""
    with hub.app.state.database.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, deleted, payload FROM hub_records WHERE entity = 'person'")
        ).all()
    out = [(str(i), bool(d), json.loads(p)) for i, d, p in rows]
    return [r for r in out if r[2].get("id_number") == number]


def live_persons(store: Store, number: str) -> list[Person]:
    with store.sessions.read() as s:
        return list(
            s.scalars(select(Person).where(Person.id_number == number, Person.deleted.is_(False)))
        )


def person_row(store: Store, person_id: str) -> Person | None:
    with store.sessions.read() as s:
        return s.get(Person, person_id)


def household_notes(store: Store, household_id: str) -> list[str]:
    with store.sessions.read() as s:
        return list(
            s.scalars(
                select(AuditEvent.summary).where(
                    AuditEvent.entity_id == household_id, AuditEvent.action == "merge_person"
                )
            )
        )


def audited(store: Store, person_id: str) -> list[str]:
    with store.sessions.read() as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == person_id)))


def _add_spouse(desk: Linked, household_id: str, amount: str) -> tuple[str, str]:
    person = add_person(desk.store, desk.clerk, household_id, SPOUSE)
    month = date.today().replace(day=1)
    income = add_income(
        desk.store, desk.clerk, household_id, IncomeInput("wage", month, amount, person.id)
    )
    return person.id, income.id


@pytest.mark.parametrize("first", ["residence", "registration"])
def test_same_member_typed_on_two_desks_becomes_one_person(
    desk, desk_b, linker, hub, first
) -> None:
    a = linker(desk, OFFICE_A)
    b = linker(desk_b, OFFICE_B)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    assert a.sync().ok and b.sync().ok  # both desks hold the household

    # offline, both offices register the same spouse with an income of her
    pa, ia = _add_spouse(a, hid, "1200")
    pb, ib = _add_spouse(b, hid, "1300")
    early, late = (a, b) if first == "residence" else (b, a)
    survivor, merged = (pa, pb) if first == "residence" else (pb, pa)
    merged_income = ib if first == "residence" else ia

    one = early.sync()
    two = late.sync()
    three = early.sync()
    for result in (one, two, three):
        assert result.ok, result.text()
    # the later desk learns it from the push answer, the earlier one from the pull
    assert len(two.merged) == 1 and MERGE_NOTICE in two.text()
    assert len(three.merged) == 1 and MERGE_NOTICE in three.text()
    assert "1003" in two.merged[0] and SPOUSE_ID not in two.merged[0]  # masked

    # the hub: one live person for the number; the other a tombstone naming the survivor
    on_hub = hub_persons(hub, SPOUSE_ID)
    assert sorted((i, d) for i, d, _p in on_hub) == sorted([(survivor, False), (merged, True)])
    assert next(p for i, _d, p in on_hub if i == merged)["merged_into"] == survivor

    for desk_ in (a, b):
        live = live_persons(desk_.store, SPOUSE_ID)
        assert [p.id for p in live] == [survivor]
        gone = person_row(desk_.store, merged)
        assert gone is not None and gone.deleted and gone.merged_into == survivor
        with desk_.store.sessions.read() as s:
            refs = {i.id: i.person_id for i in s.scalars(select(IncomeItem))}
        assert refs[ia] == refs[ib] == survivor  # both incomes now name the survivor
        assert (
            household_notes(desk_.store, hid)
            and MERGE_NOTICE in household_notes(desk_.store, hid)[0]
        )
    # both histories are kept: the merged record's registration stays in its desk's log
    late_store = late.store
    assert "add_person" in audited(late_store, merged)
    assert "add_person" in audited(early.store, survivor)
    with hub.app.state.database.engine.connect() as conn:
        income = conn.execute(
            text("SELECT payload FROM hub_records WHERE entity = 'income_item' AND id = :i"),
            {"i": merged_income},
        ).scalar()
    assert json.loads(income)["person_id"] == survivor

    # after convergence both desks can edit the person, and the edit travels
    for desk_, phone in ((a, "13900002222"), (b, "13900003333")):
        view = update_person(desk_.store, desk_.clerk, survivor, replace(SPOUSE, phone=phone))
        assert view.phone == phone
        assert desk_.sync().ok
        other = b if desk_ is a else a
        assert other.sync().ok
        row = person_row(other.store, survivor)
        assert row is not None and person_view(row, desk_.clerk).phone == phone
    for desk_ in (a, b):
        assert not list_conflicts(desk_.store, desk_.clerk)
        assert len(live_persons(desk_.store, SPOUSE_ID)) == 1
        assert len(household_notes(desk_.store, hid)) == 1  # one notice, however it arrived


def test_same_number_in_two_households_is_a_conflict_to_resolve(desk, desk_b, linker) -> None:
    a = linker(desk, OFFICE_A)
    b = linker(desk_b, OFFICE_B)
    h1 = new_household(a, OFFICE_A, OFFICE_B)
    assert a.sync().ok and b.sync().ok
    h2 = new_household(b, OFFICE_A, OFFICE_B, id_number="120101198503041038")
    pa = add_person(a.store, a.clerk, h1, SPOUSE).id
    pb = add_person(b.store, b.clerk, h2, replace(SPOUSE, relation="spouse")).id
    assert a.sync().ok
    second = b.sync()
    assert second.conflicts == 1 and not second.merged  # never merged silently
    [conflict] = list_conflicts(b.store, b.clerk)
    assert conflict.entity == "person" and conflict.entity_id == pb
    household = next(f for f in conflict.differing if f.key == "household_id")
    assert (household.local, household.remote) == (h2, h1)
    assert len(live_persons(b.store, SPOUSE_ID)) == 2  # nothing removed before a person decides

    # the person decides it is the other family's member: taking the hub's household merges
    resolve_conflict(b.store, b.clerk, conflict.id, {f.key: "remote" for f in conflict.differing})
    assert b.sync().ok and a.sync().ok
    for desk_ in (a, b):
        assert [p.id for p in live_persons(desk_.store, SPOUSE_ID)] == [pa]
        assert person_row(desk_.store, pb).merged_into == pa  # type: ignore[union-attr]


@pytest.mark.usefixtures("inline_ops")
def test_second_pc_of_one_office_merges_and_the_sync_tab_says_so(
    qtbot, desk, second_desk, linker
) -> None:
    one = linker(desk, OFFICE_A)
    two = linker(second_desk, OFFICE_A)
    hid = new_household(one, OFFICE_A, OFFICE_B)
    assert one.sync().ok and two.sync().ok
    survivor, _ = _add_spouse(one, hid, "1200")
    merged, _ = _add_spouse(two, hid, "1200")
    # the second PC also corrects its own copy before it syncs: that edit is merged too
    update_person(two.store, two.clerk, merged, replace(SPOUSE, phone="13900009999"))
    assert one.sync().ok

    window = MainWindow(two.store, two.clerk)
    qtbot.addWidget(window)
    window.sync_action.trigger()
    assert window.sync.last is not None and window.sync.last.ok
    assert len(window.sync.last.merged) == 1
    window.sync_panel.refresh()
    assert MERGE_NOTICE in window.sync_panel.status_label.text()
    assert one.sync().ok

    for desk_ in (one, two):
        assert [p.id for p in live_persons(desk_.store, SPOUSE_ID)] == [survivor]
        row = person_row(desk_.store, merged)
        assert row is not None and row.deleted and row.merged_into == survivor
        assert len(household_notes(desk_.store, hid)) == 1
        assert not list_conflicts(desk_.store, desk_.clerk)
    assert "update_person" in audited(two.store, merged)  # the merged record's edit is kept
    view = update_person(one.store, one.clerk, survivor, replace(SPOUSE, phone="13900004444"))
    assert view.phone == "13900004444" and one.sync().ok and two.sync().ok
    row = person_row(two.store, survivor)
    assert row is not None and row.phone == "13900004444"


def test_another_offices_family_is_named_without_its_data(desk, desk_b, linker) -> None:
    a = linker(desk, OFFICE_A)
    b = linker(desk_b, OFFICE_B)
    h1 = new_household(a, OFFICE_A, OFFICE_A)  # a family of office A only
    add_person(a.store, a.clerk, h1, SPOUSE)
    assert a.sync().ok
    h2 = new_household(b, OFFICE_B, OFFICE_B, id_number="120101198503041038")
    pb = add_person(b.store, b.clerk, h2, replace(SPOUSE, phone="13900005555")).id
    result = b.sync()
    assert result.conflicts == 1 and not result.merged
    [conflict] = list_conflicts(b.store, b.clerk)
    assert conflict.entity_id == pb
    # only the household differs: office B learns nothing of office A's family member
    assert [f.key for f in conflict.differing] == ["household_id"]
    assert all(f.remote != "13900001111" for f in conflict.fields)
