"""Change notices (增发/减发/停发通知书) of a benefit run: which cases get one, and the notice
data of one case, built only when it is printed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from desktop.errors import NotFound
from desktop.services.benefit_ledger import LedgerLine
from desktop.services.printing import case_record
from desktop.store.models import Application, Person
from desktop.store.policy_models import BenefitChangeRecord, BenefitRun
from desktop.store.store import Store
from reports import data as rd

NOTICE_KINDS = ("increase", "decrease", "stop")


@dataclass(frozen=True)
class ChangedCase:
    """A case of a run whose amount went up, down or stopped (it gets a notice)."""

    application_id: str
    number: str
    name: str
    kind: str
    old: Decimal
    new: Decimal


def changed_cases(store: Store, run_id: str) -> list[ChangedCase]:
    """Cases of the run with 增发, 减发 or 停发 against a previous amount, by case number."""
    stmt = (
        select(
            Application.id,
            Application.number,
            Person.name,
            BenefitChangeRecord.kind,
            BenefitChangeRecord.old_amount,
            BenefitChangeRecord.new_amount,
        )
        .join(Application, Application.id == BenefitChangeRecord.application_id)
        .join(Person, Person.id == Application.applicant_id)
        .where(
            BenefitChangeRecord.run_id == run_id,
            BenefitChangeRecord.kind.in_(NOTICE_KINDS),
            BenefitChangeRecord.old_amount.is_not(None),
        )
        .order_by(Application.number)
    )
    with store.sessions.read() as s:
        if s.get(BenefitRun, run_id) is None:
            raise NotFound("该发放核算记录不存在")
        return [
            ChangedCase(r[0], r[1], r[2], r[3], r[4] or Decimal("0.00"), r[5])
            for r in s.execute(stmt)
        ]


def change_notice_for(
    store: Store, run_id: str, application_id: str, decided_on: date | None = None
) -> rd.ChangeNotice:
    """The 增发/减发/停发 notice of one case of a run, effective from the run's month."""
    day = decided_on or date.today()
    with store.sessions.read() as s:
        run = s.get(BenefitRun, run_id)
        line = s.scalars(
            select(BenefitChangeRecord).where(
                BenefitChangeRecord.run_id == run_id,
                BenefitChangeRecord.application_id == application_id,
            )
        ).first()
        app = s.get(Application, application_id)
        if run is None or line is None or app is None or line.kind not in NOTICE_KINDS:
            raise NotFound("该案件在本次核算中没有增发、减发或停发")
        ledger = LedgerLine(
            app.number, "", "", line.programme, line.kind, line.old_amount, line.new_amount, None
        )
        return rd.ChangeNotice(
            case=case_record(s, app, day),
            kind=line.kind,
            old_amount=line.old_amount or Decimal("0.00"),
            new_amount=line.new_amount,
            effective=run.month,
            reasons=(ledger.reason(run.month) + "。",),
            decision_date=day,
        )
