"""Workflow steps in the store: ``perform`` takes one step of the pure machine and writes the
snapshot, the event, the state/deadline columns, audit and outbox in ONE transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop.domain.workflow import (
    DEFAULT_RULES,
    STATE_LABELS,
    CaseSnapshot,
    Transition,
    apply,
    available_actions,
    new_case,
)
from desktop.domain.workflow import (
    Actor as WfActor,
)
from desktop.domain.workflow import (
    AuditEvent as WfEvent,
)
from desktop.domain.workflow import (
    Role as WfRole,
)
from desktop.domain.workflow.context import current_amount
from desktop.errors import ConcurrencyError, NotFound, WorkflowError
from desktop.money import fmt_yuan
from desktop.services.base import (
    ALL_ROLES,
    APPEND_ONLY_ENTITIES,
    Actor,
    Scope,
    UnitOfWork,
    service,
    unit_of_work,
)
from desktop.services.cases.amount_approval import confirm_params, record_deviation_baseline
from desktop.services.cases.case_codec import snapshot_from_json, snapshot_to_json
from desktop.services.cases.case_policy import emergency_cap
from desktop.services.cases.check_findings import latest_report, report_reference
from desktop.services.cases.deadlines import Calendars, case_deadline, deadline_columns
from desktop.services.payment.reserve_fund import record_payout
from desktop.store.models import Application, Document, Office
from desktop.store.store import Store
from desktop.store.workflow_models import CaseEvent

TIMELINE_ENTITY = APPEND_ONLY_ENTITIES["case_events"]


@dataclass(frozen=True)
class CaseView:
    """A case after a step: the stored columns and the snapshot; ``version`` for the next step."""

    id: str
    number: str
    state: str
    version: int
    next_deadline: date | None
    deadline_step: str
    deadline_owner: str
    snapshot: CaseSnapshot

    @property
    def state_cn(self) -> str:
        """Chinese label of the state."""
        return self.snapshot.state_cn


def workflow_actor(actor: Actor) -> WfActor:
    """The machine's actor for a logged-in user (role + office code)."""
    try:
        role = WfRole(actor.role.value)
    except ValueError:
        raise WorkflowError(f"{actor.role.label}不办理案件审批步骤") from None
    return WfActor(role, actor.office_code)


def case_view(app: Application, snapshot: CaseSnapshot) -> CaseView:
    return CaseView(
        app.id,
        app.number,
        app.state,
        app.version,
        app.next_deadline,
        app.deadline_step,
        app.deadline_owner,
        snapshot,
    )


def _codes(session: Session, app: Application) -> tuple[str, str]:
    res = session.get(Office, app.residence_office_id)
    huk = session.get(Office, app.hukou_office_id)
    assert res is not None and huk is not None
    return res.code, huk.code


def load_snapshot(session: Session, app: Application) -> CaseSnapshot:
    """The stored snapshot; raises WorkflowError for a case stored without one."""
    raw = app.workflow or {}
    if "case_id" not in raw:
        raise WorkflowError(f"案件 {app.number} 没有办理记录，不能办理步骤")
    return snapshot_from_json(raw)


def _store_step(
    uow: UnitOfWork, app: Application, step: Transition, today: date, *, record: bool = True
) -> CaseEvent:
    """Write the new snapshot, columns, event row, outbox and (``record``) audit of one step."""
    s = uow.session
    snap = step.snapshot
    app.workflow = snapshot_to_json(snap)
    app.state = snap.state.value
    app.archived_on = snap.archived_on
    for key, value in deadline_columns(case_deadline(snap, Calendars(s, today), today)).items():
        setattr(app, key, value)
    if snap.approved_amount is not None:
        app.benefit_amount = current_amount(snap)
    seq = (
        s.scalar(select(func.max(CaseEvent.seq)).where(CaseEvent.application_id == app.id)) or 0
    ) + 1
    row = _event_row(app.id, seq, step.event, uow.now, uow.actor.display_name)
    s.add(row)
    before = STATE_LABELS[step.event.from_state] if step.event.from_state else "—"
    if record:
        uow.record(
            app,
            action=f"case_{step.event.action}"[:40],
            summary=f"{step.event.label_cn}：{app.number}（{before} → {snap.state_cn}）",
            data={
                "action": step.event.action,
                "on": step.event.on,
                "params": dict(step.event.data),
            },
        )
    else:
        uow.session.flush()
    uow.append(TIMELINE_ENTITY, row.id, timeline_payload(row), uow.scope_of(app))
    return row


