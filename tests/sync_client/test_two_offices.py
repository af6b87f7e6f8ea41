"""一城通办 through the hub: the residence office registers, the registration office sees it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from desktop.services.family.households import HouseholdInput, get_household, update_household
from desktop.store.models import Application, OutboxEntry, Person
from tests.sync_client.conftest import OFFICE_A, OFFICE_B
from tests.sync_client.helpers import apply_for, household, new_household, office_id


def test_case_of_two_offices_reaches_both_and_edits_travel_back(desk, desk_b, linker) -> None:
    a = linker(desk, OFFICE_A)
    b = linker(desk_b, OFFICE_B)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    app_id = apply_for(a, hid)

    first = a.sync()
    assert first.ok and first.rejected == 0 and first.conflicts == 0
    assert first.applied == first.pushed > 3  # household, person, application, docs, audit
    with a.store.sessions.read() as s:
        states = set(s.scalars(select(OutboxEntry.state)))
        assert states == {"applied"}
        local = s.get(Application, app_id)
        assert local is not None and local.rev == 1 and not local.dirty

    pulled = b.sync()
    assert pulled.ok and pulled.pulled >= 3
    seen = get_household(b.store, b.clerk, hid)
    # office references arrive as B's own office rows (codes travel, not local ids)
    assert seen.residence_office_id == office_id(b.store, OFFICE_A)
    assert seen.hukou_office_id == office_id(b.store, OFFICE_B)
    assert [m.name for m in seen.members] == ["张三丰"]
    with b.store.sessions.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.reason == "因病致贫，生活困难" and not app.dirty

    # the registration office corrects the phone; the residence office receives it
    data = HouseholdInput(
        seen.residence_office_id,
        seen.hukou_office_id,
        seen.address,
        community=seen.community,
        phone="022-23456789",
    )
    update_household(b.store, b.clerk, hid, data)
    assert b.sync().applied >= 1
    back = a.sync()
    assert back.ok and back.pulled >= 1
    row = household(a.store, hid)
    assert row is not None and row.phone == "02223456789" and row.rev == 2 and not row.dirty

    # nothing more to do on either side, and both hold the same single copy
    again_a, again_b = a.sync(), b.sync()
    assert (again_a.pushed, again_a.pulled, again_b.pushed, again_b.pulled) == (0, 0, 0, 0)
    for store in (a.store, b.store):
        with store.sessions.read() as s:
            assert s.scalar(select(func.count()).where(Person.household_id == hid)) == 1


def test_edit_made_while_a_change_is_in_flight_is_rebased(desk, desk_b, linker) -> None:
    a = linker(desk, OFFICE_A)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    assert a.sync().ok
    view = get_household(a.store, a.clerk, hid)
    base = HouseholdInput(
        view.residence_office_id, view.hukou_office_id, view.address, phone="13900000001"
    )
    update_household(a.store, a.clerk, hid, base)
    # the first edit goes out but its answer is "lost": the entry stays sent
    with a.store.sessions.write() as s:
        for e in s.scalars(
            select(OutboxEntry).where(OutboxEntry.entity_id == hid, OutboxEntry.state == "pending")
        ):
            e.state = "sent"
    update_household(a.store, a.clerk, hid, replace(base, phone="13900000002"))
    done = a.sync()
    assert done.ok and done.conflicts == 0
    row = household(a.store, hid)
    assert row is not None and row.phone == "13900000002" and row.rev == 3 and not row.dirty
    b = linker(desk_b, OFFICE_B)
    b.sync()
    seen = household(b.store, hid)
    assert seen is not None and seen.phone == "13900000002" and seen.rev == 3
