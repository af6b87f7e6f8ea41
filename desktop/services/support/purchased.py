"""政府购买服务: the services the office buys (item, provider, period, budget), the families
assigned to a provider's user (who then sees only those), and the service records per family."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select

from desktop.domain.workflow.model import STATE_LABELS, State
from desktop.errors import NotFound, ValidationError
from desktop.money import to_money
from desktop.services.base import (
    ALL_ROLES,
    PROVIDER_ROLES,
    Actor,
    Change,
    Role,
    Scope,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.scope import visible_households
from desktop.services.support.common import check_period, live_household, require_date
from desktop.store.models import Application, Household, Person, User
from desktop.store.store import Store
from desktop.store.support_models import ProviderHousehold, PurchasedService, ServiceRecord

SERVICE_ITEMS: dict[str, str] = {
    "care": "生活照料",
    "comfort": "精神慰藉",
    "counselling": "心理疏导",
    "safety": "安全巡查",
    "survey": "入户调查",
    "volunteer": "志愿服务（时间银行）",
}
EDITORS = {Role.ADMIN, Role.SUPERVISOR}
RECORDERS = {Role.CLERK, Role.SUPERVISOR, Role.ADMIN, Role.PROVIDER}


@dataclass(frozen=True)
class ServiceInput:
    item: str
    provider: str
    period_from: object
    period_to: object
    budget: object


@dataclass(frozen=True)
class ServiceView:
    id: str
    item: str
    provider: str
    period_from: date
    period_to: date
    budget: Decimal
    spent: Decimal

    @property
    def item_cn(self) -> str:
        return SERVICE_ITEMS.get(self.item, self.item)


@dataclass(frozen=True)
class ServiceRecordView:
    id: str
    household_id: str
    item: str
    provider: str
    served_on: date
    hours: Decimal
    value: Decimal
    note: str
    recorded_by: str

    @property
    def item_cn(self) -> str:
        return SERVICE_ITEMS.get(self.item, self.item)


def _record_view(r: ServiceRecord) -> ServiceRecordView:
    return ServiceRecordView(
        r.id,
        r.household_id,
        r.item,
        r.provider,
        r.served_on,
        r.hours,
        r.value,
        r.note,
        r.recorded_by,
    )


@service(
    roles=EDITORS,
    scope=Scope.NONE("the office's service list, no family"),
    changes={Change.SUPPORT},
)
def save_service(
    store: Store, actor: Actor, data: ServiceInput, service_id: str | None = None
) -> ServiceView:
    """Add or change a purchased service (audited, synced to the office's desks)."""
    if data.item not in SERVICE_ITEMS:
        raise ValidationError("服务项目", f"取值无效（可选：{'、'.join(SERVICE_ITEMS.values())}）")
    provider = require_text(data.provider, "服务机构", max_len=80)
    start, end = check_period(data.period_from, data.period_to, "服务期起", "服务期止")
    budget = to_money(data.budget, "预算金额")
    if budget == 0:
        raise ValidationError("预算金额", "应大于0")
    with unit_of_work(store, actor) as uow:
        row = uow.session.get(PurchasedService, service_id) if service_id else None
        if service_id and (row is None or row.deleted or row.office_code != actor.office_code):
            raise NotFound("该服务项目不存在或已删除")
        new = row is None
        row = row or PurchasedService(office_code=actor.office_code)
        row.item, row.provider, row.period_from, row.period_to, row.budget = (
            data.item,
            provider,
            start,
            end,
            budget,
        )
        uow.record(
            row,
            action="save_purchased_service",
            summary=f"{'新增' if new else '修改'}购买服务：{SERVICE_ITEMS[data.item]}（{provider}），预算{budget}元",
        )
        return ServiceView(row.id, row.item, row.provider, start, end, budget, Decimal("0.00"))


@service(roles=ALL_ROLES, scope=Scope.NONE("the office's service list, no family"))
def list_services(store: Store, actor: Actor) -> list[ServiceView]:
    """The office's purchased services with what their records have used of the budget."""
    with store.sessions.read() as s:
        spent: dict[str, Decimal] = {}
        for sid, worth in s.execute(
            select(ServiceRecord.service_id, ServiceRecord.value).where(
                ServiceRecord.deleted.is_(False)
            )
        ):
            spent[sid] = spent.get(sid, Decimal("0.00")) + worth
        rows = s.scalars(
            select(PurchasedService)
            .where(
                PurchasedService.deleted.is_(False),
                PurchasedService.office_code == actor.office_code,
            )
            .order_by(PurchasedService.period_from.desc())
        )
        return [
            ServiceView(
                r.id,
                r.item,
                r.provider,
                r.period_from,
                r.period_to,
                r.budget,
                spent.get(r.id, Decimal("0.00")),
            )  # fmt: skip
            for r in rows
        ]


@service(roles={Role.ADMIN}, scope=Scope.HOUSEHOLDS("household_ids"), changes={Change.SUPPORT})
def assign_provider_households(
    store: Store, actor: Actor, user_id: str, household_ids: list[str], service_id: str = ""
) -> list[str]:
    """Replace the families a provider's user serves (audited); it sees only those."""
    with unit_of_work(store, actor) as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在")
        if user.role != Role.PROVIDER.value:
            raise ValidationError("角色", f"只能给{Role.PROVIDER.label}分配服务家庭")
        ids = sorted(set(household_ids))
        for hid in ids:
            live_household(uow.session, hid)
        uow.session.execute(delete(ProviderHousehold).where(ProviderHousehold.user_id == user_id))
        uow.session.add_all(
            ProviderHousehold(user_id=user_id, household_id=h, service_id=service_id) for h in ids
        )
        uow.audit(
            "assign_provider_households",
            "user",
            user_id,
            f"{user.display_name} 服务家庭 {len(ids)} 户",
            {"households": ids},
        )
    return ids


@service(roles=RECORDERS, scope=Scope.HOUSEHOLD("household_id"), changes={Change.SUPPORT})
def add_service_record(
    store: Store,
    actor: Actor,
    household_id: str,
    service_id: str,
    served_on: date,
    *,
    hours: object = "0",
    value: object = "0",
    note: str = "",
) -> ServiceRecordView:
    """Record one service given to a family under a purchased service within its period."""
    day = require_date(served_on, "服务日期")
    spent_hours = to_money(hours, "服务时长（小时）")
    worth = to_money(value, "服务金额")
    text = require_text(note, "服务内容", max_len=500, multiline=True)
    if day > date.today():
        raise ValidationError("服务日期", "不能晚于今天")
    with unit_of_work(store, actor) as uow:
        live_household(uow.session, household_id)
        bought = uow.session.get(PurchasedService, service_id)
        if bought is None or bought.deleted:
            raise ValidationError("服务项目", "请从本街道的购买服务中选择")
        if not bought.period_from <= day <= bought.period_to:
            raise ValidationError(
                "服务日期", f"不在该服务的服务期（{bought.period_from}至{bought.period_to}）内"
            )
        row = ServiceRecord(
            household_id=household_id, service_id=bought.id, item=bought.item, provider=bought.provider,
            served_on=day, hours=spent_hours, value=worth, note=text, recorded_by=actor.display_name,
        )  # fmt: skip
        uow.record(
            row,
            action="add_service_record",
            summary=f"{SERVICE_ITEMS.get(bought.item, bought.item)}：{text[:60]}（{bought.provider}）",
        )
        return _record_view(row)


@service(roles=PROVIDER_ROLES, scope=Scope.HOUSEHOLD("household_id"))
def list_service_records(store: Store, actor: Actor, household_id: str) -> list[ServiceRecordView]:
    with store.sessions.read() as s:
        rows = s.scalars(
            select(ServiceRecord)
            .where(ServiceRecord.household_id == household_id, ServiceRecord.deleted.is_(False))
            .order_by(ServiceRecord.served_on.desc())
        )
        return [_record_view(r) for r in rows]


@service(roles=PROVIDER_ROLES, scope=Scope.NONE("lists only the families assigned to the actor"))
def my_assigned_households(store: Store, actor: Actor) -> list[str]:
    """A provider's families (staff: none; they see the office's families anyway)."""
    with store.sessions.read() as s:
        return sorted(
            s.scalars(
                select(ProviderHousehold.household_id).where(
                    ProviderHousehold.user_id == actor.user_id
                )
            )
        )


@dataclass(frozen=True)
class AssignableFamily:
    """A family of the office an administrator may assign to a provider (its latest case)."""

    household_id: str
    number: str
    applicant_name: str
    state: str
    community: str


@service(roles={Role.ADMIN}, scope=Scope.NONE("results are filtered by visible_households"))
def assignable_families(store: Store, actor: Actor) -> list[AssignableFamily]:
    """The office's families with their latest case, newest first."""
    with store.sessions.read() as s:
        rows = s.execute(
            select(
                Application.household_id,
                Application.number,
                Person.name,
                Application.state,
                Household.community,
            )
            .join(Household, Household.id == Application.household_id)
            .join(Person, Person.id == Application.applicant_id)
            .where(Application.deleted.is_(False), visible_households(s, actor))
            .order_by(Application.applied_on.desc())
        ).all()
    seen: dict[str, AssignableFamily] = {}
    for hid, number, name, state, community in rows:
        if hid not in seen:
            label = STATE_LABELS.get(State(state), state)
            seen[hid] = AssignableFamily(hid, number, name, label, community)
    return list(seen.values())


@service(roles={Role.ADMIN}, scope=Scope.NONE("assignments of a provider's user, no family read"))
def provider_households(store: Store, actor: Actor, user_id: str) -> list[str]:
    """The families assigned to a provider's user."""
    with store.sessions.read() as s:
        return sorted(
            s.scalars(
                select(ProviderHousehold.household_id).where(ProviderHousehold.user_id == user_id)
            )
        )
