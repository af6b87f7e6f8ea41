"""Change notices (增发/减发/停发通知书) of a benefit run: which cases get one (the notice of one
case is ``printing.letters.change_notice_for`` with the run, built only when it is printed)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from desktop.errors import NotFound
from desktop.store.models import Application, Person
from desktop.store.policy_models import BenefitChangeRecord, BenefitRun
from desktop.store.store import Store

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
