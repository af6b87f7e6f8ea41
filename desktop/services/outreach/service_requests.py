"""诉求登记: requests from every channel (hotlines, 12345, 直通车, 津心办, 码上办, visits, 巡访,
预警) — who, what, the reply deadline per channel (policy rows), the reply and the outcome; a
码上办 pre-application is accepted here into an application through the intake service."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.ids import parse_id
from desktop.domain.policy.codes import REQUEST_CHANNELS, REQUEST_REPLY_DAYS
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
from desktop.services.cases.applications import ASSISTANCE_TYPES, ApplicationInput
from desktop.services.cases.case_policy import policy_value
from desktop.services.cases.case_steps import perform
from desktop.services.cases.case_wrappers import missing_document_titles
from desktop.services.cases.deadlines import Calendars
from desktop.services.family.households import HouseholdInput, PersonInput
from desktop.services.family.intake import IntakeInput, submit_intake
from desktop.store.models import Application, Office
from desktop.store.request_models import ServiceRequest
from desktop.store.store import Store

WRITERS = {Role.CLERK, Role.SUPERVISOR, Role.ADMIN}
URGENCIES = {"normal": "一般", "urgent": "紧急"}
STATUSES = {"open": "待受理", "accepted": "已受理", "closed": "已办结"}
OUTCOMES = {
    "answered": "已答复",
    "application": "已转为救助申请",
    "referred": "已转办",
    "not_remit": "不属于本部门职责",
}
#: The application channel a request's channel becomes when it opens an application.
APPLICATION_CHANNEL = {
    "hotline": "hotline",
    "12345": "12345",
    "wechat": "wechat",
    "portal": "portal",
    "qr": "qr",
    "visit": "window",
    "patrol": "active_discovery",
    "warning": "active_discovery",
}
CHANGES = frozenset({"requests"})


@dataclass(frozen=True)
class RequestInput:
    """A request as logged at the desk (a call, a visit, a case found on a round …)."""

    channel: str
    caller_name: str
    phone: str
    need: str
    received_on: date
    urgency: str = "normal"
    id_number: str = ""


@dataclass(frozen=True)
class RequestView:
    """One request as the desk shows it."""

    id: str
    reference: str
    channel: str
    channel_label: str
    office_code: str
    caller_name: str
    phone: str
    id_number: str
    need: str
    urgency: str
    received_on: date
    reply_due: date | None
    status: str
    status_label: str
    handler: str
    reply: str
    outcome: str
    outcome_label: str
    application_id: str | None
    details: dict

    def overdue(self, today: date) -> bool:
        """Not yet answered and past its reply deadline."""
        return self.status == "open" and self.reply_due is not None and self.reply_due < today


def _view(r: ServiceRequest) -> RequestView:
    return RequestView(
        r.id,
        r.reference,
        r.channel,
        REQUEST_CHANNELS.get(r.channel, r.channel),
        r.office_code,
        r.caller_name,
        r.phone,
        r.id_number,
        r.need,
        r.urgency,
        r.received_on,
        r.reply_due,
        r.status,
        STATUSES.get(r.status, r.status),
        r.handler,
        r.reply,
        r.outcome,
        OUTCOMES.get(r.outcome, ""),
        r.application_id,
        dict(r.details or {}),
    )


def reply_days(session: Session, channel: str, day: date, district: str | None) -> int:
    """Working days to reply to a request of ``channel`` received on ``day`` (policy rows)."""
    key = f"request.reply_days.{channel}"
    try:
        value = policy_value(session, key, day, district)
    except PolicyError:  # a period without the row falls back to the documented default
        value = None
    return int(str(value)) if value is not None else REQUEST_REPLY_DAYS[channel]


def reply_due(session: Session, office_code: str, channel: str, received_on: date) -> date:
    """The reply deadline: the channel's working days after the day it was received (the
    office's own working-day calendar)."""
    district = session.scalar(select(Office.region_code).where(Office.code == office_code))
    days = reply_days(session, channel, received_on, district)
    calendar = Calendars(session, received_on)(office_code)
    return calendar.add_working_days(received_on, days)


def _clean(data: RequestInput) -> RequestInput:
    choice(data.channel, "来源渠道", REQUEST_CHANNELS)
    choice(data.urgency, "紧急程度", URGENCIES)
    name = require_text(data.caller_name, "来电（来访）人", max_len=40)
    phone = require_text(data.phone, "联系电话", max_len=20, required=False)
    if phone and not phone.replace("-", "").isdigit():
        raise ValidationError("联系电话", "只能包含数字和“-”")
    need = require_text(data.need, "诉求内容", max_len=2000)
    number = data.id_number.strip().upper()
    if number:
        number = parse_id(number).number
    return RequestInput(data.channel, name, phone, need, data.received_on, data.urgency, number)


