"""Demo cases walked through the pure workflow machine from 待受理 to their target state with
plausible dates, giving consistent snapshots, events and deadline columns (no services)."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.workflow import (
    ACTIONS,
    Actor,
    AuditEvent,
    CaseSnapshot,
    Role,
    Side,
    apply,
    holder,
    new_case,
)
from desktop.domain.workflow.context import current_amount
from desktop.services.cases.case_codec import snapshot_to_json
from desktop.services.cases.case_steps import event_time
from desktop.services.cases.deadlines import case_deadline, deadline_columns, plain_calendar

SURVEYORS = ["王调查", "刘明"]
_STANDARD_PATH = [
    ("accept", 0, 1),
    ("request_check", 0, 1),
    ("schedule_survey", 0, 1),
    ("record_survey", 1, 2),
    ("record_check_report", 1, 4),
    ("hand_over", 0, 1),
    ("record_preliminary", 1, 3),
    ("open_notice", 0, 2),
    ("close_notice", 7, 8),
    ("confirm", 1, 8),
    ("start_payment", 0, 2),
    ("archive", 1, 4),
]
_STOP_AFTER = {
    "new": 0,
    "accepted": 1,
    "investigating": 3,
    "preliminary_review": 6,
    "notice_pending": 7,
    "in_notice": 8,
    "confirming": 9,
    "confirmed": 10,
    "paying": 11,
    "archived": 12,
}
_EMERGENCY = {
    "new": [],
    "accepted": [("accept", 0, 0)],
    "aid_paid": [("accept", 0, 0), ("pay_emergency_aid", 0, 1), ("schedule_survey", 0, 2)],
    "closed": [
        ("accept", 0, 0),
        ("pay_emergency_aid", 0, 1),
        ("record_survey", 1, 3),
        ("complete_backfill", 1, 6),
        ("archive", 0, 3),
    ],
}
_AMOUNTS = {"tekun": (1870, 2670), "bianyuan": (314, 314), "gangxing": (0, 0)}
_MONTHLY = ("dibao", "bianyuan", "tekun")
_SLACK = {"paying": 25, "archived": 700, "refused": 400, "withdrawn": 300, "closed": 500}


def _plan(rng: random.Random, kind: str, target: str) -> list[tuple[str, int]]:
    """(action, days after the previous step) leading to ``target``."""
    if kind == "linshi_jinan":
        mapped = {"new": "new", "accepted": "accepted", "withdrawn": "withdrawn"}.get(target)
        if mapped is None:
            mapped = "closed" if target in ("paying", "archived") else "aid_paid"
        if mapped == "withdrawn":
            return [("accept", 0), ("withdraw", rng.randint(1, 5))]
        return [(a, rng.randint(lo, hi)) for a, lo, hi in _EMERGENCY[mapped]]
    if target == "withdrawn":
        return [("accept", 0), ("withdraw", rng.randint(1, 10))]
    if target == "refused":
        steps = [(a, rng.randint(lo, hi)) for a, lo, hi in _STANDARD_PATH[:6]]
        steps.append(("refuse", rng.randint(1, 5)))
        if rng.random() < 0.8:
            steps.append(("send_refusal_letter", rng.randint(0, 2)))
        return steps
    steps = [(a, rng.randint(lo, hi)) for a, lo, hi in _STANDARD_PATH[: _STOP_AFTER[target]]]
    if target == "accepted" and rng.random() < 0.3:
        steps = [("accept_missing", 0)]
    elif len(steps) >= 9 and rng.random() < 0.1:  # an objection → democratic appraisal
        i = [a for a, _ in steps].index("close_notice")
        extra = [("record_objection", 2), ("record_appraisal", 3), ("record_preliminary", 2)]
        steps = steps[:i] + [extra[0]] + [steps[i]] + extra[1:] + steps[i + 1 :]
    return steps


def _params(
    rng: random.Random, case: CaseSnapshot, action: str, when: date, amount: Decimal | None = None
) -> dict[str, Any]:
    kind = case.assistance_type.value
    if action == "accept":
        return {"missing_documents": []}
    if action == "accept_missing":
        return {"missing_documents": ["近三个月收入证明"]}
    if action == "schedule_survey":
        return {"planned_on": when, "surveyors": SURVEYORS}
    if action == "record_survey":
        return {
            "surveyors": SURVEYORS,
            "members_present": ["申请人"],
            "findings": "家中陈设简单，无大额财产，邻居反映情况属实",
            "mode": "onsite",
            "signed_by_surveyors": True,
            "signed_by_family": True,
        }
    if action == "confirm":
        lo, hi = _AMOUNTS.get(kind, (300, 1045))
        drawn = f"{rng.randint(lo, hi)}.00"  # drawn even when given: the same dates follow
        given = {} if amount is None else {"amount": str(amount), "calculated_amount": str(amount)}
        return {
            "amount": drawn,
            "family_stability": rng.choice(["stable", "stable", "variable"]),
            **given,
        }
    fixed: dict[str, dict[str, Any]] = {
        "record_check_report": {"reference": f"HD{when:%Y%m%d}-{rng.randint(1, 9999):04d}"},
        "record_preliminary": {"opinion": "材料齐全，情况属实，同意上报"},
        "open_notice": {"posted_hukou": True, "posted_residence": True},
        "record_objection": {"content": "群众反映其家庭有营运车辆"},
        "record_appraisal": {"participants": 9, "result": "经评议，车辆已报废，情况属实"},
        "refuse": {"reasons": ["家庭人均收入高于当地低保标准"]},
        "send_refusal_letter": {"delivery": "当面送达"},
        "start_payment": {"pay_from": "next_month" if kind == "tekun" else "decision_date"},
        "withdraw": {"reason": "申请人主动撤回"},
        "pay_emergency_aid": {"amount": f"{rng.randint(5, 40) * 100}.00"},
        "complete_backfill": {"documents_received": list(case.missing_documents)},
    }
    return fixed.get(action, {})


def _actor(case: CaseSnapshot, action: str) -> Actor:
    spec = ACTIONS[action]
    role = next(r for r in (Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR) if r in spec.roles)
    sides = spec.sides if spec.sides is not None else holder(case)
    side = Side.HUKOU if Side.HUKOU in sides else Side.RESIDENCE
    return Actor(role, case.residence_office if side is Side.RESIDENCE else case.hukou_office)


class DemoIds:
    """Ids of demo rows: random version-4 UUIDs as text, drawn from three streams (the rows of
    the families, the case events, the reserve fund) so every path that writes the same rows
    in the same order gives them the same ids; seeded, the same ids for the same seed."""

    def __init__(self, seed: int | None = None) -> None:
        def stream(name: str) -> random.Random:
            return random.Random() if seed is None else random.Random(f"{seed}/{name}")

        self.rows, self.events, self.funds = stream("rows"), stream("events"), stream("funds")

    @staticmethod
    def draw(rng: random.Random) -> str:
        """A version-4 UUID as text, several times cheaper than uuid.uuid4() for bulk rows."""
        h = f"{rng.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"

    def row(self) -> str:
        return self.draw(self.rows)


Plan = list[tuple[str, int]]


def plan_demo_case(rng: random.Random, kind: str, target: str, today: date) -> tuple[Plan, date]:
    """The steps (action, days after the previous one) leading to ``target`` and the day the
    case was filed: the first draws of ``walk_demo_case``."""
    plan = _plan(rng, kind, target)
    span = sum(days for _, days in plan)
    return plan, today - timedelta(days=span + rng.randint(0, _SLACK.get(target, 12)))


def step_dates(plan: Plan, start: date, today: date) -> list[date]:
    """The day of each planned step (as ``walk_planned`` takes them)."""
    out, when = [], start
    for _action, days in plan:
        when = min(today, when + timedelta(days=days))
        out.append(when)
    return out


def walk_demo_case(
    rng: random.Random,
    case_id: str,
    kind: str,
    target: str,
    residence: str,
    hukou: str,
    filed: str,
    today: date,
    applicant: str = "申请人",
    amount: Decimal | None = None,
) -> tuple[CaseSnapshot, list[AuditEvent]]:
    """Walk one case to ``target`` (or the nearest state its type has) ending no later than today;
    ``amount`` (the engine's calculation) is the amount confirmed, else a plausible one."""
    plan, start = plan_demo_case(rng, kind, target, today)
    return walk_planned(
        rng, plan, start, case_id, kind, residence, hukou, filed, today, applicant, amount
    )


def walk_planned(
    rng: random.Random,
    plan: Plan,
    start: date,
    case_id: str,
    kind: str,
    residence: str,
    hukou: str,
    filed: str,
    today: date,
    applicant: str = "申请人",
    amount: Decimal | None = None,
) -> tuple[CaseSnapshot, list[AuditEvent]]:
    """The rest of ``walk_demo_case`` once the plan is drawn: every step through the machine,
    then the periodic reviews done so far. The draws do not depend on ``amount``."""
    opened = new_case(case_id, kind, residence, hukou, Actor(Role.CLERK, filed), start)
    case, events, when = opened.snapshot, [opened.event], start
    for action, days in plan:
        when = min(today, when + timedelta(days=days))
        real = "accept" if action == "accept_missing" else action
        params = _params(rng, case, action, when, amount)
        if real == "record_survey":
            params["members_present"] = [applicant]
        step = apply(case, real, _actor(case, real), when, params)
        case = step.snapshot
        events.append(step.event)
    # Periodic reviews done so far; about one in four is left overdue.
    while (
        case.in_payment
        and case.archived_on is not None
        and case.next_review_due is not None
        and case.next_review_due <= today
        and rng.random() < 0.75
    ):
        day = max(
            case.last_action_on,
            min(today, case.next_review_due - timedelta(days=rng.randint(0, 20))),
        )
        step = apply(
            case, "record_review", _actor(case, "record_review"), day, {"outcome": "unchanged"}
        )
        case = step.snapshot
        events.append(step.event)
    return case, events


def demo_case_rows(
    app_id: str,
    case: CaseSnapshot,
    events: list[AuditEvent],
    names: dict[tuple[str, str], str],
    today: date,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Column values of the application and the ``case_events`` rows of one walked case (their
    ids are drawn when they are written, in the order they are written)."""
    cols: dict[str, Any] = {
        "state": case.state.value,
        "archived_on": case.archived_on,
        "applied_on": case.applied_on,
        "workflow": snapshot_to_json(case),
        "version": len(events),
        "benefit_amount": current_amount(case) if case.approved_amount is not None else None,
        # The programme a decided monthly case is paid under (as 资格测算 records it).
        "benefit_programme": case.assistance_type.value
        if case.approved_amount is not None and case.assistance_type.value in _MONTHLY
        else "",
        **deadline_columns(case_deadline(case, lambda _code: plain_calendar(today), today)),
    }
    rows = []
    for seq, e in enumerate(events, start=1):
        rows.append(
            {
                "application_id": app_id,
                "seq": seq,
                "at": event_time(e.on, seq),
                "on": e.on,
                "action": e.action,
                "label": e.label_cn,
                "from_state": e.from_state.value if e.from_state else None,
                "to_state": e.to_state.value,
                "actor_name": names.get((e.actor_office, e.actor_role.value), "街道工作人员"),
                "role": e.actor_role.value,
                "office_code": e.actor_office,
                "side": e.actor_side.value,
                "data": dict(e.data),
            }
        )
    return cols, rows


def staff_names(home_code: str) -> dict[tuple[str, str], str]:
    """Display names of the demo users at the demo office, by (office code, role)."""
    from desktop.demo_data import PASSWORDS

    return {(home_code, role): display for display, role, _ in PASSWORDS.values()}


class ReserveFund:
    """A ledger consistent with the demo payouts: one deposit per paying office, then payouts;
    the events may come in parts (in their order)."""

    def __init__(self, offices: list[dict[str, Any]], ids: DemoIds) -> None:
        self.by_code = {o["code"]: o["id"] for o in offices}
        self.ids = ids
        self.payouts: list[tuple[str, date, Decimal, str]] = []
        self.paid: dict[str, Decimal] = {}
        self.first: dict[str, date] = {}

    def add(self, events: list[dict[str, Any]]) -> None:
        for e in events:
            if e["action"] != "pay_emergency_aid":
                continue
            office_id = self.by_code[e["office_code"]]
            amount = Decimal(e["data"]["amount"])
            self.paid[office_id] = self.paid.get(office_id, Decimal(0)) + amount
            self.first[office_id] = min(self.first.get(office_id, e["on"]), e["on"])
            self.payouts.append((office_id, e["on"], amount, e["application_id"]))

    def rows(self) -> list[dict[str, Any]]:
        rows = [
            self._row(office_id, on, -amount, "payout", app, "先行救助")
            for office_id, on, amount, app in self.payouts
        ]
        for office_id, total in self.paid.items():
            deposit = (total / 10000).to_integral_value(rounding="ROUND_UP") * 10000 + 50000
            day = self.first[office_id] - timedelta(days=1)
            rows.append(self._row(office_id, day, deposit, "deposit", None, "区民政局拨付备用金"))
        return rows

    def _row(
        self, office_id: str, on: date, amount: Decimal, kind: str, app: str | None, note: str
    ) -> dict[str, Any]:
        return {
            "id": self.ids.draw(self.ids.funds),
            "office_id": office_id,
            "on": on,
            "amount": amount,
            "kind": kind,
            "application_id": app,
            "note": note,
            "actor": "系统导入",
            "created_at": datetime.combine(on, time(8, 30)),
        }


_EVENT_COLUMNS = (
    "id", "application_id", "seq", "at", "on", "action", "label", "from_state", "to_state",
    "actor_name", "role", "office_code", "side", "data",
)  # fmt: skip


def case_event_values(
    rows: list[dict[str, Any]], ids: DemoIds
) -> tuple[str, list[tuple[Any, ...]]]:
    """The INSERT statement and driver values of demo events (pre-formatted the way
    SQLAlchemy stores them: ISO dates, "YYYY-MM-DD HH:MM:SS.ffffff" times, JSON text), each
    given the next id of the events' stream."""
    cols = ", ".join(f'"{c}"' for c in _EVENT_COLUMNS)
    marks = ", ".join("?" for _ in _EVENT_COLUMNS)
    dumps, draw, stream = json.dumps, ids.draw, ids.events
    values = [
        (
            draw(stream), r["application_id"], r["seq"], r["at"].strftime("%Y-%m-%d %H:%M:%S.000000"),
            r["on"].isoformat(), r["action"], r["label"], r["from_state"], r["to_state"],
            r["actor_name"], r["role"], r["office_code"], r["side"], dumps(r["data"]),
        )
        for r in rows
    ]  # fmt: skip
    return f"INSERT INTO case_events ({cols}) VALUES ({marks})", values


def insert_case_events(session: Session, rows: list[dict[str, Any]], ids: DemoIds) -> None:
    """Bulk insert of demo events through the driver (see ``case_event_values``)."""
    if rows:
        sql, values = case_event_values(rows, ids)
        session.connection().exec_driver_sql(sql, values)  # type: ignore[arg-type]
