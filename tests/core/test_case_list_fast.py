"""The case list's fast path (``case_list.CaseList``) shows exactly what the reference
``count_cases`` / ``fetch_cases`` show: same rows in the same order and the same counts, for
names, pinyin, ID and phone digits, case numbers, communities, the other filters and the
empty box, for every role that sees the list; and what it keeps is dropped by any write."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from dataclasses import astuple, replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, select, update

from desktop.demo import create_demo_store
from desktop.domain.ids import check_char
from desktop.services.base import Actor
from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.case_list import CaseList, open_case_list
from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.services.family.search import (
    CaseFilter,
    _person_ids,
    communities,
    count_cases,
    fetch_cases,
    search_persons,
    text_households,
    text_households_at_once,
)
from desktop.services.scope import visible_households
from desktop.store.models import Application, Household, Person
from desktop.store.store import Store
from tests.support import TEST_KDF, Desk

HOUSEHOLDS = 800  # ~1,850 people: "1201", "z" or "王" match more than the 500 people a text keeps
ROLES = ("clerk", "supervisor", "admin", "coordinator", "provider")


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("case-list") / "data"
    store, _ = create_demo_store(folder, HOUSEHOLDS, kdf=TEST_KDF, seed_value=11)
    store.close()
    return folder


@pytest.fixture
def big(big_template: Path, tmp_path: Path) -> Iterator[Desk]:
    folder = tmp_path / "data"
    shutil.copytree(big_template, folder)
    d = Desk(folder)
    yield d
    d.close()


def _texts(store: Store) -> list[str]:
    """What clerks type: name and given-name prefixes, pinyin initials and full pinyin of
    every length, ID and phone digits, case numbers, nothing that matches, and blanks."""
    rng = random.Random(5)
    with store.sessions.read() as s:
        people = s.execute(
            select(Person.name, Person.name_initials, Person.name_pinyin, Person.id_number,
                   Person.phone).order_by(Person.id)
        ).all()  # fmt: skip
        numbers = list(s.scalars(select(Application.number).order_by(Application.number)))
    picks = rng.sample(people, 12)
    texts = ["", "  ", "王", "张", "李", "王红", "z", "zh", "zha", "w", "wang", "l", "x", "1201",
             "120101", "1", "19", "qqqq", "不存在的名字", "9999999", numbers[0], numbers[-1],
             "120101001-2026-99999"]  # fmt: skip
    for name, initials, pinyin, id_number, phone in picks:
        texts += [name[:1], name[:2], name, name[1:], initials[:2], initials, pinyin[:4]]
        texts += [id_number[-4:], id_number[-6:], id_number[:8], id_number[-6:-1] + "x"]
        if phone:
            texts.append(phone[-5:])
    return list(dict.fromkeys(texts))


def _filters(store: Store) -> list[CaseFilter]:
    names = communities(store)
    today = date.today()
    out = [CaseFilter(text=t) for t in _texts(store)]
    out += [
        CaseFilter(community=names[0]),
        CaseFilter(community=names[-1], text="z"),
        CaseFilter(community="没有这个社区"),
        CaseFilter(assistance_type="dibao"),
        CaseFilter(assistance_type="tekun", text="w"),
        CaseFilter(state="paying"),
        CaseFilter(state="investigating", open_only=True),
        CaseFilter(open_only=True),
        CaseFilter(overdue_on=today),
        CaseFilter(overdue_on=today, text="1201"),
        CaseFilter(open_only=True, assistance_type="dibao", community=names[len(names) // 2]),
    ]
    return out


def _reference(store: Store, actor: Actor, f: CaseFilter, offset: int, limit: int) -> list[tuple]:  # type: ignore[type-arg]
    return [astuple(r) for r in fetch_cases(store, actor, f, offset, limit)]


def _same_as_reference(store: Store, actor: Actor, cases: CaseList, f: CaseFilter) -> None:
    total = count_cases(store, actor, f)
    cases.count(f)  # known from here on: pages in the second half are read from the end
    half = total // 2
    for offset, limit in ((0, 50), (50, 50), (0, 200), (max(total - 7, 0), 50), (total, 50),
                          (half, 50), (half + 1, 50), (max(total - 50, 0), 50), (total + 3, 50),
                          (max(total - 1, 0), 1), (max(total - 120, 0), 100)):  # fmt: skip
        page = cases.page(f, offset, limit)
        assert page.rows == _reference(store, actor, f, offset, limit), (f, offset)
        assert page.total in (None, total), (f, offset)
    assert cases.count(f) == total, f
    assert cases.count(f, within=10.0) == total, f
    assert cases.count_apart(f) == total, f


@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_count_equals_the_reference(big: Desk, role: str) -> None:
    store, actor = big.as_user(role)
    cases = open_case_list(store, actor)
    try:
        filters = _filters(store)
        for f in filters:
            _same_as_reference(store, actor, cases, f)
        for f in filters:  # again, from what was kept
            _same_as_reference(store, actor, cases, f)
    finally:
        cases.close()


def test_text_searches_do_hit_the_500_people_limit(big: Desk) -> None:
    # The limit is part of what the reference shows; the fast path keeps it by construction.
    store, _actor = big.as_user("clerk")
    with store.sessions.read() as s:
        for text in ("1201", "120"):
            assert len(_person_ids(s, text, 500)) == 500, text


def _statements(store: Store) -> list[str]:
    seen: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_kept_results_are_used_until_a_write(big: Desk) -> None:
    store, actor = big.as_user("clerk")
    cases = open_case_list(store, actor)
    f = CaseFilter(text="wang")
    first = cases.page(f, 0, 50)
    seen = _statements(store)
    again = cases.page(f, 0, 50)
    assert again == first
    # Only the data-version probe and the page's own rows: no person, household or id reads.
    assert len(seen) == 2 and "data_version" in seen[0], seen
    cases.close()


def _id(first17: str) -> str:
    return first17 + check_char(first17)


def _new_family(store: Store, actor: Actor, name: str, id_number: str) -> str:
    h = create_household(
        store, actor,
        HouseholdInput(actor.office_id, actor.office_id, "河西区友谊路街道平江道99号",
                       community="平安里社区",
                       members=(PersonInput(name, id_number, "applicant"),)),
    )  # fmt: skip
    return create_application(store, actor, ApplicationInput(h.id, "dibao", date.today())).id


def test_what_is_kept_follows_every_kind_of_write(big: Desk) -> None:
    store, actor = big.as_user("clerk")
    cases = open_case_list(store, actor)
    filters = [CaseFilter(text="wang"), CaseFilter(text="王"), CaseFilter(text="01123"),
               CaseFilter(), CaseFilter(community="平安里社区"), CaseFilter(state="new")]  # fmt: skip
    counts = {f: cases.count(f) for f in filters}
    for f in filters:
        _same_as_reference(store, actor, cases, f)

    # A new family through the services (another connection of this process).
    app_id = _new_family(store, actor, "王文博", _id("12010119900101123"))
    for f in filters:
        _same_as_reference(store, actor, cases, f)
    assert cases.count(CaseFilter(text="wang")) == counts[CaseFilter(text="wang")] + 1
    assert cases.page(CaseFilter(text="01123"), 0, 50).rows[0][0] == app_id  # newest first

    # A raw write by another store on the same file (another program, a sync, an import).
    other, _ = big.as_user("admin")
    with other.engine.begin() as c:
        c.execute(update(Application).where(Application.id == app_id).values(deleted=True))
    for f in filters:
        _same_as_reference(store, actor, cases, f)
    assert cases.count(CaseFilter(text="wang")) == counts[CaseFilter(text="wang")]

    # A renamed person leaves the pinyin search she matched.
    with other.engine.begin() as c:
        c.execute(update(Application).where(Application.id == app_id).values(deleted=False))
        c.execute(
            update(Person)
            .where(Person.id_number == _id("12010119900101123"))
            .values(name="赵文博", name_pinyin="zhaowenbo", name_initials="zwb")
        )
    for f in [*filters, CaseFilter(text="zwb")]:
        _same_as_reference(store, actor, cases, f)
    assert cases.count(CaseFilter(text="zwb")) >= 1
    cases.close()


def test_a_count_made_elsewhere_is_kept_only_if_nothing_changed(big: Desk) -> None:
    store, actor = big.as_user("clerk")
    cases = open_case_list(store, actor)
    f = CaseFilter()
    version = cases.version()
    cases.keep_count(f, 12345, version)  # what a count thread would hand back
    assert cases.known_count(f) == 12345  # kept: the data did not change
    _new_family(store, actor, "李文博", _id("12010119900101124"))
    assert cases.known_count(f) is None  # dropped by the write
    stale = cases.version()
    _new_family(store, actor, "李文军", _id("12010119900101126"))
    cases.keep_count(f, 1, stale)  # counted before the last write: not kept
    assert cases.known_count(f) is None
    assert cases.count(f) == count_cases(store, actor, f)
    cases.close()


def test_a_slow_count_is_given_up_within_its_time(big: Desk) -> None:
    store, actor = big.as_user("clerk")
    cases = open_case_list(store, actor)
    assert cases.count(CaseFilter(), within=0.0) is None  # gives up at once
    assert cases.count(CaseFilter(), within=30.0) == count_cases(store, actor, CaseFilter())
    cases.close()
    with pytest.raises(Exception, match="已关闭"):
        cases.count_apart(CaseFilter())


def test_the_office_condition_is_residence_or_registration(big: Desk) -> None:
    # ``? IN (residence, hukou)`` (what keeps SQLite off the office indexes) is the OR it
    # replaces: checked against the plain OR on the same file.
    store, actor = big.as_user("clerk")
    with store.engine.connect() as c:
        plain = c.exec_driver_sql(
            "SELECT count(*) FROM applications WHERE deleted = 0 AND "
            "(residence_office_id = ? OR hukou_office_id = ?)",
            (actor.office_id, actor.office_id),
        ).scalar()
    assert count_cases(store, actor, CaseFilter()) == plain
    assert count_cases(store, actor, replace(CaseFilter(), text="")) == plain


@pytest.mark.parametrize("role", ROLES)
def test_search_persons_sees_the_families_the_office_condition_names(big: Desk, role: str) -> None:
    # search_persons writes the office test so that the found people lead the query
    # (``visible_households(leads=False)``); the families it keeps are those of the plain OR.
    store, actor = big.as_user(role)
    for text in _texts(store)[:60]:
        shown = {h.person_id for h in search_persons(store, actor, text)}
        with store.sessions.read() as s:
            ids = _person_ids(s, text, 50)
            plain = set(
                s.scalars(
                    select(Person.id)
                    .join(Household, Household.id == Person.household_id)
                    .where(Person.id.in_(ids), visible_households(s, actor))
                )
            )
        assert shown == plain, text


def test_households_read_at_once_are_those_of_the_two_step_reading(big: Desk) -> None:
    # The fast path reads each matching person's household on the person's own row; the
    # reference resolves the people first, then their households.
    store, _actor = big.as_user("clerk")
    with store.engine.connect() as c:
        for text in _texts(store):
            at_once = text_households_at_once(c, text)
            assert sorted(at_once) == sorted(text_households(c, text)), text


def test_a_count_that_was_slow_is_not_tried_on_the_gui_thread_again(big: Desk) -> None:
    store, actor = big.as_user("clerk")
    cases = open_case_list(store, actor)
    f = CaseFilter()
    assert cases.count(f, within=1e-9) is None  # too slow for its time: given up
    assert cases.count(f, within=30.0) is None  # a hint: counted apart from now on
    assert cases.count_apart(f) == count_cases(store, actor, f)
    assert cases.count(f) == count_cases(store, actor, f)  # without a time limit, counted
    cases.close()
