"""Income items and assets of a household (收入、财产), entered at intake or found by the survey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from desktop.domain.policy import codes
from desktop.errors import NotFound, ValidationError
from desktop.money import to_money
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
from desktop.store.models import Asset, Household, IncomeItem, Person
from desktop.store.store import Store

INCOME_KINDS = dict(codes.INCOME_KINDS)

ASSET_KINDS = {
    **codes.LIQUID_KINDS,
    "vehicle": "机动车辆",
    "dwelling": "住房",
    "nonresidential": "非居住类房产",
}

VEHICLE_PURPOSES = {"": "无", **codes.VEHICLE_PURPOSES}

WRITERS = {Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR, Role.ADMIN}


@dataclass(frozen=True)
class IncomeInput:
    kind: str
    month: date
    amount: object
    person_id: str | None = None
    note: str = ""


@dataclass(frozen=True)
class AssetInput:
    kind: str
    amount: object = "0"
    vehicle_purpose: str = ""
    floor_area: object | None = None
    note: str = ""


@dataclass(frozen=True)
class IncomeView:
    id: str
    person_id: str | None
    kind: str
    month: date
    amount: Decimal
    note: str


@dataclass(frozen=True)
class AssetView:
    id: str
    kind: str
    amount: Decimal
    vehicle_purpose: str
    floor_area: Decimal | None
    note: str


def _household(session, household_id: str) -> Household:  # type: ignore[no-untyped-def]
    household = session.get(Household, household_id)
    if household is None or household.deleted:
        raise NotFound("该家庭不存在或已删除")
    return household


def clean_income(data: IncomeInput, where: str = "") -> IncomeInput:
    """Check one income item (kind, month, amount ≥ 0, note); ``where`` names the item in
    messages (``（第2条收入）``). Returns it with the amount a Decimal and the month's 1st."""
    choice(data.kind, f"收入类别{where}", INCOME_KINDS)
    amount = to_money(data.amount, f"收入金额{where}")
    if not isinstance(data.month, date):
        raise ValidationError(f"收入月份{where}", "请选择月份")
    month = data.month.replace(day=1)
    if month > date.today().replace(day=1):
        raise ValidationError(f"收入月份{where}", "不能晚于本月")
    note = require_text(data.note, f"收入说明{where}", max_len=200, required=False)
    return IncomeInput(data.kind, month, amount, data.person_id, note)


def clean_asset(data: AssetInput, where: str = "") -> AssetInput:
    """Check one asset (kind, amount ≥ 0, vehicle purpose, floor area, note)."""
    choice(data.kind, f"财产类别{where}", ASSET_KINDS)
    amount = to_money(data.amount, f"财产金额{where}")
    choice(data.vehicle_purpose, f"车辆用途{where}", VEHICLE_PURPOSES)
    if data.kind == "vehicle" and not data.vehicle_purpose:
        raise ValidationError(f"车辆用途{where}", "登记机动车辆时须填写用途")
    area = None
    if data.kind in ("dwelling", "nonresidential"):
        if data.floor_area in (None, ""):
            raise ValidationError(f"建筑面积{where}", "登记房产时须填写面积（平方米）")
        area = to_money(data.floor_area, f"建筑面积{where}")
        if area == 0 or area > 10000:
            raise ValidationError(f"建筑面积{where}", "应在0–10000平方米之间")
    note = require_text(data.note, f"财产说明{where}", max_len=200, required=False)
    return AssetInput(data.kind, amount, data.vehicle_purpose, area, note)


def write_income(uow: UnitOfWork, household_id: str, data: IncomeInput) -> IncomeItem:
    """Store a cleaned income item inside ``uow`` (row + audit + outbox)."""
    assert isinstance(data.amount, Decimal)
    item = IncomeItem(
        household_id=household_id,
        person_id=data.person_id,
        kind=data.kind,
        month=data.month,
        amount=data.amount,
        note=data.note,
    )
    uow.record(
        item,
        action="add_income",
        summary=f"登记收入 {INCOME_KINDS[data.kind]} {data.amount} 元（{data.month:%Y-%m}）",
    )
    return item


def write_asset(uow: UnitOfWork, household_id: str, data: AssetInput) -> Asset:
    """Store a cleaned asset inside ``uow`` (row + audit + outbox)."""
    asset = Asset(
        household_id=household_id,
        kind=data.kind,
        amount=data.amount,
        vehicle_purpose=data.vehicle_purpose,
        floor_area=data.floor_area,
        note=data.note,
    )
    uow.record(
        asset, action="add_asset", summary=f"登记财产 {ASSET_KINDS[data.kind]} {data.amount} 元"
    )
    return asset


@service(scope=Scope.HOUSEHOLD("household_id"), roles=WRITERS, changes={"finances"})
def add_income(store: Store, actor: Actor, household_id: str, data: IncomeInput) -> IncomeView:
    data = clean_income(data)
    with unit_of_work(store, actor) as uow:
        _household(uow.session, household_id)
        if data.person_id:
            person = uow.session.get(Person, data.person_id)
            if person is None or person.household_id != household_id:
                raise ValidationError("收入人", "不是本家庭成员")
        item = write_income(uow, household_id, data)
        return IncomeView(item.id, item.person_id, item.kind, item.month, item.amount, item.note)


@service(scope=Scope.HOUSEHOLD("household_id"), roles=WRITERS, changes={"finances"})
def add_asset(store: Store, actor: Actor, household_id: str, data: AssetInput) -> AssetView:
    data = clean_asset(data)
    with unit_of_work(store, actor) as uow:
        _household(uow.session, household_id)
        asset = write_asset(uow, household_id, data)
        return AssetView(
            asset.id, asset.kind, asset.amount, asset.vehicle_purpose, asset.floor_area, asset.note
        )


@service(scope=Scope.FINANCE_ITEM("item_id"), roles=WRITERS, changes={"finances"})
def remove_finance_item(store: Store, actor: Actor, item_id: str) -> None:
    """Remove an income item or an asset entered by mistake (tombstone)."""
    with unit_of_work(store, actor) as uow:
        item = uow.session.get(IncomeItem, item_id) or uow.session.get(Asset, item_id)
        if item is None or item.deleted:
            raise NotFound("该记录不存在或已删除")
        uow.record(item, action="remove_finance_item", op="delete", summary="删除收入/财产记录")


def list_finances(store: Store, household_id: str) -> tuple[list[IncomeView], list[AssetView]]:
    with store.sessions.read() as s:
        incomes = s.scalars(
            select(IncomeItem)
            .where(IncomeItem.household_id == household_id, IncomeItem.deleted.is_(False))
            .order_by(IncomeItem.month)
        ).all()
        assets = s.scalars(
            select(Asset).where(Asset.household_id == household_id, Asset.deleted.is_(False))
        ).all()
        return (
            [IncomeView(i.id, i.person_id, i.kind, i.month, i.amount, i.note) for i in incomes],
            [
                AssetView(a.id, a.kind, a.amount, a.vehicle_purpose, a.floor_area, a.note)
                for a in assets
            ],
        )
