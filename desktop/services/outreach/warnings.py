"""Municipal data through the hub: economic check requests and reports, and 预警处置 — the
warnings of the hub's comparison runs assigned, checked and worked to an outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.payment_status import paying_filter
from desktop.errors import NotFound, ValidationError
from desktop.services.base import Actor, Role, Scope, choice, require_text, service, unit_of_work
from desktop.store.models import Application, Household, Office, Person
from desktop.store.store import Store
from desktop.store.sync_models import (
    CheckReport,
    CheckRequest,
    LowIncomePerson,
    MonitorWarning,
    WarningDisposal,
)

Day = date  # the type, where a view has a field named ``date``
WRITERS = {Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR, Role.ADMIN}
ASSIGNERS = {Role.SUPERVISOR, Role.ADMIN}
#: 预警处置 outcomes; the first two close the warning with a note, the others act on it.
DISPOSALS = {
    "no_anomaly": "无异常",
    "untrue": "不属实",
    "adjust_benefit": "调整待遇",
    "add_to_coverage": "纳入救助",
    "referral": "转介",
}
#: Labels of outcomes recorded before the five outcomes existed.
LEGACY_DISPOSALS = {"no_action": "核实无需处理"}
WARNING_STATUSES = {"open": "待处置", "assigned": "核查中", "disposed": "已处置"}
DIRECTIONS = {"check": "待遇核查", "lead": "发现线索"}


@dataclass(frozen=True)
class CheckRequestView:
    id: str
    household_id: str
    member_count: int
    requested_at: str


@dataclass(frozen=True)
class CheckReportView:
    """A check report; ``members`` is the hub's list of {name, id_number, items[]}."""

    id: str
    request_id: str
    household_id: str | None
    generated_at: str
    members: list


@dataclass(frozen=True)
class WarningView:
    id: str
    office_code: str
    id_number: str
    name: str
    warning_type: str
    detail: str
    date: date | None
    status: str
    disposal: str
    disposal_label: str
    finding: str
    checked_by: str
    kind: str = ""
    direction: str = ""
    evidence: dict = field(default_factory=dict)
    deadline: Day | None = None
    suggested_action: str = ""
    community: str = ""
    household_key: str = ""
    category: str = ""
    escalated_on: Day | None = None
    assigned_to: str = ""
    visit_required: bool = False
    review_case_id: str = ""
    new_case_id: str = ""
    referral_to: str = ""
    overdue: bool = False

    @property
    def status_label(self) -> str:
        return WARNING_STATUSES[self.status]

    @property
    def direction_label(self) -> str:
        return DIRECTIONS.get(self.direction, "")


@service(scope=Scope.HOUSEHOLD("household_id"), roles=WRITERS, changes={"checks"})
def request_economic_check(store: Store, actor: Actor, household_id: str) -> CheckRequestView:
    """Queue a check of every member (names and ID numbers) for the household's offices."""
    with unit_of_work(store, actor) as uow:
        s = uow.session
        household = s.get(Household, household_id)
        if household is None or household.deleted:
            raise NotFound("该家庭不存在或已删除")
        persons = s.scalars(
            select(Person)
            .where(Person.household_id == household_id, Person.deleted.is_(False))
            .order_by(Person.birth_date)
        ).all()
        members = [
            {"name": p.name, "id_number": p.id_number, "relation": p.relation}
            for p in persons
            if p.is_member
        ]
        if not members:
            raise ValidationError("家庭成员", "没有可核对的共同生活家庭成员")
        req = CheckRequest(
            household_id=household_id,
            members=members,
            requested_at=uow.now.isoformat(timespec="seconds"),
            requested_by=actor.display_name,
        )
        uow.record(
            req,
            action="request_economic_check",
            summary=f"申请家庭经济状况核对（{len(members)}人）",
        )
        return CheckRequestView(req.id, household_id, len(members), req.requested_at)


