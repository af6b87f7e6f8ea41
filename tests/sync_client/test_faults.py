"""Faults: thousands of changes from three desks through a misbehaving network, a client cut
off mid-pull and a hub restarted mid-push all end with every change held exactly once."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import func, select, text

from desktop.services.base import unit_of_work
from desktop.store.models import IncomeItem, OutboxEntry
from sync.client import SyncClient
from sync.hub.server import HubThread
from sync.testing import FaultInjectingAdapter
from sync.transport import HttpClient
from tests.sync_client.conftest import FAST_RETRY, OFFICE_A, OFFICE_B, QUICK, Linked
from tests.sync_client.helpers import new_household

ID_NUMBERS = ["120101199001011239", "120103197001011232", "120103198002023459"]


def add_incomes(desk: Linked, household_id: str, n: int, note: str) -> list[str]:
    """``n`` income entries through the unit of work (row + outbox + audit each), one transaction."""
    ids = []
    with unit_of_work(desk.store, desk.clerk) as uow:
        for k in range(n):
            item = IncomeItem(
                household_id=household_id,
                kind="wage",
                month=date(2026, 1 + k % 12, 1),
                amount=Decimal(1000 + k),
                note=f"{note}-{k}",
            )
            uow.record(item, action="add_income", summary=f"登记收入 {k}")
            ids.append(item.id)
    return ids


def edit_incomes(desk: Linked, ids: list[str]) -> None:
    with unit_of_work(desk.store, desk.clerk) as uow:
        for rid in ids:
            item = uow.session.get(IncomeItem, rid)
            assert item is not None
            item.amount = item.amount + 1
            uow.record(item, action="edit_income", summary="修改收入")


def hub_count(hub: HubThread, sql: str) -> int:
    with hub.app.state.database.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


def until_quiet(desks: list[Linked], rounds: int = 40) -> None:
    """Sync every desk until a whole round is clean and moves nothing."""
    for _ in range(rounds):
        results = [d.sync() for d in desks]
        if all(r.ok and r.pushed == 0 and r.pulled == 0 for r in results):
            return
    raise AssertionError("the desks did not settle")


def test_three_desks_through_faults_lose_and_duplicate_nothing(
    desk, second_desk, desk_b, linker, hub
) -> None:
    desks = [linker(desk, OFFICE_A), linker(second_desk, OFFICE_A), linker(desk_b, OFFICE_B)]
    households = [
        new_household(d, OFFICE_A, OFFICE_B, n) for d, n in zip(desks, ID_NUMBERS, strict=True)
    ]
    made = [
        add_incomes(d, h, 400, f"desk{i}")
        for i, (d, h) in enumerate(zip(desks, households, strict=True))
    ]
    for i, d in enumerate(desks):
        faulty = HttpClient(FAST_RETRY)
        faulty.mount(
            "http://",
            FaultInjectingAdapter(
                seed=i + 1, drop=0.1, lose_response=0.15, error_503=0.1, duplicate=0.15
            ),
        )
        d.client = SyncClient(d.store, d.client.api, push_batch=150, pull_limit=300)
        d.client.api.http = faulty
    for d in desks:
        d.sync()
    for d, ids in zip(desks, made, strict=True):
        edit_incomes(d, ids[:100])  # edits queued while earlier entries may still be in flight
    until_quiet(desks)

    assert hub_count(hub, "SELECT count(*) FROM hub_records WHERE entity = 'income_item'") == 1200
    assert (
        hub_count(hub, "SELECT count(*) FROM hub_records WHERE entity = 'income_item' AND rev = 2")
        == 300
    )
    assert hub_count(hub, "SELECT max(rev) FROM hub_records WHERE entity = 'income_item'") == 2
    total_entries = 0
    for d in desks:
        with d.store.sessions.read() as s:
            states = dict(
                s.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)).all()
            )
            assert set(states) == {"applied"}, states
            total_entries += states["applied"]
            ours = IncomeItem.household_id.in_(households)
            assert s.scalar(select(func.count()).where(ours)) == 1200
            assert s.scalar(select(func.count()).where(ours, IncomeItem.dirty.is_(True))) == 0
            assert s.scalar(select(func.sum(IncomeItem.rev)).where(ours)) == 1500
    assert hub_count(hub, "SELECT count(*) FROM hub_applied_changes") == total_entries


class DeadAfter(HTTPAdapter):
    """Passes ``n`` requests whose URL contains ``marker``, then fails every request.

    With ``on_trip`` the n-th request reaches the hub, then ``on_trip`` runs (e.g. stops the
    hub) and the answer is lost.
    """

    def __init__(self, marker: str, n: int, on_trip: Any = None) -> None:
        super().__init__(max_retries=0)
        self.marker, self.left, self.on_trip = marker, n, on_trip

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:  # type: ignore[override]
        if self.left <= 0:
            raise requests.ConnectionError("line cut")
        if self.marker in (request.url or ""):
            self.left -= 1
        response = super().send(request, *args, **kwargs)
        if self.left <= 0 and self.on_trip is not None:
            self.on_trip()
            self.on_trip = None
            response.close()
            raise requests.ConnectionError("hub went down before answering")
        return response


def test_pull_cut_midway_resumes_from_the_last_committed_page(desk, desk_b, linker) -> None:
    a = linker(desk, OFFICE_A)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    add_incomes(a, hid, 500, "a")
    assert a.sync().ok
    b = linker(desk_b, OFFICE_B)
    cut = HttpClient(QUICK)
    cut.mount("http://", DeadAfter("/pull", 3))
    b.client = SyncClient(b.store, b.client.api, pull_limit=100)
    api_http = b.client.api.http
    b.client.api.http = cut
    broken = b.sync()
    assert not broken.ok and broken.pages == 3
    cursor = b.client.cursor()
    assert cursor != "0"
    with b.store.sessions.read() as s:
        partial = s.scalar(select(func.count()).where(IncomeItem.household_id == hid))
    assert 0 < partial < 500
    b.client.api.http = api_http
    resumed = b.sync()
    assert resumed.ok and resumed.pulled + partial >= 500
    with b.store.sessions.read() as s:
        assert s.scalar(select(func.count()).where(IncomeItem.household_id == hid)) == 500


def test_hub_restarted_mid_push_applies_everything_once(desk, linker, hub, hub_settings) -> None:
    a = linker(desk, OFFICE_A)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    add_incomes(a, hid, 600, "a")
    cut = HttpClient(QUICK)
    cut.mount("http://", DeadAfter("/push", 2, on_trip=hub.stop))
    a.client = SyncClient(a.store, a.client.api, push_batch=200)
    a.client.api.http = cut
    down = a.sync()
    assert not down.ok and down.applied == 200  # the second batch's answer never arrived
    with a.store.sessions.read() as s:
        confirmed = s.scalar(
            select(func.count()).where(IncomeItem.household_id == hid, IncomeItem.rev == 1)
        )
    on_hub = hub_count(hub, "SELECT count(*) FROM hub_records WHERE entity = 'income_item'")
    assert 0 < confirmed < on_hub < 600, "the hub applied a batch whose answer was lost"
    restarted = HubThread(hub_settings).start()
    try:
        a.client.api.base_url = restarted.base_url + "/v1"
        a.client.api.http = HttpClient(FAST_RETRY)
        up = a.sync()
        assert up.ok and up.conflicts == 0 and up.rejected == 0
        assert (
            hub_count(restarted, "SELECT count(*) FROM hub_records WHERE entity = 'income_item'")
            == 600
        )
        assert (
            hub_count(restarted, "SELECT max(rev) FROM hub_records WHERE entity = 'income_item'")
            == 1
        )
        with a.store.sessions.read() as s:
            assert set(s.scalars(select(OutboxEntry.state))) == {"applied"}
    finally:
        restarted.stop()


def _incomes_of(desk: Linked, household_id: str) -> int:
    with desk.store.sessions.read() as s:
        return int(s.scalar(select(func.count()).where(IncomeItem.household_id == household_id)))


def _waiting_for_b(desk, desk_b, linker, incomes: int) -> tuple[Linked, str]:  # type: ignore[no-untyped-def]
    """Office A syncs a household with ``incomes`` entries; office B's desk, linked, has not
    pulled yet."""
    a = linker(desk, OFFICE_A)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    add_incomes(a, hid, incomes, "a")
    assert a.sync().ok
    return linker(desk_b, OFFICE_B), hid


def _fetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "pull"]


def test_pages_received_ahead_are_stored_in_order_and_all_counted(desk, desk_b, linker) -> None:
    """Small pages: the fetch thread runs ahead and the store takes waiting pages together,
    yet every page is counted, every record lands once and the cursor is the hub's last."""
    b, hid = _waiting_for_b(desk, desk_b, linker, 700)
    b.client = SyncClient(b.store, b.client.api, pull_limit=40)
    seen: list[int] = []
    summary = b.client.sync_once(progress=lambda done, _total, _what: seen.append(done))
    assert summary.ok and summary.pages >= 700 // 40 and summary.conflicts == 0
    assert _incomes_of(b, hid) == 700
    assert seen == sorted(seen) and seen[-1] >= 700  # the progress only moves forward
    again = b.sync()
    assert again.ok and again.pulled == 0 and again.pages == 1  # nothing repeated
    assert not _fetch_threads()


