"""The office reserve fund (备用金) for 临时救助急难型: deposits, adjustments, the ledger and the
payout the 先行救助 step records in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.errors import ValidationError, WorkflowError
from desktop.money import ZERO, fmt_yuan, to_money
from desktop.services.base import Actor, Role, Scope, require_text, service, unit_of_work
from desktop.store.store import Store
from desktop.store.workflow_models import ReserveFundEntry

KINDS = {"deposit": "拨入", "payout": "先行救助支出", "adjust": "调整"}
FUND_MANAGERS = {Role.SUPERVISOR, Role.ADMIN}


@dataclass(frozen=True)
class FundEntryView:
    """One ledger line with the balance after it."""

    id: str
    on: date
    kind: str
    amount: Decimal
    balance: Decimal
    application_id: str | None
    note: str
    actor: str

    @property
    def kind_cn(self) -> str:
        """Chinese name of the entry kind."""
        return KINDS.get(self.kind, self.kind)


def balance_in(session: Session, office_id: str) -> Decimal:
    """Balance of the office's fund inside an open transaction."""
    total = session.scalar(
        select(func.sum(ReserveFundEntry.amount)).where(ReserveFundEntry.office_id == office_id)
    )  # typed as the Money column: already a Decimal in yuan
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _entry(
    session: Session, actor: Actor, kind: str, amount: Decimal, on: date, note: str, app: str | None
) -> ReserveFundEntry:
    row = ReserveFundEntry(
        office_id=actor.office_id,
        on=on,
        amount=amount,
        kind=kind,
        application_id=app,
        note=note,
        actor=actor.display_name,
        created_at=datetime.now().replace(microsecond=0),
    )
    session.add(row)
    session.flush()
    return row


def record_payout(
    session: Session, actor: Actor, application_id: str, amount: Decimal, on: date, number: str
) -> ReserveFundEntry:
    """Take a 先行救助 payout from the acting office's fund; refuses to overdraw it."""
    balance = balance_in(session, actor.office_id)
    if amount > balance:
        raise WorkflowError(
            f"先行救助金额：备用金余额不足（余额{fmt_yuan(balance)}元，"
            f"本次需支付{fmt_yuan(amount)}元），请先拨入备用金"
        )
    return _entry(session, actor, "payout", -amount, on, f"先行救助 {number}", application_id)


def _check_day(on: date) -> date:
    if not isinstance(on, date):
        raise ValidationError("日期", "请选择日期")
    if on > date.today():
        raise ValidationError("日期", "不能晚于今天")
    return on


@service(
    scope=Scope.NONE("the office's reserve fund, no family"),
    roles=FUND_MANAGERS,
    changes={"reserve_fund"},
)
def deposit_reserve_fund(
    store: Store, actor: Actor, amount: object, on: date, note: str = ""
) -> FundEntryView:
    """拨入备用金 (supervisor or administrator); audited."""
    value = to_money(amount, "拨入金额")
    if value <= ZERO:
        raise ValidationError("拨入金额", "应大于零")
    text = require_text(note, "说明", max_len=200, required=False)
    with unit_of_work(store, actor) as uow:
        row = _entry(uow.session, actor, "deposit", value, _check_day(on), text, None)
        after = balance_in(uow.session, actor.office_id)
        uow.audit(
            "reserve_deposit",
            "reserve_fund",
            row.id,
            f"拨入备用金 {fmt_yuan(value)} 元，余额 {fmt_yuan(after)} 元",
            {"amount": value, "on": on},
        )
        return _view(row, after)


@service(
    scope=Scope.NONE("the office's reserve fund, no family"),
    roles=FUND_MANAGERS,
    changes={"reserve_fund"},
)
def adjust_reserve_fund(
    store: Store, actor: Actor, amount: object, on: date, note: str
) -> FundEntryView:
    """调整备用金 by a signed amount with a written reason; may not make the balance negative."""
    value = to_money(amount, "调整金额", allow_negative=True)
    if value == ZERO:
        raise ValidationError("调整金额", "不能为零")
    text = require_text(note, "调整原因", max_len=200)
    with unit_of_work(store, actor) as uow:
        if balance_in(uow.session, actor.office_id) + value < ZERO:
            raise ValidationError("调整金额", "调整后备用金余额不能为负数")
        row = _entry(uow.session, actor, "adjust", value, _check_day(on), text, None)
        after = balance_in(uow.session, actor.office_id)
        uow.audit(
            "reserve_adjust",
            "reserve_fund",
            row.id,
            f"调整备用金 {fmt_yuan(value)} 元（{text}），余额 {fmt_yuan(after)} 元",
            {"amount": value, "on": on},
        )
        return _view(row, after)


def reserve_balance(store: Store, office_id: str) -> Decimal:
    """Current balance of the office's reserve fund."""
    with store.sessions.read() as s:
        return balance_in(s, office_id)


def reserve_ledger(store: Store, office_id: str) -> list[FundEntryView]:
    """Every ledger line of the office in date order with the running balance."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(ReserveFundEntry)
            .where(ReserveFundEntry.office_id == office_id)
            .order_by(ReserveFundEntry.on, ReserveFundEntry.created_at, ReserveFundEntry.id)
        ).all()
    out, running = [], ZERO
    for row in rows:
        running += row.amount
        out.append(_view(row, running))
    return out


def _view(row: ReserveFundEntry, balance: Decimal) -> FundEntryView:
    return FundEntryView(
        row.id, row.on, row.kind, row.amount, balance, row.application_id, row.note, row.actor
    )