def list_check_reports(store: Store, household_id: str) -> list[CheckReportView]:
    """The check reports received for a household, newest first."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(CheckReport)
            .where(CheckReport.household_id == household_id, CheckReport.deleted.is_(False))
            .order_by(CheckReport.generated_at.desc())
        )
        return [
            CheckReportView(r.id, r.request_id, r.household_id, r.generated_at, list(r.members))
            for r in rows
        ]


def _warning_view(w: MonitorWarning, d: WarningDisposal | None, today: date) -> WarningView:
    done = d is not None and bool(d.disposal)
    status = "disposed" if done else ("assigned" if d is not None else "open")
    label = DISPOSALS.get(d.disposal) or LEGACY_DISPOSALS.get(d.disposal, "") if done and d else ""
    return WarningView(
        w.id,
        w.office_code,
        w.id_number,
        w.name,
        w.warning_type,
        w.detail,
        w.date,
        status,
        d.disposal if d else "",
        label,
        d.finding if d else "",
        d.checked_by if d else "",
        kind=w.kind,
        direction=w.direction,
        evidence=dict(w.evidence or {}),
        deadline=w.deadline,
        suggested_action=w.suggested_action,
        community=w.community,
        household_key=w.household_key,
        category=w.category,
        escalated_on=w.escalated_on,
        assigned_to=d.assigned_to if d else "",
        visit_required=bool(d.visit_required) if d else False,
        review_case_id=d.review_case_id if d else "",
        new_case_id=d.new_case_id if d else "",
        referral_to=d.referral_to if d else "",
        overdue=not done and w.deadline is not None and w.deadline < today,
    )


def list_warnings(
    store: Store,
    office_id: str,
    status: str | None = None,
    *,
    kind: str | None = None,
    community: str | None = None,
    due_by: date | None = None,
    overdue_only: bool = False,
    today: date | None = None,
) -> list[WarningView]:
    """Warnings sent to an office (owner or residence office informed), by deadline; filters:
    ``status`` (open / assigned / disposed), feed ``kind``, ``community``, deadline on or
    before ``due_by``, only the overdue ones."""
    if status is not None:
        choice(status, "处置状态", WARNING_STATUSES)
    today = today or date.today()
    with store.sessions.read() as s:
        office = s.get(Office, office_id)
        if office is None:
            raise NotFound("街道不存在")
        query = select(MonitorWarning).where(
            (MonitorWarning.office_code == office.code)
            | (MonitorWarning.residence_office == office.code),
            MonitorWarning.deleted.is_(False),
        )
        if kind:
            query = query.where(MonitorWarning.kind == kind)
        if community:
            query = query.where(MonitorWarning.community == community)
        if due_by is not None:
            query = query.where(MonitorWarning.deadline <= due_by)
        warnings = s.scalars(
            query.order_by(
                MonitorWarning.deadline.is_(None), MonitorWarning.deadline,
                MonitorWarning.date.desc(), MonitorWarning.id,
            )
        ).all()  # fmt: skip
        disposals = _disposals(s, [w.id for w in warnings])
        views = [_warning_view(w, disposals.get(w.id), today) for w in warnings]
    return [
        v
        for v in views
        if (status is None or v.status == status) and (not overdue_only or v.overdue)
    ]


def _disposals(s: Session, ids: list[str]) -> dict[str, WarningDisposal]:
    out: dict[str, WarningDisposal] = {}
    for i in range(0, len(ids), 500):
        for d in s.scalars(
            select(WarningDisposal).where(
                WarningDisposal.warning_id.in_(ids[i : i + 500]),
                WarningDisposal.deleted.is_(False),
            )
        ):
            out[d.warning_id] = d
    return out


def _own_warning(s: Session, actor: Actor, warning_id: str) -> MonitorWarning:
    w = s.get(MonitorWarning, warning_id)
    if w is None or w.deleted:
        raise NotFound("该预警不存在")
    if w.office_code != actor.office_code:
        raise ValidationError("预警", "不是本街道负责处置的预警（本街道仅知悉），不能处置")
    return w


def _disposal_row(s: Session, w: MonitorWarning) -> WarningDisposal:
    return s.scalars(
        select(WarningDisposal).where(WarningDisposal.warning_id == w.id)
    ).first() or WarningDisposal(warning_id=w.id, office_code=w.office_code)


@service(
    scope=Scope.NONE("a warning of this office's inbox (checked in the body)"),
    roles=ASSIGNERS,
    changes={"warnings"},
)
def assign_warning(
    store: Store, actor: Actor, warning_id: str, worker: str, visit_required: bool = False
) -> WarningView:
    """Assign a worker to check the warning (核查人), optionally requiring a home visit."""
    who = require_text(worker, "核查人", max_len=40)
    with unit_of_work(store, actor) as uow:
        s = uow.session
        w = _own_warning(s, actor, warning_id)
        d = _disposal_row(s, w)
        if d.disposal:
            raise ValidationError("预警", "该预警已处置，不能再指派")
        d.assigned_to, d.assigned_on, d.visit_required = who, uow.now.date(), bool(visit_required)
        d.checked_by, d.finding, d.disposal = who, "", ""
        d.disposed_on, d.disposed_by = uow.now.date(), ""
        uow.record(
            d,
            action="assign_warning",
            summary=f"指派预警核查（{w.warning_type}，{w.name}）：{who}"
            + ("，须入户核查" if visit_required else ""),
        )
        return _warning_view(w, d, uow.now.date())


def paying_case_of(s: Session, w: MonitorWarning, office_code: str) -> Application | None:
    """The case in payment of the warned person's household at the registration office."""
    query = (
        select(Application)
        .join(Person, Person.household_id == Application.household_id)
        .join(Office, Office.id == Application.hukou_office_id)
        .where(
            Person.id_number == w.id_number,
            Person.deleted.is_(False),
            Application.deleted.is_(False),
            paying_filter(Application.state),
            Office.code == office_code,
        )
        .order_by(Application.applied_on.desc())
    )
    return s.scalars(query).first()


