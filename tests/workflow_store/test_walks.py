"""Whole cases through the store services: 低保 and 特困 across two offices (filed at the
residence office, 初审 at the hukou office) and 急难型 with the reserve fund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from desktop.domain.workflow import replay
from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.cases.assessment import assess_application
from desktop.services.cases.case_codec import event_from_row
from desktop.services.cases.workflow import (
    accept_application,
    case_timeline,
    deposit_reserve_fund,
    finalize_survey,
    get_case,
    pay_emergency_aid,
    perform,
    record_check_report,
    record_survey_from_record,
    reserve_balance,
    start_payment,
)
from desktop.store.models import Application, Document, OutboxEntry, Person
from desktop.store.workflow_models import CaseEvent
from tests.workflow_store.conftest import Offices, new_application, new_household
from tests.workflow_store.survey_helpers import fill_survey

D = date


def _mark_all_received(o: Offices, app_id: str) -> None:
    with o.store.sessions.write() as s:
        for doc in s.scalars(select(Document).where(Document.application_id == app_id)):
            doc.status = "received"


def _investigate(o: Offices, app_id: str, start: date) -> int:
    """Accept at the residence office, survey, check report, hand over; returns the version."""
    v = get_case(o.store, app_id).version
    _mark_all_received(o, app_id)
    v = accept_application(o.store, o.clerk, app_id, start, v).version
    v = perform(o.store, o.clerk, app_id, "request_check", {}, start, v).version
    fill_survey(o, app_id, D(2026, 9, 3))
    finalize_survey(o.store, o.surveyor, app_id, D(2026, 9, 4))
    v = record_survey_from_record(o.store, o.surveyor, app_id, v).version
    v = record_check_report(
        o.store, o.clerk, app_id, "HD2026-0042", D(2026, 9, 8), v, "符合"
    ).version
    return perform(o.store, o.clerk, app_id, "hand_over", {}, D(2026, 9, 8), v).version


def _replayed_equals_stored(o: Offices, app_id: str) -> None:
    with o.store.sessions.read() as s:
        rows = s.scalars(
            select(CaseEvent).where(CaseEvent.application_id == app_id).order_by(CaseEvent.seq)
        ).all()
        events = [
            event_from_row(
                r.action, r.label, r.from_state, r.to_state, r.role, r.office_code, r.side, r.on,
                r.data,
            )
            for r in rows
        ]  # fmt: skip
    rebuilt = replay(events)
    stored = get_case(o.store, app_id).snapshot
    assert rebuilt.state == stored.state and rebuilt.payment == stored.payment
    assert rebuilt.next_review_due == stored.next_review_due


def test_dibao_from_application_to_archive_across_two_offices(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    case = get_case(o.store, app_id)
    assert case.state == "new" and case.version == 1 and case.snapshot.split_household
    v = _investigate(o, app_id, D(2026, 9, 1))
    assert get_case(o.store, app_id).state == "preliminary_review"
    v = perform(
        o.store,
        o.h_supervisor,
        app_id,
        "record_preliminary",
        {"opinion": "属实"},
        D(2026, 9, 10),
        v,
    ).version
    params = {"posted_hukou": True, "posted_residence": True}
    v = perform(o.store, o.h_clerk, app_id, "open_notice", params, D(2026, 9, 11), v).version
    view = perform(o.store, o.h_clerk, app_id, "close_notice", {}, D(2026, 9, 18), v)
    assert view.state == "confirming" and view.deadline_step == "审核确认"
    calculated = assess_application(o.store, o.h_supervisor, app_id).amount
    confirm = {"amount": str(calculated), "family_stability": "stable"}
    v = perform(
        o.store, o.h_supervisor, app_id, "confirm", confirm, D(2026, 9, 22), view.version
    ).version
    view = start_payment(o.store, o.h_clerk, app_id, D(2026, 9, 23), v)
    assert view.snapshot.payment is not None
    assert view.snapshot.payment.pay_from == "decision_date"  # policy default
    nine_days = (calculated * 9 / 30).quantize(Decimal("0.01"))
    assert view.snapshot.payment.first_month_amount == nine_days  # 9 of 30 days
    view = perform(o.store, o.h_clerk, app_id, "archive", {}, D(2026, 9, 24), view.version)
    assert view.state == "paying" and view.snapshot.archived_on is not None
    assert view.next_deadline == D(2027, 9, 22)
    assert view.deadline_step == "定期核查" and view.deadline_owner == "hukou:surveyor"
    with o.store.sessions.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.benefit_amount == calculated
        assert app.version == view.version == 12
        synced = s.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .where(OutboxEntry.entity == "timeline_event")
        )
        assert synced == 12, "every step is queued for the hub as an append-only timeline event"
    _replayed_equals_stored(o, app_id)
    steps = [i.action for i in case_timeline(o.store, app_id) if i.kind == "step"]
    assert steps[0] == "create" and steps[-1] == "archive" and len(steps) == 12


def test_tekun_is_paid_from_next_month_and_reviewed(offices: Offices) -> None:
    o = offices
    household = new_household(o, names=("孙大爷",))
    with o.store.sessions.write() as s:  # an elderly man alone, unable to work, no supporter
        for p in s.scalars(select(Person).where(Person.household_id == household)):
            p.work_capacity, p.supporter = "none", "none"
    app_id = create_application(
        o.store, o.clerk, ApplicationInput(household, "tekun", D(2026, 9, 1))
    ).id
    v = _investigate(o, app_id, D(2026, 9, 1))
    assert get_case(o.store, app_id).deadline_step == "调查及初审"
    v = perform(
        o.store,
        o.h_supervisor,
        app_id,
        "record_preliminary",
        {"opinion": "符合特困条件"},
        D(2026, 9, 9),
        v,
    ).version
    v = perform(
        o.store,
        o.h_clerk,
        app_id,
        "open_notice",
        {"posted_hukou": True, "posted_residence": True},
        D(2026, 9, 10),
        v,
    ).version
    v = perform(o.store, o.h_clerk, app_id, "close_notice", {}, D(2026, 9, 17), v).version
    calculated = assess_application(o.store, o.h_supervisor, app_id).amount
    v = perform(
        o.store,
        o.h_supervisor,
        app_id,
        "confirm",
        {"amount": str(calculated), "family_stability": "stable"},
        D(2026, 9, 18),
        v,
    ).version
    view = start_payment(o.store, o.h_clerk, app_id, D(2026, 9, 21), v)
    assert view.snapshot.payment is not None
    assert view.snapshot.payment.start_on == D(2026, 10, 1)
    view = perform(o.store, o.h_clerk, app_id, "archive", {}, D(2026, 9, 22), view.version)
    view = perform(
        o.store,
        o.h_surveyor,
        app_id,
        "record_review",
        {"outcome": "stop", "reasons": ["本人已入住养老机构，由机构供养"]},
        D(2026, 11, 2),
        view.version,
    )
    assert view.state == "stopped" and view.next_deadline is None
    _replayed_equals_stored(o, app_id)  # fmt: skip


def test_emergency_aid_pays_from_the_reserve_fund_then_backfills(offices: Offices) -> None:
    o = offices
    start = reserve_balance(o.store, o.supervisor.office_id)  # the demo fund's own history
    deposit_reserve_fund(o.store, o.supervisor, "5000", D(2026, 9, 1), "区民政局拨付")
    app_id = new_application(o, "linshi_jinan", D(2026, 9, 2))
    v = accept_application(
        o.store, o.clerk, app_id, D(2026, 9, 2), get_case(o.store, app_id).version
    ).version
    missing = get_case(o.store, app_id).snapshot.missing_documents
    assert missing, "急难型 registers the missing documents without waiting for them"
    view = pay_emergency_aid(o.store, o.supervisor, app_id, Decimal("3000"), D(2026, 9, 2), v)
    assert view.state == "aid_paid" and view.deadline_step == "补办救助手续"
    assert reserve_balance(o.store, o.supervisor.office_id) == start + Decimal("2000.00")
    fill_survey(o, app_id, D(2026, 9, 4))
    finalize_survey(o.store, o.surveyor, app_id, D(2026, 9, 4))
    v = record_survey_from_record(o.store, o.surveyor, app_id, view.version).version
    v = perform(
        o.store,
        o.clerk,
        app_id,
        "complete_backfill",
        {"documents_received": list(missing)},
        D(2026, 9, 10),
        v,
    ).version
    view = perform(o.store, o.clerk, app_id, "archive", {}, D(2026, 9, 11), v)
    assert view.state == "closed" and view.next_deadline is None
    _replayed_equals_stored(o, app_id)  # fmt: skip
