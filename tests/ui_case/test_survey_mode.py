"""The survey's 调查方式: stored with the draft, phone/video refused outside 急难型 at finalising."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.errors import ValidationError
from desktop.services.cases.case_overview import case_overview
from desktop.services.cases.workflow import finalize_survey, save_survey_draft
from tests.ui_case.helpers import INVESTIGATING, case_id


def test_unknown_mode_is_refused_and_phone_needs_an_emergency_case(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("surveyor")
    app_id = case_id(store, INVESTIGATING)
    with pytest.raises(ValidationError) as bad:
        save_survey_draft(store, actor, app_id, sections={"mode": "fax"})
    assert bad.value.field == "调查方式"
    member = case_overview(store, actor, app_id).members[0].name
    view = save_survey_draft(store, actor, app_id, visited_on=date.today(), members_present=[member],
                             surveyors=["王调查", "李娜"], sections={"mode": "phone"})  # fmt: skip
    assert view.sections["mode"] == "phone"
    with pytest.raises(ValidationError) as refused:
        finalize_survey(store, actor, app_id, date.today())
    assert refused.value.field == "调查方式" and "急难型" in refused.value.detail
