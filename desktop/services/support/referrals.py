"""转介: the partner directory (special assistance, departments, charities, social organisations,
volunteer teams) and referrals of a family to a partner, tracked to an outcome by a deadline
on the office's working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from desktop.errors import NotFound, ValidationError
from desktop.money import to_money
from desktop.services.base import (
    ALL_ROLES,
    Actor,
    Change,
    Role,
    Scope,
    choice,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.cases.deadlines import office_calendar
from desktop.services.support.common import live_household, require_date
from desktop.store.store import Store
from desktop.store.support_models import Referral, SupportPartner

PARTNER_KINDS: dict[str, str] = {
    "medical": "医疗救助",
    "education": "教育救助",
    "housing": "住房救助",
    "employment": "就业救助",
    "department": "职能部门",
    "charity": "慈善组织",
    "social_org": "社会组织",
    "volunteer": "志愿服务队",
}
REFERRAL_STATUS: dict[str, str] = {
    "open": "办理中",
    "accepted": "已受理",
    "given": "已给予帮扶",
    "refused": "未予帮扶",
}
OUTCOMES = {k: v for k, v in REFERRAL_STATUS.items() if k != "open"}
# Working days a partner has to answer a referral unless the clerk sets another (local practice).
DEFAULT_ANSWER_DAYS = 10
WRITERS = {Role.CLERK, Role.SUPERVISOR, Role.ADMIN, Role.SURVEYOR}


@dataclass(frozen=True)
class PartnerInput:
    kind: str
    name: str
    contact: str = ""
    phone: str = ""
    services: str = ""


@dataclass(frozen=True)
class PartnerView:
    id: str
    kind: str
    name: str
    contact: str
    phone: str
    services: str

    @property
    def kind_cn(self) -> str:
        return PARTNER_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class ReferralView:
    id: str
    household_id: str
    partner_name: str
    partner_kind: str
    need: str
    made_on: date
    due_on: date
    status: str
    amount: Decimal | None
    service_given: str
    refusal_reason: str
    closed_on: date | None

    @property
    def status_cn(self) -> str:
        return REFERRAL_STATUS.get(self.status, self.status)

    def overdue(self, today: date) -> bool:
        return self.status in ("open", "accepted") and self.due_on < today


def _partner(p: SupportPartner) -> PartnerView:
    return PartnerView(p.id, p.kind, p.name, p.contact, p.phone, p.services)


def _referral(r: Referral) -> ReferralView:
    return ReferralView(
        r.id, r.household_id, r.partner_name, r.partner_kind, r.need, r.made_on, r.due_on,
        r.status, r.amount, r.service_given, r.refusal_reason, r.closed_on,
    )  # fmt: skip


@service(
    roles={Role.ADMIN, Role.SUPERVISOR},
    scope=Scope.NONE("the office's partner directory, no family"),
    changes={Change.SUPPORT},
)
def save_partner(
    store: Store, actor: Actor, data: PartnerInput, partner_id: str | None = None
) -> PartnerView:
    """Add or change a partner of the directory (audited, synced to the office's desks)."""
    choice(data.kind, "合作单位类别", PARTNER_KINDS)
    name = require_text(data.name, "合作单位名称", max_len=80)
    contact = require_text(data.contact, "联系人", max_len=40, required=False)
    phone = require_text(data.phone, "联系电话", max_len=20, required=False)
    if phone and not phone.replace("-", "").isdigit():
        raise ValidationError("联系电话", "只能包含数字和“-”")
    services = require_text(
        data.services, "可提供的帮扶", max_len=500, required=False, multiline=True
    )
    with unit_of_work(store, actor) as uow:
        row = uow.session.get(SupportPartner, partner_id) if partner_id else None
        if partner_id and (row is None or row.deleted or row.office_code != actor.office_code):
            raise NotFound("该合作单位不存在或已删除")
        new = row is None
        row = row or SupportPartner(office_code=actor.office_code)
        row.kind, row.name, row.contact, row.phone, row.services = (
            data.kind,
            name,
            contact,
            phone,
            services,
        )
        uow.record(
            row,
            action="save_support_partner",
            summary=f"{'新增' if new else '修改'}合作单位：{name}（{PARTNER_KINDS[data.kind]}）",
        )
        return _partner(row)


@service(roles=ALL_ROLES, scope=Scope.NONE("the office's partner directory, no family"))
def list_partners(store: Store, actor: Actor) -> list[PartnerView]:
    with store.sessions.read() as s:
        rows = s.scalars(
            select(SupportPartner)
            .where(
                SupportPartner.deleted.is_(False), SupportPartner.office_code == actor.office_code
            )
            .order_by(SupportPartner.kind, SupportPartner.name)
        )
        return [_partner(r) for r in rows]


@service(roles=WRITERS, scope=Scope.HOUSEHOLD("household_id"), changes={Change.SUPPORT})
def make_referral(
    store: Store,
    actor: Actor,
    household_id: str,
    partner_id: str,
    need: str,
    made_on: date,
    answer_days: int = DEFAULT_ANSWER_DAYS,
) -> ReferralView:
    """Refer a family to a partner; the answer is due ``answer_days`` working days later."""
    need = require_text(need, "转介事项", max_len=1000, multiline=True)
    day = require_date(made_on, "转介日期")
    if not isinstance(answer_days, int) or not 1 <= answer_days <= 60:
        raise ValidationError("答复时限", "应为1到60个工作日")
    with unit_of_work(store, actor) as uow:
        live_household(uow.session, household_id)
        partner = uow.session.get(SupportPartner, partner_id)
        if partner is None or partner.deleted:
            raise ValidationError("转介单位", "请从合作单位名录中选择")
        due = office_calendar(uow.session, actor.office_id, day).add_working_days(day, answer_days)
        row = Referral(
            household_id=household_id, partner_id=partner.id, partner_name=partner.name,
            partner_kind=partner.kind, need=need, made_on=day, due_on=due, status="open",
            made_by=actor.display_name,
        )  # fmt: skip
        uow.record(
            row, action="make_referral", summary=f"转介至{partner.name}：{need[:60]}（{due}前答复）"
        )
        return _referral(row)


@service(roles=WRITERS, scope=Scope.HOUSEHOLD("household_id"), changes={Change.SUPPORT})
def record_referral_outcome(
    store: Store,
    actor: Actor,
    household_id: str,
    referral_id: str,
    status: str,
    on: date,
    *,
    amount: object = None,
    service_given: str = "",
    reason: str = "",
) -> ReferralView:
    """Record what the partner did: accepted, help given (an amount or a service), or refused
    (with the reason)."""
    choice(status, "转介结果", OUTCOMES)
    day = require_date(on, "结果日期")
    money = None if amount in (None, "") else to_money(amount, "帮扶金额")
    given = require_text(service_given, "提供的服务", max_len=500, required=False)
    why = require_text(reason, "未予帮扶原因", max_len=500, required=status == "refused")
    if status == "given" and money is None and not given:
        raise ValidationError("帮扶金额", "已给予帮扶时请填写金额或提供的服务")
    with unit_of_work(store, actor) as uow:
        row = uow.session.get(Referral, referral_id)
        if row is None or row.deleted or row.household_id != household_id:
            raise NotFound("该转介记录不存在")
        if row.status in ("given", "refused"):
            raise ValidationError(
                "转介结果", f"该转介已办结（{REFERRAL_STATUS[row.status]}），不能再修改"
            )
        if day < row.made_on:
            raise ValidationError("结果日期", "不能早于转介日期")
        row.status, row.amount, row.service_given, row.refusal_reason = status, money, given, why
        row.closed_on = day if status in ("given", "refused") else None
        uow.record(
            row,
            action="record_referral_outcome",
            summary=f"转介{row.partner_name}：{OUTCOMES[status]}",
        )
        return _referral(row)


@service(roles=ALL_ROLES, scope=Scope.HOUSEHOLD("household_id"))
def list_referrals(store: Store, actor: Actor, household_id: str) -> list[ReferralView]:
    with store.sessions.read() as s:
        rows = s.scalars(
            select(Referral)
            .where(Referral.household_id == household_id, Referral.deleted.is_(False))
            .order_by(Referral.made_on.desc())
        )
        return [_referral(r) for r in rows]
