"""Steps at the window: accept (一次性告知), supplements and resume, withdraw, hard case."""

from __future__ import annotations

from desktop.domain.workflow.context import StepContext, close_pause
from desktop.domain.workflow.definitions import Clock
from desktop.domain.workflow.model import CaseSnapshot, Pause, State, evolve
from desktop.errors import WorkflowError


def accept(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """受理. Missing documents are listed once; they start a supplement wait (clock paused).

    急难型 cases never wait: aid comes first and the documents are back-filled.
    """
    missing = ctx.p.texts("missing_documents", "一次性告知缺件清单")
    hard = ctx.p.flag("hard_case", "疑难案件")
    base = evolve(case, accepted_on=ctx.when, missing_documents=missing, hard_case=hard)
    if not missing:
        return evolve(base, state=State.ACCEPTED, materials_complete_on=ctx.when)
    if ctx.definition.clock is Clock.EMERGENCY:
        return evolve(base, state=State.ACCEPTED)
    return evolve(
        base,
        state=State.SUPPLEMENTING,
        return_to=State.ACCEPTED,
        pauses=(*case.pauses, Pause(ctx.when)),
    )


def return_for_supplement(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """退回补正: ask for more documents; the running clocks stop until they arrive."""
    missing = ctx.p.texts("missing_documents", "补正材料清单", minimum=1)
    merged = tuple(dict.fromkeys((*case.missing_documents, *missing)))
    return evolve(
        case,
        state=State.SUPPLEMENTING,
        return_to=case.state,
        missing_documents=merged,
        pauses=(*case.pauses, Pause(ctx.when)),
    )


def resume(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """补正完毕: every missing document received; the clock runs again."""
    received = ctx.p.texts("documents_received", "已补齐材料", minimum=1)
    still = [doc for doc in case.missing_documents if doc not in received]
    if still:
        raise WorkflowError(f"已补齐材料：尚缺“{'、'.join(still)}”，不能恢复办理")
    if case.return_to is None:
        raise WorkflowError("案件不在补正状态")
    return evolve(
        case,
        state=case.return_to,
        return_to=None,
        missing_documents=(),
        materials_complete_on=case.materials_complete_on or ctx.when,
        pauses=close_pause(case.pauses, ctx.when),
    )


def withdraw(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """撤回申请 at the family's request (before a decision)."""
    ctx.p.text("reason", "撤回原因", required=False)
    return evolve(
        case,
        state=State.WITHDRAWN,
        withdrawn_on=ctx.when,
        return_to=None,
        pauses=close_pause(case.pauses, ctx.when),
    )


def mark_hard_case(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """认定为疑难案件: the confirmation limit becomes the long one (45 working days)."""
    ctx.p.text("reason", "疑难情形说明")
    return evolve(case, hard_case=True)
