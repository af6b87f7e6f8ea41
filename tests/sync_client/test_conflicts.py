"""Two laptops of one office edit the same household: a conflict, resolved field by field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.errors import ValidationError, WorkflowError
from desktop.services.family.households import HouseholdInput, get_household, update_household
from desktop.store.models import OutboxEntry
from sync.resolution import list_conflicts, resolve_conflict
from tests.sync_client.conftest import OFFICE_A, OFFICE_B, Linked
from tests.sync_client.helpers import household, new_household


def _edit(desk: Linked, hid: str, **changes: str) -> None:
    v = get_household(desk.store, desk.clerk, hid)
    data = {
        "residence_office_id": v.residence_office_id,
        "hukou_office_id": v.hukou_office_id,
        "address": v.address,
        "community": v.community,
        "phone": v.phone,
        **changes,
    }
    update_household(desk.store, desk.clerk, hid, HouseholdInput(**data))


def make_conflict(desk, second_desk, linker) -> tuple[Linked, Linked, str]:  # type: ignore[no-untyped-def]
    one = linker(desk, OFFICE_A)
    two = linker(second_desk, OFFICE_A)
    hid = new_household(one, OFFICE_A, OFFICE_B)
    assert one.sync().ok
    assert two.sync().pulled >= 2
    _edit(one, hid, phone="13911112222", community="友谊社区")
    _edit(two, hid, address="天津市河西区友谊路街道紫金山路12号3-202", phone="13933334444")
    assert one.sync().applied >= 1
    return one, two, hid


def test_conflict_keeps_both_versions_and_resolution_converges(desk, second_desk, linker) -> None:
    one, two, hid = make_conflict(desk, second_desk, linker)
    clash = two.sync()
    assert clash.conflicts == 1
    # nothing was overwritten: laptop two still shows its own edit, and waits
    mine = household(two.store, hid)
    assert mine is not None and mine.address.endswith("3-202") and mine.dirty
    with two.store.sessions.read() as s:
        entry = s.scalars(
            select(OutboxEntry).where(OutboxEntry.entity_id == hid, OutboxEntry.state == "conflict")
        ).one()
        change_id = entry.change_id
    [conflict] = list_conflicts(two.store, two.clerk)
    by_key = {f.key: f for f in conflict.differing}
    assert set(by_key) >= {"phone", "address", "community"}
    assert by_key["phone"].label == "联系电话"
    assert (by_key["phone"].local, by_key["phone"].remote) == ("13933334444", "13911112222")
    assert by_key["phone"].base == "13812345678"

    with pytest.raises(ValidationError) as missing:
        resolve_conflict(two.store, two.clerk, conflict.id, {"phone": "remote"})
    assert "请选择" in str(missing.value)

    choices = {f.key: "remote" for f in conflict.differing}
    choices["address"] = "local"
    resolve_conflict(two.store, two.clerk, conflict.id, choices)
    with pytest.raises(WorkflowError):
        resolve_conflict(two.store, two.clerk, conflict.id, choices)
    with two.store.sessions.read() as s:
        again = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == hid)).all()
        waiting = [e for e in again if e.state == "pending"]
        assert [e.change_id for e in waiting] == [change_id], "resent under the same change_id"
        assert waiting[0].base_rev == 2

    sent = two.sync()
    assert sent.ok and sent.conflicts == 0 and sent.applied >= 1
    assert list_conflicts(two.store, two.clerk) == []
    one.sync()
    for side in (one, two):
        row = household(side.store, hid)
        assert row is not None and not row.dirty and row.rev == 3
        assert row.address.endswith("3-202")
        assert (row.phone, row.community) == ("13911112222", "友谊社区")


def test_conflict_found_by_pull_before_the_edit_was_sent(desk, second_desk, linker) -> None:
    one, two, hid = make_conflict(desk, second_desk, linker)
    # laptop two pulls without pushing first (e.g. its push was refused for another reason)
    from sync.client import SyncSummary

    summary = SyncSummary()
    two.client.pull(summary)
    assert summary.conflicts == 1
    mine = household(two.store, hid)
    assert mine is not None and mine.phone == "13933334444" and mine.rev == 1
    [conflict] = list_conflicts(two.store, two.clerk)
    assert conflict.source == "pull" and conflict.remote_rev == 2
    # the push that follows meets the same conflict: still one open conflict, not two
    two.sync()
    [same] = list_conflicts(two.store, two.clerk)
    assert same.id == conflict.id
    resolve_conflict(two.store, two.clerk, same.id, {f.key: "local" for f in same.differing})
    assert two.sync().ok
    one.sync()
    assert household(one.store, hid).phone == "13933334444"  # type: ignore[union-attr]


def test_conflict_view_masks_personal_numbers_by_role(desk, second_desk, linker) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop.services.base import Role
    from desktop.services.family.households import BankInput, set_bank_account
    from sync.resolution import get_conflict

    one, two, hid = make_conflict(desk, second_desk, linker)
    account = "6222020302050001239"
    set_bank_account(two.store, two.clerk, hid, BankInput("中国工商银行", "周建国", account))
    assert two.sync().conflicts == 1

    def fields(role: Role) -> dict[str, object]:
        actor = replace(two.clerk, role=role)
        [listed] = list_conflicts(two.store, actor)
        shown = get_conflict(two.store, actor, listed.id)
        assert shown.fields == listed.fields
        return {f.key: f.local for f in shown.fields}

    supervisor, clerk, coordinator = (
        fields(Role.SUPERVISOR), fields(Role.CLERK), fields(Role.COORDINATOR)
    )  # fmt: skip
    assert supervisor["bank_account"] == account, "the payer sees the account"
    assert clerk["bank_account"] == "6222 **** **** 1239" and clerk["phone"] == "13933334444"
    assert coordinator["bank_account"] == "6222 **** **** 1239"
    assert coordinator["phone"] == "139****4444"
    assert account not in str(coordinator) and "13933334444" not in str(coordinator)
    # whether the field differs is decided on the real numbers, and resolving still works
    [conflict] = list_conflicts(two.store, two.clerk)
    assert "bank_account" in {f.key for f in conflict.differing}
    resolve_conflict(
        two.store, two.clerk, conflict.id, {f.key: "local" for f in conflict.differing}
    )
    assert household(two.store, hid).bank_account == account  # type: ignore[union-attr]
