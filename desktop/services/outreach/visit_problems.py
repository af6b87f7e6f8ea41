"""走访发现问题 to closure: found on a visit, assigned to the street office or a department
with a deadline on the working-day calendar, handled, confirmed by the coordinator, closed by
a supervisor — every state change audited and synced (the hub escalates the overdue ones)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy.codes import PROBLEM_DEADLINE_DAYS, PROBLEM_URGENCIES
from desktop.domain.visits import (
    HANDLER_KINDS,
    OPEN_STATUSES,
    PROBLEM_CATEGORIES,
    PROBLEM_STATUSES,
    STEP_LABELS,
    problem_step,
)
from desktop.errors import NotFound, PolicyError, ValidationError
from desktop.services.base import (
    Actor,
    Role,
    Scope,
    UnitOfWork,
    choice,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.cases.case_policy import policy_value
from desktop.services.cases.deadlines import Calendars
from desktop.services.scope import COORDINATOR, assigned_communities
from desktop.store.models import Household, Office
from desktop.store.store import Store
from desktop.store.visit_models import HomeVisit, VisitProblem

ASSIGNERS = {Role.SUPERVISOR, Role.ADMIN}
HANDLERS = {Role.CLERK, Role.SUPERVISOR, Role.ADMIN}
CONFIRMERS = {Role.COORDINATOR, Role.SUPERVISOR}
CHANGES = frozenset({"visits"})


@dataclass(frozen=True)
class ProblemInput:
    """A problem found on a visit, as the coordinator reports it."""

    category: str
    description: str
    urgency: str = "normal"
    photos: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProblemView:
    """One problem as the inboxes show it."""

    id: str
    household_id: str
    visit_id: str
    community: str
    category: str
    description: str
    urgency: str
    photos: tuple[str, ...]
    status: str
    found_on: date
    found_by: str
    handler_kind: str
    handler: str
    deadline: date | None
    action_taken: str
    handled_on: date | None
    closed_on: date | None
    history: tuple[dict, ...]
    overdue: bool

    @property
    def category_label(self) -> str:
        return PROBLEM_CATEGORIES.get(self.category, self.category)

    @property
    def status_label(self) -> str:
        return PROBLEM_STATUSES[self.status]

    @property
    def urgency_label(self) -> str:
        return PROBLEM_URGENCIES.get(self.urgency, self.urgency)


def _view(p: VisitProblem, today: date) -> ProblemView:
    return ProblemView(
        p.id, p.household_id, p.visit_id, p.community, p.category, p.description, p.urgency,
        tuple(p.photos or ()), p.status, p.found_on, p.found_by, p.handler_kind, p.handler,
        p.deadline, p.action_taken, p.handled_on, p.closed_on, tuple(p.history or ()),
        is_overdue(p.status, p.deadline, today),
    )  # fmt: skip


def is_overdue(status: str, deadline: date | None, today: date) -> bool:
    """Not yet handled and past its deadline (what the district supervises)."""
    return status in ("open", "assigned") and deadline is not None and deadline < today


def problem_days(session: Session, urgency: str, day: date, district: str | None) -> int:
    """Working days to handle a problem of ``urgency`` found on ``day`` (policy rows)."""
    try:
        value = policy_value(session, f"visit.problem_days.{urgency}", day, district)
    except PolicyError:
        value = None
    return int(str(value)) if value is not None else PROBLEM_DEADLINE_DAYS[urgency]


def problem_deadline(session: Session, office_code: str, urgency: str, assigned_on: date) -> date:
    """The handling deadline: the urgency's working days after assignment, on the office's
    own working-day calendar."""
    district = session.scalar(select(Office.region_code).where(Office.code == office_code))
    days = problem_days(session, urgency, assigned_on, district)
    return Calendars(session, assigned_on)(office_code).add_working_days(assigned_on, days)


def _step(
    p: VisitProblem, action: str, actor: Actor, on: date, note: str = "", **more: Any
) -> None:
    """Move the problem by ``action`` on day ``on`` and append the step to its history."""
    if action != "report":
        label = f"{STEP_LABELS[action][:2]}日期"
        if on > date.today():
            raise ValidationError(label, "不能晚于今天")
        if on < p.found_on:
            raise ValidationError(label, f"不能早于发现问题的日期{p.found_on.isoformat()}")
    p.status = problem_step(p.status, action) if action != "report" else "open"
    entry = {"on": on.isoformat(), "action": action, "label": STEP_LABELS[action],
             "by": actor.display_name, "role": actor.role.value, "note": note, **more}  # fmt: skip
    p.history = [*(p.history or []), entry]


def add_problem(
    uow: UnitOfWork, household: Household, visit_id: str, data: ProblemInput, found_on: date
) -> VisitProblem:
    """Write a checked problem a visit found, inside the visit's transaction."""
    p = VisitProblem(
        household_id=household.id, visit_id=visit_id, community=household.community,
        office_code=uow.office_code(household.residence_office_id), category=data.category,
        description=data.description, urgency=data.urgency, photos=list(data.photos),
        found_on=found_on, found_by=uow.actor.display_name, status="open", history=[],
    )  # fmt: skip
    _step(p, "report", uow.actor, found_on, data.description[:100])
    uow.record(
        p, action="report_visit_problem",
        summary=f"走访发现问题（{PROBLEM_CATEGORIES[p.category]}，{PROBLEM_URGENCIES[p.urgency]}）",
    )  # fmt: skip
    return p


