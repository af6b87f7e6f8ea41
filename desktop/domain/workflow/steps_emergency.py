"""临时救助急难型: aid first from the office reserve fund (备用金), paperwork back-filled."""

from __future__ import annotations

from desktop.domain.workflow.context import StepContext
from desktop.domain.workflow.model import CaseSnapshot, EmergencyAid, State, evolve
from desktop.errors import WorkflowError


def pay_emergency_aid(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """先行救助: skips check, appraisal and notice; the back-fill clock starts now."""
    amount = ctx.p.money("amount", "先行救助金额", positive=True)
    aid = EmergencyAid(ctx.when, amount, ctx.side)
    return evolve(
        case,
        state=State.AID_PAID,
        emergency_aid=aid,
        decision_on=ctx.when,
        approved_amount=amount,
    )


def complete_backfill(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """补办手续完毕: survey recorded and every document listed at acceptance received."""
    received = ctx.p.texts("documents_received", "补交材料")
    still = [doc for doc in case.missing_documents if doc not in received]
    if still:
        raise WorkflowError(f"补交材料：尚缺“{'、'.join(still)}”")
    return evolve(
        case,
        state=State.BACKFILLED,
        backfilled_on=ctx.when,
        missing_documents=(),
        materials_complete_on=case.materials_complete_on or ctx.when,
    )
