"""巡访 in the core, on a real encrypted demo store: the plan, the visit record and its bad
input, problems to closure, the follow-up a change opens, coverage and the ledger."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop.domain.payment_status import paying_filter
from desktop.domain.visits import CHECKLIST, period_bounds
from desktop.errors import PermissionDenied, ValidationError
from desktop.services.base import Actor
from desktop.services.cases.case_steps import get_case
from desktop.services.cases.case_views import case_deadlines
from desktop.services.family.documents import attach_document
from desktop.services.family.drafts import load_draft, save_draft
from desktop.services.outreach.coordinators import assign_communities
from desktop.services.outreach.service_requests import list_requests
from desktop.services.outreach.visit_coverage import (
    coverage_report,
    export_ledger_xlsx,
    visit_ledger,
)
from desktop.services.outreach.visit_follow_ups import open_follow_up, pending_follow_ups
from desktop.services.outreach.visit_problems import (
    ProblemInput,
    assign_problem,
    close_problem,
    confirm_problem,
    list_problems,
    record_handling,
)
from desktop.services.outreach.visits import (
    VisitInput,
    submit_visit,
    visit_plan,
)
from desktop.store.models import Application, AuditEvent, Household, User
from desktop.store.store import Store
from tests.support import Desk, png_bytes

TODAY = date.today()
ALL_OK = dict.fromkeys(CHECKLIST, "ok")


def _coordinator(desk: Desk, communities: list[str] | None = None) -> tuple[Store, Actor]:
    store, coord = desk.as_user("coordinator")
    if communities is not None:
        _, admin = desk.as_user("admin")
        assign_communities(store, admin, coord.user_id, communities)
    return store, coord


def _files(store: Store, actor: Actor, household_id: str) -> tuple[str, str]:
    photo = attach_document(store, actor, household_id=household_id, kind="photo",
                            data=png_bytes(1), file_name="visit.png", title="走访照片")  # fmt: skip
    sign = attach_document(store, actor, household_id=household_id, kind="signature",
                           data=png_bytes(2), file_name="sign.png", title="被访人签字")  # fmt: skip
    return photo.id, sign.id


def _visit(household_id: str, **more: object) -> VisitInput:
    fields: dict = {"household_id": household_id, "visited_on": TODAY, "met": ["本人"],
                    "checklist": dict(ALL_OK), "notes": "生活正常"}  # fmt: skip
    fields.update(more)
    return VisitInput(**fields)


def test_the_plan_shows_only_the_coordinators_communities_masked(desk: Desk) -> None:
    store, coord = _coordinator(desk)
    everything = visit_plan(store, coord, TODAY, TODAY)
    some = sorted({t.community for t in everything.targets})[:2]
    store, coord = _coordinator(desk, some)
    plan = visit_plan(store, coord, TODAY, TODAY)
    assert plan.targets and {t.community for t in plan.targets} <= set(some)
    assert all("*" in t.id_number for t in plan.targets)
    assert all(t.categories and t.status in ("due", "overdue") for t in plan.targets)
    assert plan.count("due") + plan.count("overdue") == len(plan.targets)
    other = next(t for t in everything.targets if t.community not in some)
    with pytest.raises(PermissionDenied, match="未分配给您"):
        submit_visit(store, coord, _visit(other.household_id))


def test_a_visit_with_photo_and_signature_moves_the_target_out_of_the_plan(desk: Desk) -> None:
    store, coord = _coordinator(desk)
    target = visit_plan(store, coord, TODAY, TODAY).targets[0]
    photo, sign = _files(store, coord, target.household_id)
    save_draft(store, coord, "visit", target.household_id, {"notes": "草稿"})
    view = submit_visit(
        store, coord,
        _visit(target.household_id, photos=[photo], signature_id=sign, signed_by="户主",
               leaflet_given=True),
        draft_key=target.household_id,
    )  # fmt: skip
    assert view.photos == (photo,) and view.signature_id == sign and view.leaflet_given
    assert load_draft(store, coord, "visit", target.household_id) is None
    again = {t.household_id: t for t in visit_plan(store, coord, TODAY, TODAY).targets}
    moved = again[target.household_id]
    assert moved.last_visit == TODAY and moved.visits_in_period == 1
    assert moved.due == TODAY + timedelta(days=moved.interval_days)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"visited_on": TODAY + timedelta(days=1)}, "走访日期"),
        ({"visited_on": date(1990, 1, 1)}, "走访日期"),
        (
            {
                "checklist": {**ALL_OK, "health": "concern"},
                "problems": [ProblemInput("", "屋顶漏雨")],
            },
            "问题类别",
        ),  # fmt: skip
        ({"checklist": {**ALL_OK, "housing_safety": "concern"}}, "被访人签字"),
        ({"leaflet_given": True}, "被访人签字"),
        ({"met": []}, "见到的人"),
        ({"checklist": {**ALL_OK, "care": ""}}, "检查项（照料护理）"),
        ({"change_kind": "income"}, "变化情况"),
    ],
)
def test_bad_visits_are_refused_naming_the_field_and_the_draft_is_kept(
    desk: Desk, change: dict, field: str
) -> None:
    store, coord = _coordinator(desk)
    target = visit_plan(store, coord, TODAY, TODAY).targets[0]
    save_draft(store, coord, "visit", target.household_id, {"notes": "写了一半"})
    with store.sessions.read() as s:
        before = s.scalar(select(AuditEvent.chain_seq).order_by(AuditEvent.chain_seq.desc()))
    with pytest.raises(ValidationError) as caught:
        submit_visit(store, coord, _visit(target.household_id, **change),
                     draft_key=target.household_id)  # fmt: skip
    assert caught.value.field == field
    assert load_draft(store, coord, "visit", target.household_id) == {"notes": "写了一半"}
    with store.sessions.read() as s:
        after = s.scalar(select(AuditEvent.chain_seq).order_by(AuditEvent.chain_seq.desc()))
    assert after == before, "nothing is stored"


def _problem_visit(
    desk: Desk, urgency: str = "normal", on: date = TODAY
) -> tuple[Store, Actor, str]:
    store, coord = _coordinator(desk)
    target = visit_plan(store, coord, TODAY, TODAY).targets[0]
    photo, sign = _files(store, coord, target.household_id)
    view = submit_visit(
        store, coord,
        _visit(target.household_id, visited_on=on, checklist={**ALL_OK, "housing_safety": "concern"},
               signature_id=sign, signed_by="户主",
               problems=[ProblemInput("housing", "厨房屋顶漏雨", urgency, (photo,))]),
    )  # fmt: skip
    return store, coord, view.problem_ids[0]


def test_a_problem_is_assigned_handled_confirmed_and_closed_all_audited(desk: Desk) -> None:
    monday = date(2026, 11, 30)
    store, coord, pid = _problem_visit(desk, "urgent", monday)
    _, sup = desk.as_user("supervisor")
    _, clerk = desk.as_user("clerk")
    with pytest.raises(ValidationError, match="不能早于发现问题的日期") as early:
        assign_problem(store, sup, pid, "office", "友谊路街道城管科", monday - timedelta(days=1))
    assert early.value.field == "交办日期"
    with pytest.raises(PermissionDenied):
        assign_problem(store, coord, pid, "office", "友谊路街道城管科", monday)
    with pytest.raises(ValidationError, match="不能办理"):
        record_handling(store, clerk, pid, "已修缮", monday)
    assigned = assign_problem(store, sup, pid, "department", "区住房和建设委员会", monday)
    assert assigned.status == "assigned" and assigned.deadline == date(
        2026, 12, 3
    )  # 3 working days
    handled = record_handling(store, clerk, pid, "已协调维修屋顶", monday)
    assert handled.status == "handled"
    with pytest.raises(ValidationError, match="确认意见"):
        confirm_problem(store, coord, pid, False, "", monday)
    assert confirm_problem(store, coord, pid, True, "已修好", monday).status == "confirmed"
    closed = close_problem(store, sup, pid, monday)
    assert closed.status == "closed" and closed.closed_on == monday
    assert [h["action"] for h in closed.history] == [
        "report",
        "assign",
        "handle",
        "confirm",
        "close",
    ]
    with store.sessions.read() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == pid)))
    assert actions == ["report_visit_problem", "assign_visit_problem", "handle_visit_problem",
                       "confirm_visit_problem", "close_visit_problem"]  # fmt: skip


def test_an_unsolved_problem_goes_back_and_an_overdue_one_is_listed(desk: Desk) -> None:
    start = date(2026, 11, 2)
    store, coord, pid = _problem_visit(desk, on=start)
    _, sup = desk.as_user("supervisor")
    assigned = assign_problem(store, sup, pid, "office", "友谊路街道社会救助科", start)
    assert assigned.deadline == date(2026, 11, 16)  # 10 working days
    late = list_problems(store, sup, date(2026, 11, 17), overdue_only=True)
    assert [p.id for p in late] == [pid]
    record_handling(store, sup, pid, "已联系", start)
    reopened = confirm_problem(store, coord, pid, False, "仍漏雨", start)
    assert reopened.status == "assigned"
    assert [p.id for p in list_problems(store, coord, TODAY)] == [pid]


def _paying_target(store: Store, coord: Actor) -> str:
    for t in visit_plan(store, coord, TODAY, TODAY).targets:
        if "dibao" in t.categories:
            return t.household_id
    raise AssertionError("no 低保 target in the demo data")


def test_a_visit_finding_new_income_opens_a_periodic_review(desk: Desk) -> None:
    store, coord = _coordinator(desk)
    hid = _paying_target(store, coord)
    _photo, sign = _files(store, coord, hid)
    visit = submit_visit(
        store, coord,
        _visit(hid, change_kind="income", change_detail="儿子已在超市就业，月工资约3000元",
               checklist={**ALL_OK, "family_changes": "concern"}, signature_id=sign,
               signed_by="户主"),
    )  # fmt: skip
    _, sup = desk.as_user("supervisor")
    [pending] = [f for f in pending_follow_ups(store, sup) if f.visit_id == visit.id]
    assert pending.follow_up == "review" and pending.case_id
    opened = open_follow_up(store, sup, visit.id, TODAY)
    assert opened.follow_up == "review" and opened.follow_up_id == pending.case_id
    case = get_case(store, pending.case_id)
    assert case.snapshot.next_review_due is not None
    assert case.snapshot.next_review_due <= TODAY + timedelta(days=31)
    keys = {d.key for d in case_deadlines(store, pending.case_id, TODAY)}
    assert "review" in keys
    with pytest.raises(ValidationError, match="不能重复开启"):
        open_follow_up(store, sup, visit.id, TODAY)
    assert not [f for f in pending_follow_ups(store, sup) if f.visit_id == visit.id]


def test_a_hardship_found_in_a_family_without_a_case_opens_a_request(desk: Desk) -> None:
    store, coord = _coordinator(desk)
    _, sup = desk.as_user("supervisor")
    with store.sessions.read() as s:
        paying = set(
            s.scalars(select(Application.household_id).where(paying_filter(Application.state)))
        )
        hid = next(
            h.id
            for h in s.scalars(
                select(Household).where(Household.residence_office_id == sup.office_id)
            )
            if h.id not in paying and h.community
        )
    _photo, sign = _files(store, coord, hid)
    visit = submit_visit(
        store, coord,
        _visit(hid, change_kind="hardship", change_detail="户主突发重病住院，无力支付医疗费",
               signature_id=sign, signed_by="户主"),
    )  # fmt: skip
    opened = open_follow_up(store, sup, visit.id, TODAY)
    assert opened.follow_up == "request"
    [request] = [r for r in list_requests(store, sup.office_code) if r.id == opened.follow_up_id]
    assert request.channel == "patrol" and "突发重病" in request.need


def test_coverage_matches_a_generated_set_of_visits(desk: Desk) -> None:
    store, coord = _coordinator(desk)
    _, sup = desk.as_user("supervisor")
    targets = visit_plan(store, sup, TODAY, TODAY).targets
    rng = random.Random(15)
    visited = rng.sample(list(targets), k=len(targets) // 2)
    start, _end = period_bounds(TODAY)
    for t in visited:
        for _ in range(rng.randint(1, 2)):
            submit_visit(store, coord, _visit(t.household_id, visited_on=start))
    report = coverage_report(store, sup, TODAY, TODAY)
    assert report.targets == len(targets)
    assert report.visited == len(visited)
    assert {t.household_id for t in report.not_visited} == (
        {t.household_id for t in targets} - {t.household_id for t in visited}
    )
    for c in report.communities:
        mine = [t for t in targets if t.community == c.community]
        assert c.targets == len(mine)
        assert c.visited == len({t.household_id for t in visited if t.community == c.community})
    [load] = report.workloads
    assert load.coordinator == "赵协理" and load.targets == len(targets)
    assert load.not_visited == len(targets) - len(visited)
    with pytest.raises(PermissionDenied):
        coverage_report(store, coord, TODAY, TODAY)


def test_the_ledger_reads_back_from_excel_with_masked_ids(desk: Desk, tmp_path: Path) -> None:
    store, coord = _coordinator(desk)
    target = visit_plan(store, coord, TODAY, TODAY).targets[0]
    _photo, sign = _files(store, coord, target.household_id)
    submit_visit(store, coord, _visit(target.household_id, leaflet_given=True,
                                      signature_id=sign, signed_by="户主"))  # fmt: skip
    _, sup = desk.as_user("supervisor")
    ledger = visit_ledger(store, sup, target.community, TODAY)
    assert len(ledger.rows) == 1
    path = tmp_path / "台账.xlsx"
    assert export_ledger_xlsx(store, sup, target.community, TODAY, path) == 1
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert target.community in rows[0][0] and "走访台账" in rows[0][0]
    assert rows[2][:4] == ("序号", "走访日期", "户主姓名", "公民身份号码")
    line = rows[3]
    assert line[1] == TODAY.isoformat() and line[2] == target.name
    assert "*" in line[3] and len(line[3]) == 18
    assert line[9] == "已发放" and line[10] == "户主"
    with store.sessions.read() as s:
        users = {u.username: u.display_name for u in s.scalars(select(User))}
    assert line[5] == users["coordinator"]


def test_the_printed_ledger_holds_the_visits_with_masked_ids(desk: Desk) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from printing.visit_ledger import visit_ledger_pdf

    store, coord = _coordinator(desk)
    target = visit_plan(store, coord, TODAY, TODAY).targets[0]
    submit_visit(store, coord, _visit(target.household_id))
    _, sup = desk.as_user("supervisor")
    pdf = visit_ledger_pdf(store, sup, target.community, TODAY)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "走访台账" in text and target.community in text and target.name in text
    with store.sessions.read() as s:
        from desktop.store.models import Person

        numbers = list(
            s.scalars(select(Person.id_number).where(Person.household_id == target.household_id))
        )
    assert numbers and not any(n in text for n in numbers)
    assert target.id_number[:6] in text