def _event_row(app_id: str, seq: int, event: WfEvent, at: datetime, name: str) -> CaseEvent:
    return CaseEvent(
        application_id=app_id,
        seq=seq,
        at=at,
        on=event.on,
        action=event.action,
        label=event.label_cn,
        from_state=event.from_state.value if event.from_state else None,
        to_state=event.to_state.value,
        actor_name=name,
        role=event.actor_role.value,
        office_code=event.actor_office,
        side=event.actor_side.value,
        data=dict(event.data),
    )


def timeline_payload(row: CaseEvent) -> dict[str, Any]:
    """What the hub receives for one timeline event."""
    return {
        "id": row.id,
        "application_id": row.application_id,
        "seq": row.seq,
        "at": row.at,
        "on": row.on,
        "action": row.action,
        "label": row.label,
        "from_state": row.from_state,
        "to_state": row.to_state,
        "actor_name": row.actor_name,
        "role": row.role,
        "office_code": row.office_code,
        "side": row.side,
        "data": row.data,
    }


def open_case(uow: UnitOfWork, app: Application, applied_on: date) -> CaseSnapshot:
    """Create the workflow case of a new, flushed application inside create_application, which
    records (outbox + audit) the application afterwards with its snapshot."""
    res, huk = _codes(uow.session, app)
    role = uow.actor.role.value
    # An administrator filing on behalf of the window is recorded as the window role.
    wf_role = WfRole(role) if role in ("clerk", "supervisor") else WfRole.CLERK
    step = new_case(
        app.id, app.assistance_type, res, huk, WfActor(wf_role, uow.actor.office_code), applied_on
    )
    app.version = 1
    _store_step(uow, app, step, date.today(), record=False)
    return step.snapshot


