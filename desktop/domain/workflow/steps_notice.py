"""Public notice (公示) at both offices, objections and the democratic appraisal (民主评议)."""

from __future__ import annotations

from desktop.domain.workflow.context import StepContext, notice_ends_on
from desktop.domain.workflow.model import Appraisal, CaseSnapshot, Objection, State, evolve
from desktop.errors import WorkflowError


def open_notice(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """开始公示: posted at the hukou office and, when the family lives elsewhere, there too."""
    if not ctx.p.flag("posted_hukou", "户籍地公示"):
        raise WorkflowError("户籍地公示：须在户籍地村（社区）张贴公示")
    if case.split_household and not ctx.p.flag("posted_residence", "居住地公示"):
        raise WorkflowError("居住地公示：人户分离的家庭须同时在居住地村（社区）公示")
    return evolve(case, state=State.IN_NOTICE, notice_opened_on=ctx.when, objections=())


def record_objection(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """登记异议 raised during the notice period."""
    content = ctx.p.text("content", "异议内容")
    if ctx.when >= notice_ends_on(case, ctx.rules):
        raise WorkflowError("异议日期：公示期已满，不能再登记异议")
    return evolve(case, objections=(*case.objections, Objection(ctx.when, content)))


def close_notice(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """公示期满: objections → democratic appraisal, none → confirmation."""
    ends = notice_ends_on(case, ctx.rules)
    if ctx.when < ends:
        raise WorkflowError(f"结束公示日期：公示期未满，{ends.isoformat()}起方可结束")
    if case.objections:
        return evolve(case, state=State.APPRAISAL, notice_closed_on=ctx.when)
    return evolve(
        case, state=State.CONFIRMING, notice_closed_on=ctx.when, confirming_since=ctx.when
    )


def record_appraisal(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """登记民主评议结果; the case goes back to 初审."""
    participants = ctx.p.integer("participants", "参加评议人数")
    if participants < 1:
        raise WorkflowError("参加评议人数：应至少1人")
    result = ctx.p.text("result", "评议结果")
    return evolve(
        case,
        state=State.PRELIMINARY_REVIEW,
        appraisal=Appraisal(ctx.when, participants, result),
    )