@service(
    scope=Scope.NONE("a request received by this office; no family is reached yet"),
    roles=WRITERS,
    changes=CHANGES,
)
def log_request(
    store: Store, actor: Actor, data: RequestInput, *, within: UnitOfWork | None = None
) -> RequestView:
    """Log a request received by this office; its reply deadline follows from the channel.
    ``within`` logs it inside the caller's transaction (a visit's follow-up)."""
    clean = _clean(data)
    with unit_of_work(store, actor, within=within) as uow:
        s = uow.session
        req = ServiceRequest(
            channel=clean.channel,
            office_code=actor.office_code,
            caller_name=clean.caller_name,
            phone=clean.phone,
            id_number=clean.id_number,
            need=clean.need,
            urgency=clean.urgency,
            received_on=clean.received_on,
            reply_due=reply_due(s, actor.office_code, clean.channel, clean.received_on),
            status="open",
            details={},
        )
        uow.record(
            req,
            action="log_request",
            summary=f"登记诉求（{REQUEST_CHANNELS[clean.channel]}，{clean.caller_name}）",
        )
        return _view(req)


def _own(s: Session, actor: Actor, request_id: str) -> ServiceRequest:
    req = s.get(ServiceRequest, request_id)
    if req is None or req.deleted:
        raise NotFound("该诉求不存在")
    if req.office_code != actor.office_code:
        raise ValidationError("诉求", "不是本街道（乡镇）负责的诉求，不能处理")
    return req


@service(
    scope=Scope.NONE("a request of this office's log (checked in the body)"),
    roles=WRITERS,
    changes=CHANGES,
)
def answer_request(
    store: Store, actor: Actor, request_id: str, reply: str, outcome: str, when: date
) -> RequestView:
    """Record the reply and the outcome (答复 / 转办 / 不属于本部门职责) and close the request."""
    text = require_text(reply, "答复内容", max_len=2000)
    choice(outcome, "办理结果", OUTCOMES)
    if outcome == "application":
        raise ValidationError("办理结果", "转为救助申请请使用“受理申请”")
    with unit_of_work(store, actor) as uow:
        req = _own(uow.session, actor, request_id)
        if req.status != "open":
            raise ValidationError("诉求", f"该诉求{STATUSES[req.status]}，不能再答复")
        req.reply, req.outcome, req.replied_on = text, outcome, when
        req.handler, req.status = actor.display_name, "closed"
        uow.record(req, action="answer_request", summary=f"答复诉求：{OUTCOMES[outcome]}")
        return _view(req)


def _office_id(s: Session, code: str, field: str) -> str:
    found = s.scalar(select(Office.id).where(Office.code == code))
    if found is None:
        raise ValidationError(field, f"街道（乡镇）代码 {code} 不在本机的街道名录中，请先同步")
    return str(found)


def _intake_input(s: Session, req: ServiceRequest) -> IntakeInput:
    d = req.details or {}
    members = tuple(
        PersonInput(
            name=str(m.get("name", "")),
            id_number=str(m.get("id_number", "")),
            relation=str(m.get("relation", "")),
            phone=req.phone if i == 0 else "",
        )
        for i, m in enumerate(d.get("members") or [])
    )
    if not members:
        raise ValidationError("家庭成员", "预申请没有填写家庭成员，不能转为申请")
    household = HouseholdInput(
        residence_office_id=_office_id(s, str(d.get("residence_office", "")), "居住地街道"),
        hukou_office_id=_office_id(s, str(d.get("hukou_office", "")), "户籍地街道"),
        address=str(d.get("address", "")),
        phone=req.phone,
        members=members,
    )
    kind = str(d.get("assistance_type", ""))
    choice(kind, "申请救助类型", ASSISTANCE_TYPES)
    application = ApplicationInput(
        household_id="",
        assistance_type=kind,
        applied_on=req.received_on,
        channel=APPLICATION_CHANNEL[req.channel],
        reason=req.need,
    )
    return IntakeInput(household=household, application=application)