def _lock(session: Session, application_id: str, expected_version: int) -> Application:
    """Claim the case for this transaction if nobody moved it since ``expected_version``."""
    moved = session.execute(
        update(Application)
        .where(Application.id == application_id, Application.version == expected_version)
        .values(version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    app = session.get(Application, application_id)
    if app is None or app.deleted:
        raise NotFound("该案件不存在或已删除")
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrencyError(
            f"案件 {app.number} 已被他人办理（当前版本 {app.version}，您看到的是版本 "
            f"{expected_version}），本次操作未保存，请刷新后重试"
        )
    return app


def _emergency_payout(uow: UnitOfWork, app: Application, step: Transition) -> None:
    aid = step.snapshot.emergency_aid
    assert aid is not None
    office = uow.session.get(Office, uow.actor.office_id)
    region = office.region_code if office else None
    cap = emergency_cap(uow.session, aid.paid_on, region)
    if aid.amount > cap:
        raise WorkflowError(
            f"先行救助金额：{fmt_yuan(aid.amount)}元超过街道审批上限{fmt_yuan(cap)}元"
        )
    record_payout(uow.session, uow.actor, app.id, aid.amount, aid.paid_on, app.number)


def _report_params(
    session: Session, app: Application, params: Mapping[str, Any] | None
) -> dict[str, Any]:
    """登记核对报告 takes the number of the report received from the hub (a typed number is
    only used when no report has arrived, e.g. a paper report)."""
    given = dict(params or {})
    report = latest_report(session, app.household_id)
    if report is not None:
        given["reference"] = report_reference(report.id, report.generated_at)
        given["report_id"] = report.id
    return given


def _resume_params(
    session: Session, app: Application, params: Mapping[str, Any] | None
) -> dict[str, Any]:
    """补正完毕 counts every document the window has marked received or waived (the documents
    list is where papers are ticked off); lines typed by hand are added to them."""
    given = dict(params or {})
    typed = given.get("documents_received") or []
    if isinstance(typed, str):
        typed = [line.strip() for line in typed.splitlines() if line.strip()]
    handed_in = session.scalars(
        select(Document.title).where(
            Document.application_id == app.id,
            Document.status.in_(("received", "waived")),
            Document.deleted.is_(False),
        )
    ).all()
    given["documents_received"] = list(dict.fromkeys([*typed, *handed_in]))
    return given


def _allowed(snapshot: CaseSnapshot, action: str, who: WfActor, when: date) -> bool:
    """Whether the machine would let ``who`` take ``action`` now (else apply says why)."""
    options = available_actions(snapshot, who, when, DEFAULT_RULES)
    return any(o.action == action and o.allowed for o in options)


@service(
    scope=Scope.APPLICATION("application_id"), roles=ALL_ROLES, changes={"cases", "reserve_fund"}
)
def perform(
    store: Store,
    actor: Actor,
    application_id: str,
    action: str,
    params: Mapping[str, Any] | None,
    when: date,
    expected_version: int,
    *,
    within: UnitOfWork | None = None,
) -> CaseView:
    """Take one workflow step; refused (WorkflowError / ConcurrencyError, Chinese reason, case
    unchanged) when not allowed or when the case moved past ``expected_version``. ``within``
    takes the step inside the caller's transaction (受理 at intake)."""
    who = workflow_actor(actor)
    if when > date.today():
        raise WorkflowError(f"办理日期：{when.isoformat()}晚于今天，不能预先办理")
    with unit_of_work(store, actor, within=within) as uow:
        app = _lock(uow.session, application_id, expected_version)
        snapshot = load_snapshot(uow.session, app)
        if action == "confirm" and _allowed(snapshot, action, who, when):
            params = confirm_params(uow, store.keyfile, app, params)
        if action == "record_check_report":
            params = _report_params(uow.session, app, params)
        if action == "resume":
            params = _resume_params(uow.session, app, params)
        step = apply(snapshot, action, who, when, params, DEFAULT_RULES)
        if action == "pay_emergency_aid":
            _emergency_payout(uow, app, step)
        _store_step(uow, app, step, date.today())
        snap = step.snapshot
        if action == "confirm":
            record_deviation_baseline(uow, app, bool(snap.amount_approved_by))
        if action == "confirm" and snap.amount_approved_by:
            uow.audit(
                "approve_amount_deviation",
                "application",
                app.id,
                f"{app.number} 确认金额{fmt_yuan(snap.approved_amount or Decimal(0))}元"
                f"（核算{fmt_yuan(snap.calculated_amount or Decimal(0))}元），"
                f"经{snap.amount_approved_by}复核同意",
                {
                    "amount": snap.approved_amount,
                    "calculated_amount": snap.calculated_amount,
                    "basis": snap.amount_basis,
                    "approved_by": snap.amount_approved_by,
                },
            )
        return case_view(app, snap)


def get_case(store: Store, application_id: str) -> CaseView:
    """The case as stored (snapshot, version, deadline columns)."""
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该案件不存在或已删除")
        return case_view(app, load_snapshot(s, app))


def event_time(on: date, seq: int) -> datetime:
    """A plausible recording time for an event written in bulk (demo data)."""
    return datetime.combine(on, time(9, 0)).replace(minute=min(seq, 59))


def amount_text(value: Decimal) -> str:
    """Money as the machine's parameter text."""
    return str(value.quantize(Decimal("0.01")))
