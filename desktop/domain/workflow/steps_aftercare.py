"""After archiving: periodic review (增发/减发/停发/不变), 渐退 and a death in the family."""

from __future__ import annotations

from desktop.domain.calendar import add_months, first_of_next_month
from desktop.domain.workflow.context import StepContext, current_amount
from desktop.domain.workflow.model import (
    OUTCOME_LABELS,
    CaseSnapshot,
    Review,
    ReviewOutcome,
    State,
    evolve,
)
from desktop.errors import WorkflowError

_OUTCOMES = {o.value: label for o, label in OUTCOME_LABELS.items()}


def record_review(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """定期核查: the outcome takes effect on the 1st of next month."""
    outcome = ReviewOutcome(ctx.p.choice("outcome", "核查结果", _OUTCOMES))
    effective = first_of_next_month(ctx.when)
    new_amount = None
    if outcome in (ReviewOutcome.INCREASE, ReviewOutcome.DECREASE):
        new_amount = ctx.p.money("new_amount", "调整后金额")
        now = current_amount(case)
        if outcome is ReviewOutcome.INCREASE and new_amount <= now:
            raise WorkflowError(f"调整后金额：增发后应高于现发放金额{now}元")
        if outcome is ReviewOutcome.DECREASE and new_amount >= now:
            raise WorkflowError(f"调整后金额：减发后应低于现发放金额{now}元")
    reasons: tuple[str, ...] = ()
    if outcome is not ReviewOutcome.UNCHANGED:
        reasons = ctx.p.texts("reasons", "调整理由", minimum=1)
    review = Review(ctx.when, outcome, effective, new_amount, reasons)
    base = evolve(case, reviews=(*case.reviews, review), death_review_due=None)
    if outcome is ReviewOutcome.STOP:
        return evolve(base, state=State.STOPPED, stopped_on=effective, next_review_due=None)
    cycle = ctx.p.integer(
        "review_cycle_months", "核查周期（月）", default=case.review_cycle_months or 12
    )
    if cycle < 1:
        raise WorkflowError("核查周期（月）：应至少1个月")
    return evolve(base, review_cycle_months=cycle, next_review_due=add_months(ctx.when, cycle))


def start_gradual_exit(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """渐退: income rose above the standard through work; benefits continue N months."""
    limit = ctx.rules.gradual_exit_max_months
    months = ctx.p.integer("months", "渐退期（月）", default=limit)
    if not 1 <= months <= limit:
        raise WorkflowError(f"渐退期（月）：应为1至{limit}个月")
    ctx.p.text("reason", "渐退原因")
    ends = add_months(first_of_next_month(ctx.when), months)
    return evolve(case, state=State.GRADUAL_EXIT, gradual_exit_ends_on=ends)


def end_gradual_exit(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """渐退期满停发, effective on the day after the last exit month."""
    assert case.gradual_exit_ends_on is not None
    return evolve(
        case, state=State.STOPPED, stopped_on=case.gradual_exit_ends_on, next_review_due=None
    )


def report_change(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """家庭情况变化 (e.g. found on a visit): the periodic review is brought forward to within
    ``change_review_months`` of the report (never pushed later)."""
    ctx.p.text("change", "家庭变化情况")
    ctx.p.text("visit_id", "走访记录", required=False)
    due = add_months(ctx.when, ctx.rules.change_review_months)
    if case.next_review_due is not None:
        due = min(due, case.next_review_due)
    return evolve(case, next_review_due=due)


def report_death(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """家庭成员死亡: a review is due within 3 months of the death."""
    ctx.p.text("member", "死亡成员")
    died = ctx.p.day("died_on", "死亡日期")
    if died > ctx.when:
        raise WorkflowError("死亡日期：不能晚于登记日期")
    due = add_months(died, ctx.rules.death_review_months)
    if case.death_review_due is not None:
        due = min(due, case.death_review_due)
    return evolve(case, death_review_due=due)
