"""Survey drafts survive a crash and lock when final; calendar overrides move stored
deadlines; the due list matches a direct query; the timeline keeps its order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import or_, select

from desktop.errors import PermissionDenied, ValidationError, WorkflowError
from desktop.services.cases.workflow import (
    accept_application,
    add_calendar_override,
    calendar_warning,
    case_deadlines,
    case_timeline,
    deadline_summary,
    due_list,
    finalize_survey,
    get_case,
    get_survey,
    load_calendar,
    perform,
    remove_calendar_override,
    save_survey_draft,
)
from desktop.store.models import Application
from tests.workflow_store.conftest import Offices, new_application
from tests.workflow_store.survey_helpers import SECTIONS, fill_survey

D = date


def test_survey_draft_survives_a_crash_and_final_locks_it(offices: Offices, desk) -> None:  # type: ignore[no-untyped-def]
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    accept_application(o.store, o.clerk, app_id, D(2026, 9, 1), get_case(o.store, app_id).version)
    save_survey_draft(
        o.store, o.surveyor, app_id, surveyors=["王调查"], sections={"income": "无固定收入"}
    )
    save_survey_draft(o.store, o.surveyor, app_id, sections={"housing": "租住平房"})
    with pytest.raises(ValidationError, match="调查人员"):
        save_survey_draft(o.store, o.surveyor, app_id, surveyors=["王调查", "王调查"])
    with pytest.raises(PermissionDenied, match="居住地"):
        save_survey_draft(o.store, o.h_surveyor, app_id, sections={"income": "x"})
    desk.close()  # the program dies without finalising
    store, surveyor = desk.as_user("surveyor")
    draft = get_survey(store, app_id)
    assert draft is not None and draft.status == "draft"
    assert draft.surveyors == ("王调查",)
    assert draft.sections == {"income": "无固定收入", "housing": "租住平房"}
    o.store, o.surveyor = store, surveyor
    with pytest.raises(ValidationError, match="调查日期"):
        finalize_survey(store, surveyor, app_id, D(2026, 9, 5))
    fill_survey(o, app_id, D(2026, 8, 31))
    with pytest.raises(ValidationError, match="不能早于受理日期"):
        finalize_survey(store, surveyor, app_id, D(2026, 9, 5))
    save_survey_draft(store, surveyor, app_id, visited_on=D(2026, 9, 3))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        finalize_survey(store, surveyor, app_id, D(2026, 9, 2))
    final = finalize_survey(store, surveyor, app_id, D(2026, 9, 5))
    assert final.locked and final.finalized_by == surveyor.display_name
    with pytest.raises(WorkflowError, match="已定稿"):
        save_survey_draft(store, surveyor, app_id, sections={"opinion": "改"})


def test_finalize_requires_members_and_signature_documents(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    accept_application(o.store, o.clerk, app_id, D(2026, 9, 1), get_case(o.store, app_id).version)
    signatures = fill_survey(o, app_id, D(2026, 9, 2))
    save_survey_draft(o.store, o.surveyor, app_id, members_present=["陌生人"])
    with pytest.raises(ValidationError, match="不是该家庭登记的成员"):
        finalize_survey(o.store, o.surveyor, app_id, D(2026, 9, 3))
    present = next(n for n in signatures if n not in ("王调查", "刘明"))
    save_survey_draft(
        o.store,
        o.surveyor,
        app_id,
        members_present=[present],
        sections={"signatures": {"王调查": signatures["王调查"]}},
    )
    with pytest.raises(ValidationError, match="缺少“刘明”的签字"):
        finalize_survey(o.store, o.surveyor, app_id, D(2026, 9, 3))
    household = get_survey(o.store, app_id)
    assert household is not None and get_survey(o.store, app_id).status == "draft"  # type: ignore[union-attr]
    assert set(SECTIONS) <= set(household.sections)


def test_calendar_override_moves_a_stored_deadline(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 11, 2), split=False)
    view = perform(
        o.store,
        o.clerk,
        app_id,
        "accept",
        {"missing_documents": []},
        D(2026, 11, 2),
        get_case(o.store, app_id).version,
    )
    assert view.deadline_step == "入户调查" and view.next_deadline == D(2026, 11, 5)
    change = add_calendar_override(
        o.store, o.supervisor, D(2026, 11, 4), "holiday", "区里统一安排", today=D(2026, 11, 3)
    )
    assert change.deadlines_changed >= 1
    assert get_case(o.store, app_id).next_deadline == D(2026, 11, 6)
    assert not load_calendar(o.store, o.clerk.office_id).is_workday(D(2026, 11, 4))
    assert [d.due for d in case_deadlines(o.store, app_id, D(2026, 11, 3))][0] == D(2026, 11, 6)
    remove_calendar_override(o.store, o.supervisor, D(2026, 11, 4), today=D(2026, 11, 3))
    assert get_case(o.store, app_id).next_deadline == D(2026, 11, 5)
    with pytest.raises(PermissionDenied):
        add_calendar_override(o.store, o.clerk, D(2026, 11, 4), "holiday")
    warning = calendar_warning(o.store, D(2026, 11, 29), o.clerk.office_id)
    assert warning is not None and "2027年" in warning
    add_calendar_override(o.store, o.supervisor, D(2027, 1, 1), "holiday", "元旦")
    assert calendar_warning(o.store, D(2026, 11, 29), o.clerk.office_id) is None  # fmt: skip


def test_due_list_matches_a_direct_query(offices: Offices) -> None:
    o = offices
    office = o.clerk.office_id
    today = D(2026, 11, 29)
    items = due_list(o.store, office, today)
    with o.store.sessions.read() as s:
        direct = s.execute(
            select(Application.number, Application.next_deadline).where(
                or_(
                    Application.residence_office_id == office, Application.hukou_office_id == office
                ),
                Application.next_deadline.is_not(None),
            )
        ).all()
    assert sorted((i.number, i.due) for i in items) == sorted((r[0], r[1]) for r in direct)
    assert items and [i.due for i in items] == sorted(i.due for i in items)
    overdue = [i for i in items if i.overdue]
    assert overdue, "the demo has overdue items"
    assert all(i.days_left <= 0 for i in overdue) and all(i.owner_cn for i in items)
    assert any(i.step_cn == "定期核查" for i in items), "review dates are on the list"
    soon = due_list(o.store, office, today, within_days=14)
    assert {i.number for i in soon} == {
        i.number for i in items if i.due <= today + timedelta(days=14)
    }
    summary = deadline_summary(o.store, office, today)
    assert summary.total == len(items) and summary.overdue == len(overdue)
    assert sum(v[0] for v in summary.by_step.values()) == len(items)  # fmt: skip


def test_timeline_lists_steps_in_order_with_document_events(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    v = accept_application(
        o.store, o.clerk, app_id, D(2026, 9, 1), get_case(o.store, app_id).version
    ).version
    assert get_case(o.store, app_id).state == "supplementing", "required documents are missing"
    missing = list(get_case(o.store, app_id).snapshot.missing_documents)
    v = perform(
        o.store, o.clerk, app_id, "resume", {"documents_received": missing}, D(2026, 9, 2), v
    ).version
    perform(o.store, o.clerk, app_id, "request_check", {}, D(2026, 9, 2), v)
    items = case_timeline(o.store, app_id)
    steps = [i for i in items if i.kind == "step"]
    assert [i.action for i in steps] == ["create", "accept", "resume", "request_check"]
    assert steps[1].summary.startswith("受理申请") and steps[1].actor_name == o.clerk.display_name
    assert any(i.kind == "document" for i in items), "the checklist documents show up too"
    assert [i.at for i in items] == sorted(i.at for i in items)
