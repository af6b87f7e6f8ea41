"""Demo 巡访 rows for the demo store: visits of most targets over the last two months, a few
problems at every stage (one overdue), and a change in a family waiting for its follow-up."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from desktop.domain.visits import CHECKLIST
from desktop.services.base import Actor, Role
from desktop.services.family.documents import attach_document
from desktop.services.outreach.visit_problems import (
    ProblemInput,
    assign_problem,
    close_problem,
    confirm_problem,
    record_handling,
)
from desktop.services.outreach.visits import VisitInput, household_since, submit_visit, visit_plan
from desktop.store.models import Household, Office, User
from desktop.store.store import Store


def _signature_png(seed: int) -> bytes:
    """A pen stroke on white, as the signature pad saves it (the demo's drawn signature)."""
    img = Image.new("L", (240, 80), 255)
    wave = [(10 + 22 * i, 40 + ((seed * 7 + i * 13) % 30) - 15) for i in range(11)]
    ImageDraw.Draw(img).line(wave, fill=0, width=3)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


OK = dict.fromkeys(CHECKLIST, "ok")
PROBLEMS = (
    ("housing", "厨房屋顶漏雨，需修缮", "urgent"),
    ("care", "独居老人行动不便，需助餐服务", "normal"),
    ("heating", "冬季取暖设备老化", "normal"),
)


def _actor(store: Store, role: str) -> Actor:
    with store.sessions.read() as s:
        user = s.scalars(select(User).where(User.role == role)).first()
        assert user is not None
        office = s.get(Office, user.office_id)
        assert office is not None
        return Actor(user.id, user.username, user.display_name, Role(role), office.id,
                     office.code, office.name)  # fmt: skip


def _since(store: Store, household_id: str) -> date:
    with store.sessions.read() as s:
        household = s.get(Household, household_id)
        assert household is not None
        return household_since(s, household)


def _signature(store: Store, actor: Actor, household_id: str) -> str:
    data = _signature_png(len(household_id) + ord(household_id[0]))
    return attach_document(store, actor, household_id=household_id, kind="signature",
                           data=data, file_name="signature.png", title="被访人签字").id  # fmt: skip


def seed_visits(store: Store, seed_value: int = 15, today: date | None = None) -> int:
    """Record demo visits and problems through the services; returns the visits recorded."""
    today = today or date.today()
    rng = random.Random(seed_value)
    coord, sup = _actor(store, "coordinator"), _actor(store, "supervisor")
    targets = list(visit_plan(store, coord, today, today).targets)
    count = 0
    for n, t in enumerate(targets[: len(targets) * 3 // 4]):
        on = max(today - timedelta(days=rng.randint(0, 55)), _since(store, t.household_id))
        problem = PROBLEMS[n // 2] if n % 2 == 0 and n // 2 < len(PROBLEMS) else None
        checklist = {**OK, "heating": "na" if on.month in (4, 5, 6, 7, 8, 9, 10) else "ok"}
        fields: dict = {}
        if problem:
            key = {"housing": "housing_safety", "care": "care", "heating": "heating"}[problem[0]]
            checklist[key] = "concern"
            fields = {"signature_id": _signature(store, coord, t.household_id), "signed_by": "户主",
                      "problems": [ProblemInput(*problem)]}  # fmt: skip
        elif n % 3 == 0:
            fields = {"signature_id": _signature(store, coord, t.household_id), "signed_by": "户主",
                      "leaflet_given": True}  # fmt: skip
        view = submit_visit(
            store, coord,
            VisitInput(t.household_id, on, ["户主"], checklist, "生活基本正常，已宣传救助政策", **fields),
        )  # fmt: skip
        count += 1
        if view.problem_ids:
            _work(store, sup, coord, view.problem_ids[0], on, n // 2, today)
    rest = targets[len(targets) * 3 // 4 :]
    if rest:
        t = rest[0]
        submit_visit(
            store, coord,
            VisitInput(t.household_id, today, ["户主"], {**OK, "family_changes": "concern"},
                       "户主之子已就业", signature_id=_signature(store, coord, t.household_id),
                       signed_by="户主", change_kind="income",
                       change_detail="户主之子已在超市就业，月工资约3000元"),
        )  # fmt: skip
        count += 1
    return count


def _work(
    store: Store, sup: Actor, coord: Actor, pid: str, found: date, stage: int, today: date
) -> None:
    """Problem 0 is closed, problem 1 overdue with its handler, problem 2 waits to be assigned."""
    if stage == 0:
        assign_problem(store, sup, pid, "department", "区住房和建设委员会", found)
        record_handling(store, sup, pid, "已协调维修屋顶", min(found + timedelta(days=3), today))
        confirm_problem(
            store, coord, pid, True, "复访确认已修好", min(found + timedelta(days=5), today)
        )
        close_problem(store, sup, pid, min(found + timedelta(days=5), today))
    elif stage == 1:
        assign_problem(
            store, sup, pid, "office", "街道养老服务中心", max(found, today - timedelta(days=30))
        )