@service(
    scope=Scope.NONE("a warning of this office's inbox (checked in the body)"),
    roles=WRITERS,
    changes={"warnings", "cases"},
)
def dispose_warning(
    store: Store,
    actor: Actor,
    warning_id: str,
    checked_by: str,
    finding: str,
    disposal: str,
    *,
    new_case_id: str = "",
    referral_to: str = "",
) -> WarningView:
    """Record who checked a warning, what they found and the outcome (synced back).

    无异常 / 不属实 close it with the note; 调整待遇 attaches the evidence to the household's
    case in payment for its periodic review (增发/减发/停发 through the workflow); 纳入救助
    names the application filed for the person (``new_case_id``, see ``intake_for_warning``);
    转介 names the body referred to (``referral_to``)."""
    checker = require_text(checked_by, "核查人", max_len=40)
    found = require_text(finding, "核查情况", max_len=2000, multiline=True)
    choice(disposal, "处置方式", DISPOSALS)
    referral = referral_to.strip()
    if disposal == "referral" and not referral:
        raise ValidationError("转介单位", "转介时请填写转介单位")
    with unit_of_work(store, actor) as uow:
        s = uow.session
        w = _own_warning(s, actor, warning_id)
        d = _disposal_row(s, w)
        if d.visit_required and "入户" not in found:
            raise ValidationError("核查情况", "该预警须入户核查，请写明入户核查情况")
        d.review_case_id = d.new_case_id = ""
        d.referral_to = referral if disposal == "referral" else ""
        if disposal == "adjust_benefit":
            case = paying_case_of(s, w, w.office_code)
            if case is None:
                raise ValidationError("处置方式", "本街道没有该人员家庭在保的案件，不能调整待遇")
            d.review_case_id = case.id
            uow.audit(
                "warning_review",
                "application",
                case.id,
                f"{case.number} 预警触发定期核查（{w.warning_type}）：{w.detail}",
                {"warning_id": w.id, "evidence": w.evidence, "finding": found},
            )
        if disposal == "add_to_coverage":
            d.new_case_id = _check_new_case(s, w, new_case_id)
        d.checked_by, d.finding, d.disposal = checker, found, disposal
        d.disposed_on, d.disposed_by = uow.now.date(), actor.display_name
        uow.record(
            d,
            action="dispose_warning",
            summary=f"处置预警（{w.warning_type}，{w.name}）：{DISPOSALS[disposal]}",
        )
        return _warning_view(w, d, uow.now.date())


def _check_new_case(s: Session, w: MonitorWarning, case_id: str) -> str:
    app = s.get(Application, case_id) if case_id else None
    if app is None or app.deleted:
        raise ValidationError("新申请", "纳入救助时请先为其提交救助申请")
    member = s.scalars(
        select(Person.id).where(
            Person.household_id == app.household_id, Person.id_number == w.id_number
        )
    ).first()
    if member is None:
        raise ValidationError("新申请", "该申请的家庭成员中没有预警人员")
    return app.id


@dataclass(frozen=True)
class IntakePrefill:
    """What the intake window starts with for a 纳入救助 warning (registry + evidence)."""

    warning_id: str
    name: str
    id_number: str
    community: str
    assistance_type: str
    reason: str
    hukou_office_code: str
    residence_office_code: str
    hukou_office_id: str = ""
    residence_office_id: str = ""


#: The assistance a discovery lead suggests, by rule.
LEAD_ASSISTANCE = {
    "medical_lead": "gangxing",
    "disability_lead": "dibao",
    "unemployment_lead": "dibao",
}


@service(
    scope=Scope.NONE("a warning of this office's inbox (checked in the body)"),
    roles=WRITERS,
)
def intake_for_warning(store: Store, actor: Actor, warning_id: str) -> IntakePrefill:
    """The prefilled application of a 纳入救助 warning of this office: person from the registry
    share, the suggested assistance and the evidence as the reason."""
    with store.sessions.read() as s:
        w = _own_warning(s, actor, warning_id)
        listed = s.scalars(
            select(LowIncomePerson).where(
                LowIncomePerson.id_number == w.id_number, LowIncomePerson.deleted.is_(False)
            )
        ).first()
        evidence = dict(w.evidence or {})
        source = f"{evidence.get('department', '')}{evidence.get('feed', '')}".strip()
        hukou = (listed.office_code if listed else "") or w.office_code
        residence = (listed.residence_office if listed else "") or w.residence_office or hukou
        ids = dict(
            s.execute(
                select(Office.code, Office.id).where(Office.code.in_([hukou, residence]))
            ).all()
        )
        return IntakePrefill(
            warning_id=w.id,
            name=listed.name if listed else w.name,
            id_number=w.id_number,
            community=(listed.community if listed else "") or w.community,
            assistance_type=LEAD_ASSISTANCE.get(w.rule, "linshi_zhichu"),
            reason=f"主动发现（{source}预警）：{w.detail}。{w.suggested_action}",
            hukou_office_code=hukou,
            residence_office_code=residence,
            hukou_office_id=ids.get(hukou, ""),
            residence_office_id=ids.get(residence, ids.get(hukou, "")),
        )
