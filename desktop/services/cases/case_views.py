"""Read side of a case for the UI: the actions offered, the timeline and the deadlines."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from desktop.domain.workflow import (
    STATE_LABELS,
    ActionOption,
    Deadline,
    State,
    available_actions,
)
from desktop.domain.workflow import Actor as WfActor
from desktop.domain.workflow import (
    Role as WfRole,
)
from desktop.errors import NotFound
from desktop.services.base import ALL_ROLES, ROLE_LABELS, Actor, Role, Scope, service
from desktop.services.cases.case_steps import load_snapshot, workflow_actor
from desktop.services.cases.deadlines import Calendars, all_deadlines
from desktop.store.models import Application, AuditEvent, Document
from desktop.store.store import Store
from desktop.store.workflow_models import CaseEvent, HomeSurveyRecord


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def case_actions(
    store: Store, actor: Actor, application_id: str, today: date
) -> list[ActionOption]:
    """Every step leaving the current state, allowed or with the Chinese reason why not."""
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该案件不存在或已删除")
        snapshot = load_snapshot(s, app)
    if actor.role.value not in {r.value for r in WfRole}:
        reason = f"{actor.role.label}不办理案件审批步骤"
        probe = WfActor(WfRole.SUPERVISOR, actor.office_code)
        return [
            ActionOption(o.action, o.label_cn, False, reason)
            for o in available_actions(snapshot, probe, today)
        ]
    return available_actions(snapshot, workflow_actor(actor), today)


@dataclass(frozen=True)
class TimelineItem:
    """One line of a case's history: a workflow step, or a document / survey record event."""

    at: datetime
    on: date | None
    kind: str  # "step" | "document" | "survey"
    action: str
    label_cn: str
    summary: str
    actor_name: str
    role_cn: str
    office_code: str
    from_state: str | None
    to_state: str | None


def _role_cn(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def _step_item(e: CaseEvent) -> TimelineItem:
    before = STATE_LABELS[State(e.from_state)] if e.from_state else "—"
    after = STATE_LABELS[State(e.to_state)]
    summary = e.label if before == after else f"{e.label}（{before} → {after}）"
    return TimelineItem(
        e.at, e.on, "step", e.action, e.label, summary, e.actor_name, _role_cn(e.role),
        e.office_code, e.from_state, e.to_state,
    )  # fmt: skip


def _audit_item(a: AuditEvent, kind: str) -> TimelineItem:
    return TimelineItem(
        a.at, None, kind, a.action, a.summary, a.summary, a.actor_name, _role_cn(a.role), "",
        None, None,
    )  # fmt: skip


def case_timeline(store: Store, application_id: str) -> list[TimelineItem]:
    """Workflow steps in their order, with document and survey events merged in by time."""
    with store.sessions.read() as s:
        steps = s.scalars(
            select(CaseEvent)
            .where(CaseEvent.application_id == application_id)
            .order_by(CaseEvent.seq)
        ).all()
        docs = select(Document.id).where(Document.application_id == application_id)
        surveys = select(HomeSurveyRecord.id).where(
            HomeSurveyRecord.application_id == application_id
        )
        audits = s.scalars(
            select(AuditEvent)
            .where(
                or_(
                    (AuditEvent.entity == "document") & AuditEvent.entity_id.in_(docs),
                    (AuditEvent.entity == "home_survey") & AuditEvent.entity_id.in_(surveys),
                )
            )
            .order_by(AuditEvent.at)
        ).all()
        step_items = [_step_item(e) for e in steps]
        other = [
            _audit_item(a, "survey" if a.entity == "home_survey" else "document") for a in audits
        ]
    return list(heapq.merge(step_items, other, key=lambda i: i.at))


def case_deadlines(store: Store, application_id: str, today: date) -> list[Deadline]:
    """Every running deadline of the case, counted on the owing office's calendar."""
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该案件不存在或已删除")
        snapshot = load_snapshot(s, app)
        return all_deadlines(snapshot, Calendars(s, today), today)
