"""Search as you type: by name, pinyin initials, full pinyin, ID digits and phone; the case list."""

from __future__ import annotations

from datetime import date

from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.services.family.search import CaseFilter, count_cases, fetch_cases, search_persons
from desktop.services.outreach.coordinators import assign_communities


def _family(store, actor):  # type: ignore[no-untyped-def]
    h = create_household(
        store,
        actor,
        HouseholdInput(
            actor.office_id,
            actor.office_id,
            "河西区友谊路街道平江道8号1-101",
            community="平安里社区",
            members=(
                PersonInput("单雄信", "120101199001011239", "applicant", phone="13912345678"),
            ),
        ),
    )
    create_application(store, actor, ApplicationInput(h.id, "tekun", date.today()))
    return h


def test_search_by_every_kind_of_key(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    _family(store, actor)
    for query in (
        "单雄",
        "sxx",
        "shanxiong",
        "SXX",
        "1239",
        "19900101",
        "12010119900101",
        "912345678",
    ):
        names = [h.name for h in search_persons(store, actor, query)]
        assert "单雄信" in names, query
    assert "单雄信" not in [h.name for h in search_persons(store, actor, "dxx")], (
        "单 as a surname reads shan"
    )


def test_coordinator_sees_masked_id_numbers(desk) -> None:  # type: ignore[no-untyped-def]
    store, clerk = desk.as_user("clerk")
    _family(store, clerk)
    _, coordinator = desk.as_user("coordinator")
    _, admin = desk.as_user("admin")
    assert not any(h.name == "单雄信" for h in search_persons(store, coordinator, "sxx"))
    assign_communities(store, admin, coordinator.user_id, ["平安里社区"])  # now it is theirs
    hit = next(h for h in search_persons(store, coordinator, "sxx") if h.name == "单雄信")
    assert hit.id_number == "120101********1239"
    full = next(h for h in search_persons(store, clerk, "sxx") if h.name == "单雄信")
    assert full.id_number == "120101199001011239"


def test_case_list_filters_and_pages(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    total = count_cases(store, actor, CaseFilter())
    _family(store, actor)
    assert count_cases(store, actor, CaseFilter()) == total + 1
    rows = fetch_cases(store, actor, CaseFilter(text="sxx"), 0, 50)
    assert [r.applicant_name for r in rows] == ["单雄信"] and rows[
        0
    ].type_label == "特困人员救助供养"
    tekun = count_cases(store, actor, CaseFilter(assistance_type="tekun"))
    assert 1 <= tekun < total + 1
    page1 = fetch_cases(store, actor, CaseFilter(), 0, 20)
    page2 = fetch_cases(store, actor, CaseFilter(), 20, 20)
    assert len(page1) == 20 and not {r.id for r in page1} & {r.id for r in page2}
    assert all(a.applied_on >= b.applied_on for a, b in zip(page1, page1[1:], strict=False))
    assert count_cases(store, actor, CaseFilter(community="平安里社区")) >= 1
