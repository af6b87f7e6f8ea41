"""The family's whole support on one page: cash benefit, insurance, relief, referrals and
purchased services, each line with its source, and the totals per year (what a supervisor
checks before approving more)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from desktop.domain.workflow.model import TYPE_LABELS, AssistanceType
from desktop.services.base import PROVIDER_ROLES, Actor, Scope, service
from desktop.services.support.common import PAYING_CODES
from desktop.services.support.purchased import SERVICE_ITEMS
from desktop.services.support.referrals import PARTNER_KINDS, REFERRAL_STATUS
from desktop.store.models import Application
from desktop.store.policy_models import BenefitChangeRecord, BenefitRun
from desktop.store.store import Store
from desktop.store.support_models import Referral, RosterLine, ServiceRecord

KINDS = ("现金救助", "保险", "慰问金", "转介帮扶", "购买服务")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SupportLine:
    year: int
    kind: str
    source: str
    what: str
    amount: Decimal
    on: date


@dataclass(frozen=True)
class FamilySupport:
    lines: tuple[SupportLine, ...]
    totals: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    def year_total(self, year: int) -> Decimal:
        return sum(self.totals.get(year, {}).values(), ZERO)


def _cash(store: Store, household_id: str) -> list[SupportLine]:
    with store.sessions.read() as s:
        rows = s.execute(
            select(BenefitRun.month, BenefitChangeRecord.new_amount, Application.assistance_type)
            .join(BenefitRun, BenefitRun.id == BenefitChangeRecord.run_id)
            .join(Application, Application.id == BenefitChangeRecord.application_id)
            .where(Application.household_id == household_id, BenefitRun.supplementary.is_(False))
            .order_by(BenefitRun.month)
        ).all()
    by_year: dict[int, tuple[int, Decimal, date]] = {}
    for month, amount, _kind in rows:
        n, total, _last = by_year.get(month.year, (0, ZERO, month))
        by_year[month.year] = (n + 1, total + (amount or ZERO), month)
    out = [
        SupportLine(y, "现金救助", "按月发放", f"{n}个月救助金", total, last)
        for y, (n, total, last) in sorted(by_year.items())
    ]
    if not out:
        # no monthly run on this desk yet: the amount in payment is shown, not counted
        with store.sessions.read() as s:
            for kind, monthly in s.execute(
                select(Application.assistance_type, Application.benefit_amount).where(
                    Application.household_id == household_id,
                    Application.deleted.is_(False),
                    Application.state.in_(PAYING_CODES),
                )
            ):
                label = TYPE_LABELS.get(AssistanceType(kind), kind)
                what = (
                    f"{label}在保，每月{monthly or ZERO}元（本机尚无按月发放核算记录，未计入合计）"
                )
                out.append(
                    SupportLine(date.today().year, "现金救助", "按月发放", what, ZERO, date.today())
                )
    return out


@service(roles=PROVIDER_ROLES, scope=Scope.HOUSEHOLD("household_id"))
def family_support(store: Store, actor: Actor, household_id: str) -> FamilySupport:
    """Every support the family received from every source, with totals per year."""
    lines = _cash(store, household_id)
    with store.sessions.read() as s:
        for line in s.scalars(
            select(RosterLine).where(
                RosterLine.household_id == household_id,
                RosterLine.deleted.is_(False),
                RosterLine.status == "reviewed",
            )
        ):
            kind = "保险" if line.programme_kind == "insurance" else "慰问金"
            names = "、".join(m["name"] for m in line.members)
            lines.append(
                SupportLine(
                    line.period_from.year,
                    kind,
                    line.programme_name,
                    f"{names}（{len(line.members)}人）",
                    line.amount,
                    line.period_from,
                )
            )
        for r in s.scalars(
            select(Referral).where(
                Referral.household_id == household_id, Referral.deleted.is_(False)
            )
        ):
            what = f"{r.need[:30]}（{REFERRAL_STATUS.get(r.status, r.status)}）"
            if r.service_given:
                what += f"：{r.service_given[:30]}"
            source = f"{r.partner_name}（{PARTNER_KINDS.get(r.partner_kind, r.partner_kind)}）"
            day = r.closed_on or r.made_on
            lines.append(
                SupportLine(
                    day.year,
                    "转介帮扶",
                    source,
                    what,
                    r.amount or ZERO if r.status == "given" else ZERO,
                    day,
                )
            )
        for rec in s.scalars(
            select(ServiceRecord).where(
                ServiceRecord.household_id == household_id, ServiceRecord.deleted.is_(False)
            )
        ):
            lines.append(
                SupportLine(
                    rec.served_on.year,
                    "购买服务",
                    rec.provider,
                    f"{SERVICE_ITEMS.get(rec.item, rec.item)}：{rec.note[:30]}",
                    rec.value,
                    rec.served_on,
                )
            )
    lines.sort(key=lambda x: (x.on, KINDS.index(x.kind)), reverse=True)
    totals: dict[int, dict[str, Decimal]] = {}
    for x in lines:
        year = totals.setdefault(x.year, dict.fromkeys(KINDS, ZERO))
        year[x.kind] += x.amount
    return FamilySupport(tuple(lines), totals)
