"""Entered text refuses hidden characters (NUL, zero-width, bidi overrides) with a message
naming the field; a community coordinator never receives a full ID number or phone number;
reports mask with the core's one masking."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from desktop.domain import ids
from desktop.errors import ValidationError
from desktop.services.base import require_text
from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.cases.case_overview import case_overview
from desktop.services.family.households import (
    HouseholdInput,
    PersonInput,
    create_household,
    find_person_by_id_number,
    get_household,
)
from desktop.services.family.search import CaseFilter, fetch_cases, search_persons
from desktop.services.outreach.coordinators import assign_communities
from desktop.store.models import Person
from reports import privacy
from tests.support import Desk

ID = "120101199001011239"
PHONE = "13912345678"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("张\x00三", "U+0000"),
        ("张\u200b三", "U+200B"),
        ("张\u202e三李", "U+202E"),
        ("张\u2066三", "U+2066"),
        ("张\ufeff三", "U+FEFF"),
        ("张\x1b三", "U+001B"),
    ],
)
def test_a_name_with_hidden_characters_is_refused_and_nothing_is_stored(
    desk: Desk, text: str, code: str
) -> None:
    store, clerk = desk.as_user("clerk")
    with store.sessions.read() as s:
        before = s.scalar(select(Person.id).where(Person.name == text))
    with pytest.raises(ValidationError) as caught:
        create_household(
            store,
            clerk,
            HouseholdInput(
                clerk.office_id,
                clerk.office_id,
                "河西区友谊路街道平江道8号1-101",
                members=(PersonInput(text, ID, "applicant"),),
            ),
        )
    assert caught.value.field == "姓名" and code in str(caught.value)
    assert "不可见或控制字符" in str(caught.value)
    with store.sessions.read() as s:
        assert s.scalar(select(Person.id).where(Person.name == text)) == before is None


def test_notes_keep_their_line_breaks_but_one_line_fields_do_not() -> None:
    assert require_text("第一行\n第二行", "备注", max_len=100, multiline=True) == "第一行\n第二行"
    with pytest.raises(ValidationError, match="居住地址：含有不可见或控制字符"):
        require_text("平江道\n8号", "居住地址", max_len=100)
    assert require_text("  Zhāng 张三·李  ", "姓名", max_len=40) == "Zhāng 张三·李"


def _family(store, clerk) -> str:  # type: ignore[no-untyped-def]
    h = create_household(
        store,
        clerk,
        HouseholdInput(
            clerk.office_id,
            clerk.office_id,
            "河西区友谊路街道平江道8号1-101",
            community="平安里社区",
            phone="13812345678",
            members=(PersonInput("单雄信", ID, "applicant", phone=PHONE),),
        ),
    )
    app = create_application(store, clerk, ApplicationInput(h.id, "tekun", date.today()))
    return app.id


def test_the_coordinator_never_receives_a_full_id_number(desk: Desk) -> None:
    store, clerk = desk.as_user("clerk")
    _, admin = desk.as_user("admin")
    _, coordinator = desk.as_user("coordinator")
    app_id = _family(store, clerk)
    assign_communities(store, admin, coordinator.user_id, ["平安里社区"])
    with store.sessions.read() as s:
        household_id = s.scalars(select(Person.household_id).where(Person.id_number == ID)).one()
    seen: list[str] = []
    view = get_household(store, coordinator, household_id)
    seen += [m.id_number for m in view.members] + [m.phone for m in view.members] + [view.phone]
    seen += [h.id_number for h in search_persons(store, coordinator, "单雄信")]
    seen += [r.id_number for r in fetch_cases(store, coordinator, CaseFilter(text="单雄信"), 0, 50)]
    found = find_person_by_id_number(store, coordinator, ID)
    assert found is not None
    seen += [found.id_number, found.phone]
    overview = case_overview(store, coordinator, app_id)
    seen += [repr(overview)]
    assert seen and all(ID not in text and PHONE not in text for text in seen), seen
    assert "120101********1239" in seen
    # the clerk, who takes the application, sees the number whole
    assert get_household(store, clerk, household_id).members[0].id_number == ID


def test_reports_mask_with_the_core_masking() -> None:
    assert privacy.mask_id(ID) == ids.mask_id(ID) == "120101********1239"
    assert privacy.mask_phone(PHONE) == ids.mask_phone(PHONE) == "139****5678"
    assert privacy.mask_phone("022-23456789") == ids.mask_phone("022-23456789") == "022-****6789"
    with pytest.raises(ValidationError, match="公民身份号码"):
        privacy.mask_id("12345")
