"""Municipal data through the hub: economic check requests and reports, monitoring warnings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from desktop.errors import NotFound, ValidationError
from desktop.services.base import Actor, Role, Scope, choice, require_text, service, unit_of_work
from desktop.store.models import Household, Person
from desktop.store.store import Store
from desktop.store.sync_models import CheckReport, CheckRequest, MonitorWarning, WarningDisposal

WRITERS = {Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR, Role.ADMIN}
DISPOSALS = {
    "adjust_benefit": "调整救助待遇",
    "add_to_coverage": "纳入救助范围",
    "no_action": "核实无需处理",
}
WARNING_STATUSES = {"open": "待处置", "disposed": "已处置"}


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

    @property
    def status_label(self) -> str:
        return WARNING_STATUSES[self.status]


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


def _warning_view(w: MonitorWarning, d: WarningDisposal | None) -> WarningView:
    return WarningView(
        w.id,
        w.office_code,
        w.id_number,
        w.name,
        w.warning_type,
        w.detail,
        w.date,
        "disposed" if d is not None else "open",
        d.disposal if d else "",
        DISPOSALS.get(d.disposal, "") if d else "",
        d.finding if d else "",
        d.checked_by if d else "",
    )


def list_warnings(store: Store, office_id: str, status: str | None = None) -> list[WarningView]:
    """Warnings sent to an office; ``status`` "open" or "disposed" filters them."""
    if status is not None:
        choice(status, "处置状态", WARNING_STATUSES)
    with store.sessions.read() as s:
        from desktop.store.models import Office

        office = s.get(Office, office_id)
        if office is None:
            raise NotFound("街道不存在")
        warnings = s.scalars(
            select(MonitorWarning)
            .where(MonitorWarning.office_code == office.code, MonitorWarning.deleted.is_(False))
            .order_by(MonitorWarning.date.desc(), MonitorWarning.id)
        ).all()
        disposals = {
            d.warning_id: d
            for d in s.scalars(
                select(WarningDisposal).where(
                    WarningDisposal.warning_id.in_([w.id for w in warnings]),
                    WarningDisposal.deleted.is_(False),
                )
            )
        }
        views = [_warning_view(w, disposals.get(w.id)) for w in warnings]
    return [v for v in views if status is None or v.status == status]


@service(
    scope=Scope.NONE("a warning of this office's inbox (checked in the body)"),
    roles=WRITERS,
    changes={"warnings"},
)
def dispose_warning(
    store: Store,
    actor: Actor,
    warning_id: str,
    checked_by: str,
    finding: str,
    disposal: str,
) -> WarningView:
    """Record who checked a warning, what they found and how it was disposed (synced back)."""
    checker = require_text(checked_by, "核查人", max_len=40)
    found = require_text(finding, "核查情况", max_len=2000, multiline=True)
    choice(disposal, "处置方式", DISPOSALS)
    with unit_of_work(store, actor) as uow:
        s = uow.session
        w = s.get(MonitorWarning, warning_id)
        if w is None or w.deleted:
            raise NotFound("该预警不存在")
        if w.office_code != actor.office_code:
            raise ValidationError("预警", "不是发给本街道的预警，不能处置")
        d = s.scalars(
            select(WarningDisposal).where(WarningDisposal.warning_id == warning_id)
        ).first() or WarningDisposal(warning_id=warning_id, office_code=w.office_code)
        d.checked_by, d.finding, d.disposal = checker, found, disposal
        d.disposed_on, d.disposed_by = uow.now.date(), actor.display_name
        uow.record(
            d,
            action="dispose_warning",
            summary=f"处置预警（{w.warning_type}，{w.name}）：{DISPOSALS[disposal]}",
        )
        return _warning_view(w, d)
