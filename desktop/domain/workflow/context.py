"""What a step handler receives besides the snapshot, and small shared helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from desktop.domain.workflow.definitions import WorkflowDefinition
from desktop.domain.workflow.model import CaseSnapshot, Pause, Side
from desktop.domain.workflow.params import Params
from desktop.domain.workflow.rules import DeadlineRules
from desktop.errors import WorkflowError


@dataclass(frozen=True)
class StepContext:
    """Inputs of one step: its date, the acting side, parameters, rules and the type."""

    when: date
    side: Side
    p: Params
    rules: DeadlineRules
    definition: WorkflowDefinition


def close_pause(pauses: tuple[Pause, ...], when: date) -> tuple[Pause, ...]:
    """End the open pause (if any) on ``when``."""
    if pauses and pauses[-1].end is None:
        return (*pauses[:-1], Pause(pauses[-1].start, when))
    return pauses


def notice_ends_on(case: CaseSnapshot, rules: DeadlineRules) -> date:
    """First day the public notice may be closed: opened + notice_days calendar days."""
    if case.notice_opened_on is None:
        raise WorkflowError("尚未开始公示")
    return case.notice_opened_on + timedelta(days=rules.notice_days)


def current_amount(case: CaseSnapshot) -> Decimal:
    """Monthly amount in force: the last review's new amount, else the payment start amount."""
    for review in reversed(case.reviews):
        if review.new_amount is not None:
            return review.new_amount
    if case.payment is not None:
        return case.payment.monthly_amount
    return case.approved_amount or Decimal("0.00")
