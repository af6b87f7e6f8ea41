"""The chain check before each sync's checkpoint walks the whole chain at the day's first sync
and then only the links after the head it verified: the same report as the whole walk, except
an edit among already verified links, which the next day's first check (and ``verify-audit``
at any time) finds."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from desktop.services.family.households import get_household
from desktop.store.audit_log import check_chain, check_chain_today
from desktop.store.models import Household
from tests.support import Desk

TODAY = date(2026, 12, 2)


def _work(store, actor, n: int = 3) -> None:  # type: ignore[no-untyped-def]
    """A few reads of full files: each is a link of the chain."""
    with store.sessions.read() as s:
        mine = Household.residence_office_id == actor.office_id
        ids = [i for (i,) in s.query(Household.id).filter(mine).limit(n)]
    for household_id in ids:
        get_household(store, actor, household_id)


def _raw(store, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_later_checks_of_the_day_read_from_the_head_with_the_whole_walks_report(
    desk: Desk,
) -> None:
    store, clerk = desk.as_user("clerk")
    first = check_chain_today(store, TODAY)
    assert first == check_chain(store) and first.ok
    _work(store, clerk)
    again = check_chain_today(store, TODAY)
    assert again == check_chain(store) and again.checked == first.checked + 3
    # an edit after the head is found as by the whole walk
    _work(store, clerk, 2)
    head = again.head_seq
    _raw(store, "UPDATE audit_events SET summary = '无事' WHERE chain_seq = :s", s=head + 1)
    broken = check_chain_today(store, TODAY)
    assert broken == check_chain(store) and not broken.ok and broken.broken_seq == head + 1


def test_an_edit_among_verified_links_shows_at_the_next_days_first_check(desk: Desk) -> None:
    store, clerk = desk.as_user("clerk")
    _work(store, clerk)
    assert check_chain_today(store, TODAY).ok
    _raw(store, "UPDATE audit_events SET summary = '无事' WHERE chain_seq = 2")
    assert check_chain_today(store, TODAY).ok  # the same day: trusted up to the head
    assert not check_chain(store).ok  # verify-audit and 操作日志 walk it whole
    nextday = check_chain_today(store, TODAY + timedelta(days=1))
    assert nextday == check_chain(store) and nextday.broken_seq == 2


def test_the_head_itself_rewritten_or_deleted_makes_a_whole_walk(desk: Desk) -> None:
    store, clerk = desk.as_user("clerk")
    _work(store, clerk)
    head = check_chain_today(store, TODAY).head_seq
    _raw(store, "UPDATE audit_events SET hash = :h WHERE chain_seq = :s", h="0" * 64, s=head)
    report = check_chain_today(store, TODAY)
    assert report == check_chain(store) and not report.ok
    _raw(store, "DELETE FROM audit_events WHERE chain_seq = :s", s=head)
    report = check_chain_today(store, TODAY)  # a cut tail shows only against the hub's copy
    assert report == check_chain(store) and report.head_seq == head - 1
