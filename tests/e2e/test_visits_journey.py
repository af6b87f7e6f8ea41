"""巡访 over the real hub: a coordinator's laptop (desk A) visits offline and syncs; the
supervisor on the office's other PC (desk A2) assigns, records the handling and closes; the
hub escalates the overdue problem to the district and counts by office and district; a visit
finding new income opens the periodic review of the family's case on both PCs.

Desks are separate encrypted data folders; everything travels through the hub over 127.0.0.1.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from desktop.domain.visits import CHECKLIST, period_bounds
from desktop.services.cases.case_steps import get_case
from desktop.services.family.documents import attach_document
from desktop.services.family.drafts import load_draft, save_draft
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
from desktop.store.visit_models import HomeVisit, VisitProblem
from sync.hub import db
from sync.hub.server import HubThread
from sync.hub.visit_supervision import district_problems, escalate_problems, visit_counts
from tests.e2e.helpers import A
from tests.support import Desk, png_bytes
from tests.sync_client.conftest import link

TODAY = date.today()
OK = dict.fromkeys(CHECKLIST, "ok")


def test_visits_problems_and_a_review_over_the_hub(
    hub: HubThread, desk: Desk, second_desk: Desk
) -> None:
    a = link(desk, hub, A, "协理员平板")
    a2 = link(second_desk, hub, A, "二号窗口电脑")
    assert a.sync().ok and a2.sync().ok and a.sync().ok
    store, coord = desk.as_user("coordinator")
    database = hub.app.state.database

    # the plan, then an offline visit from a draft, with a photo and the family's signature
    plan = visit_plan(store, coord, TODAY, TODAY)
    assert plan.targets and plan.count("done") == 0
    home = next(t for t in plan.targets if "dibao" not in t.categories)
    photo = attach_document(store, coord, household_id=home.household_id, kind="photo",
                            data=png_bytes(1), file_name="roof.png", title="走访照片")  # fmt: skip
    sign = attach_document(store, coord, household_id=home.household_id, kind="signature",
                           data=png_bytes(2), file_name="sign.png", title="被访人签字")  # fmt: skip
    save_draft(store, coord, "visit", home.household_id, {"notes": "屋顶漏雨"})
    earlier = submit_visit(
        store, coord,
        VisitInput(home.household_id, TODAY - timedelta(days=40), ["户主"], {**OK, "care": "concern"},
                   "老人行动不便", signature_id=sign.id, signed_by="户主",
                   problems=[ProblemInput("care", "需要助餐服务", "normal")]),
    )  # fmt: skip
    visit = submit_visit(
        store, coord,
        VisitInput(home.household_id, TODAY, ["户主"], {**OK, "housing_safety": "concern"},
                   "屋顶漏雨", [photo.id], sign.id, "户主", True,
                   problems=[ProblemInput("housing", "厨房屋顶漏雨", "urgent", (photo.id,))]),
        draft_key=home.household_id,
    )  # fmt: skip
    assert load_draft(store, coord, "visit", home.household_id) is None
    [roof], [meals] = visit.problem_ids, earlier.problem_ids
    assert a.sync().ok
    with database.read() as conn:
        t = db.records.c
        stored = set(conn.execute(select(t.entity, t.id).where(t.entity.in_(
            ["home_visit", "visit_problem"]))).all())  # fmt: skip
        have = set(conn.execute(select(db.attachments.c.sha256)).scalars())
    assert {("home_visit", visit.id), ("visit_problem", roof), ("visit_problem", meals)} <= stored
    assert photo.sha256 in have and sign.sha256 in have

    # the supervisor on the other PC assigns both; one is handled in time, one runs late
    assert a2.sync().ok
    store2, sup = second_desk.as_user("supervisor")
    inbox = {p.id: p for p in list_problems(store2, sup, TODAY)}
    assert {roof, meals} <= set(inbox) and inbox[roof].status == "open"
    assign_problem(store2, sup, roof, "department", "区住房和建设委员会", TODAY)
    late_start = TODAY - timedelta(days=40)
    late = assign_problem(store2, sup, meals, "office", "友谊路街道养老服务中心", late_start)
    assert late.deadline is not None and late.deadline < TODAY and late.overdue
    record_handling(store2, sup, roof, "已协调维修屋顶并复查", TODAY)
    assert a2.sync().ok

    # the hub escalates the late one to 河西区 (once), and the district sees it
    assert escalate_problems(database) == {"河西区": 1}
    assert escalate_problems(database) == {}
    [escalated] = district_problems(database, "河西区")
    assert escalated.problem_id == meals and escalated.status == "assigned"
    assert escalated.office_code == A and escalated.community == home.community

    # the coordinator confirms on the next visit; the supervisor closes
    assert a.sync().ok
    with store.sessions.read() as s:
        assert s.get(VisitProblem, roof).status == "handled"  # type: ignore[union-attr]
    confirm_problem(store, coord, roof, True, "复访确认已修好", TODAY, visit_id=visit.id)
    assert a.sync().ok and a2.sync().ok
    closed = close_problem(store2, sup, roof, TODAY)
    assert closed.status == "closed"
    assert [h["action"] for h in closed.history] == [
        "report",
        "assign",
        "handle",
        "confirm",
        "close",
    ]
    assert a2.sync().ok and a.sync().ok
    with store.sessions.read() as s:
        assert s.get(VisitProblem, roof).status == "closed"  # type: ignore[union-attr]

    # a visit finding new income opens the periodic review of the family's case
    paying = next(t for t in plan.targets if "dibao" in t.categories)
    sign2 = attach_document(store, coord, household_id=paying.household_id, kind="signature",
                            data=png_bytes(3), file_name="s2.png", title="被访人签字")  # fmt: skip
    change = submit_visit(
        store, coord,
        VisitInput(paying.household_id, TODAY, ["户主"], {**OK, "family_changes": "concern"},
                   signature_id=sign2.id, signed_by="户主", change_kind="income",
                   change_detail="女儿已就业，月工资约3500元"),
    )  # fmt: skip
    _s, sup_a = desk.as_user("supervisor")
    [pending] = [f for f in pending_follow_ups(store, sup_a) if f.visit_id == change.id]
    assert pending.follow_up == "review"
    opened = open_follow_up(store, sup_a, change.id, TODAY)
    assert opened.follow_up == "review" and opened.follow_up_id == pending.case_id
    case = get_case(store, pending.case_id)
    assert case.snapshot.next_review_due is not None
    assert case.snapshot.next_review_due <= TODAY + timedelta(days=31)
    assert a.sync().ok and a2.sync().ok
    with database.read() as conn:
        t = db.records.c
        payloads = dict(conn.execute(select(t.id, t.payload).where(
            t.id.in_([change.id, pending.case_id]))).all())  # fmt: skip
    assert json.loads(payloads[change.id])["follow_up"] == "review"
    hub_case = json.loads(payloads[pending.case_id])
    assert hub_case["workflow"]["next_review_due"] == case.snapshot.next_review_due.isoformat()
    with store2.sessions.read() as s:
        assert s.get(HomeVisit, change.id).follow_up == "review"  # type: ignore[union-attr]

    # the article's counts, by office and district
    start, end = period_bounds(TODAY)
    rows = {(r.district, r.office_code): r for r in visit_counts(database, start, end)}
    office, total = rows[("河西区", A)], rows[("河西区", "")]
    # this month: the roof visit and the income visit (the meals visit was 40 days ago)
    assert office.visits == 2 and office.households == 2
    assert office.problems_found == 1 and office.problems_solved == 1
    assert office.problems_escalated == 1
    assert total.visits == office.visits and total.office_name == "河西区合计"