@service(
    scope=Scope.NONE(
        "a request of this office's log (checked in the body); the intake it files "
        "checks the family's offices"
    ),
    roles=WRITERS,
    changes=CHANGES | {"cases", "households", "persons", "documents"},
)
def accept_request(store: Store, actor: Actor, request_id: str, when: date) -> RequestView:
    """受理 a pre-application: file the application (submit_intake, with the request's
    channel), take the 受理 step and link the request to the case, in one transaction."""
    with unit_of_work(store, actor) as uow:
        s = uow.session
        req = _own(s, actor, request_id)
        if req.status != "open":
            raise ValidationError("诉求", f"该诉求{STATUSES[req.status]}，不能重复受理")
        filed = submit_intake(store, actor, _intake_input(s, req), within=uow)
        app = s.get(Application, filed.application.id)
        assert app is not None
        params = {"missing_documents": missing_document_titles(s, app.id), "hard_case": False}
        version = app.version
        s.expire(app)
        perform(store, actor, app.id, "accept", params, when, version, within=uow)
        s.refresh(app)
        req.status, req.outcome, req.handler = "accepted", "application", actor.display_name
        req.household_id, req.application_id, req.replied_on = app.household_id, app.id, when
        req.reply = f"已受理，案件编号 {app.number}"
        uow.record(req, action="accept_request", summary=f"受理预申请，案件 {app.number}")
        return _view(req)


def list_requests(store: Store, office_code: str, status: str | None = None) -> list[RequestView]:
    """Requests of one office, newest first; ``status`` filters (open / accepted / closed)."""
    if status is not None:
        choice(status, "办理状态", STATUSES)
    with store.sessions.read() as s:
        q = select(ServiceRequest).where(
            ServiceRequest.office_code == office_code, ServiceRequest.deleted.is_(False)
        )
        if status is not None:
            q = q.where(ServiceRequest.status == status)
        rows = s.scalars(q.order_by(ServiceRequest.received_on.desc(), ServiceRequest.id))
        return [_view(r) for r in rows]


def overdue_requests(store: Store, office_code: str, today: date) -> list[RequestView]:
    """Open requests past their reply deadline, the longest overdue first."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(ServiceRequest)
            .where(
                ServiceRequest.office_code == office_code,
                ServiceRequest.deleted.is_(False),
                ServiceRequest.status == "open",
                ServiceRequest.reply_due < today,
            )
            .order_by(ServiceRequest.reply_due, ServiceRequest.id)
        )
        return [_view(r) for r in rows]


@dataclass(frozen=True)
class RequestStats:
    """One month's requests of an office by channel and by outcome (月度诉求统计)."""

    month: date
    by_channel: dict[str, int]
    by_outcome: dict[str, int]
    table: dict[tuple[str, str], int]
    total: int
    overdue: int


def monthly_request_stats(store: Store, office_code: str, month: date) -> RequestStats:
    """Counts of the requests received in ``month``: per channel, per outcome and both."""
    start = month.replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    with store.sessions.read() as s:
        rows = s.scalars(
            select(ServiceRequest).where(
                ServiceRequest.office_code == office_code,
                ServiceRequest.deleted.is_(False),
                ServiceRequest.received_on >= start,
                ServiceRequest.received_on < end,
            )
        ).all()
        table = Counter((r.channel, r.outcome or "pending") for r in rows)
        late = sum(
            1 for r in rows if r.reply_due is not None and (r.replied_on or date.max) > r.reply_due
        )
    by_channel = Counter(r.channel for r in rows)
    by_outcome = Counter(r.outcome or "pending" for r in rows)
    return RequestStats(start, dict(by_channel), dict(by_outcome), dict(table), len(rows), late)


def export_request_stats_xlsx(
    store: Store, office_code: str, month: date, path: Path | str
) -> Path:
    """月度诉求统计 as .xlsx: one row per channel, one column per outcome, totals, overdue."""
    stats = monthly_request_stats(store, office_code, month)
    outcomes = [*OUTCOMES, "pending"]
    labels = [*OUTCOMES.values(), "未办结"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "诉求统计"
    ws.append([f"{start_label(stats.month)}诉求统计（{office_code}）"])
    ws.append(["渠道", *labels, "合计"])
    for code, label in REQUEST_CHANNELS.items():
        counts = [stats.table.get((code, o), 0) for o in outcomes]
        ws.append([label, *counts, sum(counts)])
    ws.append(["合计", *(stats.by_outcome.get(o, 0) for o in outcomes), stats.total])
    ws.append(["超过答复期限", stats.overdue])
    out = Path(path)
    wb.save(out)
    return out


def start_label(month: date) -> str:
    """``2026年12月``."""
    return f"{month.year}年{month.month}月"