def _problem(s: Session, problem_id: str) -> VisitProblem:
    p = s.get(VisitProblem, problem_id)
    if p is None or p.deleted:
        raise NotFound("该问题不存在")
    return p


@service(roles=CONFIRMERS | ASSIGNERS | HANDLERS,
         scope=Scope.NONE("lists only the actor's visible households"))  # fmt: skip
def list_problems(
    store: Store,
    actor: Actor,
    today: date,
    *,
    status: str | None = None,
    overdue_only: bool = False,
    community: str | None = None,
) -> list[ProblemView]:
    """The problems this office handles (found in families living here; a coordinator's
    communities only), open ones first by deadline; filters: ``status``, only overdue, one
    community."""
    if status is not None:
        choice(status, "办理状态", PROBLEM_STATUSES)
    with store.sessions.read() as s:
        q = select(VisitProblem).where(
            VisitProblem.office_code == actor.office_code, VisitProblem.deleted.is_(False)
        )
        if actor.role == COORDINATOR:
            q = q.where(VisitProblem.community.in_(sorted(assigned_communities(s, actor.user_id))))
        if status is not None:
            q = q.where(VisitProblem.status == status)
        if community:
            q = q.where(VisitProblem.community == community)
        rows = [_view(p, today) for p in s.scalars(q)]
    rows = [r for r in rows if not overdue_only or r.overdue]
    return sorted(
        rows,
        key=lambda r: (r.status not in OPEN_STATUSES, not r.overdue, r.deadline or date.max,
                       r.found_on),
    )  # fmt: skip


@service(roles=ASSIGNERS, scope=Scope.VISIT_PROBLEM("problem_id"), changes=CHANGES)
def assign_problem(
    store: Store, actor: Actor, problem_id: str, handler_kind: str, handler: str, when: date
) -> ProblemView:
    """交办: to the street office or a department; the deadline follows from the urgency on
    the working-day calendar. Assigning again (another handler) restarts the deadline."""
    choice(handler_kind, "承办单位类型", HANDLER_KINDS)
    who = require_text(handler, "承办单位", max_len=60)
    with unit_of_work(store, actor) as uow:
        p = _problem(uow.session, problem_id)
        _step(p, "assign", actor, when, f"{HANDLER_KINDS[handler_kind]}：{who}")
        p.handler_kind, p.handler = handler_kind, who
        p.deadline = problem_deadline(uow.session, p.office_code, p.urgency, when)
        uow.record(p, action="assign_visit_problem",
                   summary=f"交办走访发现问题：{who}，{p.deadline}前办结")  # fmt: skip
        return _view(p, date.today())


@service(roles=HANDLERS, scope=Scope.VISIT_PROBLEM("problem_id"), changes=CHANGES)
def record_handling(
    store: Store, actor: Actor, problem_id: str, action_taken: str, when: date
) -> ProblemView:
    """The handler's answer (办理情况): what was done; the coordinator confirms next."""
    text = require_text(action_taken, "办理情况", max_len=2000, multiline=True)
    with unit_of_work(store, actor) as uow:
        p = _problem(uow.session, problem_id)
        _step(p, "handle", actor, when, text[:200])
        p.action_taken, p.handled_on = text, when
        uow.record(p, action="handle_visit_problem", summary=f"登记问题办理情况（{p.handler}）")
        return _view(p, date.today())


@service(roles=CONFIRMERS, scope=Scope.VISIT_PROBLEM("problem_id"), changes=CHANGES)
def confirm_problem(
    store: Store,
    actor: Actor,
    problem_id: str,
    solved: bool,
    note: str,
    when: date,
    *,
    visit_id: str = "",
) -> ProblemView:
    """The coordinator's word on the next visit: solved (确认解决) or not (退回重办, the
    deadline restarts)."""
    text = require_text(note, "确认意见", max_len=1000, required=not solved, multiline=True)
    with unit_of_work(store, actor) as uow:
        s = uow.session
        p = _problem(s, problem_id)
        if visit_id:
            visit = s.get(HomeVisit, visit_id)
            if visit is None or visit.household_id != p.household_id:
                raise ValidationError("走访记录", "不是该家庭的走访记录")
        action = "confirm" if solved else "reopen"
        _step(p, action, actor, when, text, visit_id=visit_id)
        if not solved:
            p.deadline = problem_deadline(s, p.office_code, p.urgency, when)
        uow.record(p, action=f"{action}_visit_problem", summary=f"走访问题{STEP_LABELS[action]}")
        return _view(p, date.today())


@service(roles=ASSIGNERS, scope=Scope.VISIT_PROBLEM("problem_id"), changes=CHANGES)
def close_problem(store: Store, actor: Actor, problem_id: str, when: date) -> ProblemView:
    """办结: a supervisor closes a problem the coordinator confirmed solved."""
    with unit_of_work(store, actor) as uow:
        p = _problem(uow.session, problem_id)
        _step(p, "close", actor, when)
        p.closed_on = when
        uow.record(p, action="close_visit_problem", summary="走访发现问题办结")
        return _view(p, date.today())