def test_cancel_during_a_pull_stops_the_fetch_thread_and_keeps_what_was_stored(
    desk, desk_b, linker
) -> None:
    b, hid = _waiting_for_b(desk, desk_b, linker, 600)
    b.client = SyncClient(b.store, b.client.api, pull_limit=30)
    stored: list[int] = []
    stopped = b.client.sync_once(
        progress=lambda done, _total, what: stored.append(done) if what == "接收数据" else None,
        cancelled=lambda: bool(stored),  # cancel once the first pages are in
    )
    assert stopped.cancelled and not stopped.ok
    assert not _fetch_threads(), "fetch thread left behind"
    partial = _incomes_of(b, hid)
    assert 0 < partial < 600 and b.client.cursor() != "0"
    resumed = b.sync()
    assert resumed.ok and _incomes_of(b, hid) == 600


def test_a_cut_while_pages_wait_stores_every_page_received_before_it(desk, desk_b, linker) -> None:
    """A slow store lets the fetch thread run ahead until the hub goes away: the pages it had
    received are all stored, with the cursor after the last of them."""
    b, hid = _waiting_for_b(desk, desk_b, linker, 400)

    def slow_store(fn: Any, *args: Any) -> Any:
        time.sleep(0.3)  # the fetch thread fills its queue and meets the cut meanwhile
        return fn(*args)

    cut = HttpClient(QUICK)
    cut.mount("http://", DeadAfter("/pull", 5))  # five pages, then the line is cut
    b.client = SyncClient(b.store, b.client.api, pull_limit=50, run_db=slow_store)
    b.client.api.http = cut
    broken = b.sync()
    assert not broken.ok and broken.errors
    assert broken.pages == 5 and broken.pulled == 5 * 50  # all five answers before the cut
    assert not _fetch_threads()
    b.client.api.http = HttpClient(QUICK)
    resumed = b.sync()
    assert resumed.ok and resumed.pulled > 0
    assert _incomes_of(b, hid) == 400
