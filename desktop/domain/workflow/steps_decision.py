"""Confirmation or refusal, the refusal letter, payment start and archiving."""

from __future__ import annotations

from decimal import Decimal

from desktop.domain.calendar import add_months, days_in_month, first_of_next_month
from desktop.domain.workflow.context import StepContext
from desktop.domain.workflow.model import CaseSnapshot, Payment, State, evolve
from desktop.errors import WorkflowError
from desktop.money import round_money

FAMILY_STABILITY = {
    "stable": "稳定家庭（老年、重度残疾、无劳动能力）",
    "variable": "收入不稳定或有劳动能力成员的家庭",
}
PAY_FROM = {"decision_date": "自审核确认决定之日起", "next_month": "自决定次月起"}


def _amount_basis(amount: Decimal, ctx: StepContext) -> tuple[Decimal | None, str, str]:
    """The calculated amount and, when the confirmed amount differs from it, the written basis
    and the second approver (the store's service verifies who that is before the step)."""
    if ctx.p.peek("calculated_amount") is None:
        return None, "", ""
    calculated = ctx.p.money("calculated_amount", "核算金额")
    if amount == calculated:
        return calculated, "", ""
    basis = ctx.p.text(
        "amount_basis", f"确认金额与核算金额{calculated}元不一致的理由", required=False
    )
    approver = ctx.p.text("amount_approved_by", "第二审核人", required=False)
    if not basis or not approver:
        raise WorkflowError(
            f"救助金额：确认金额{amount}元与核算金额{calculated}元不一致，"
            "须写明理由并经另一名审核负责人或管理员复核同意"
        )
    return calculated, basis, approver


def confirm(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """审核确认同意: the amount equals the calculation unless a written basis and a second
    approver are given; and the review cycle."""
    amount = ctx.p.money("amount", "救助金额", positive=ctx.definition.cash_required)
    calculated, basis, approver = _amount_basis(amount, ctx)
    cycle: int | None = None
    if ctx.definition.ongoing:
        stability = ctx.p.choice("family_stability", "家庭类型", FAMILY_STABILITY)
        default = (
            ctx.rules.review_months_stable
            if stability == "stable"
            else ctx.rules.review_months_variable
        )
        cycle = ctx.p.integer("review_cycle_months", "核查周期（月）", default=default)
        if cycle < 1:
            raise WorkflowError("核查周期（月）：应至少1个月")
    return evolve(
        case,
        state=State.CONFIRMED,
        decision_on=ctx.when,
        approved_amount=amount,
        calculated_amount=calculated,
        amount_basis=basis,
        amount_approved_by=approver,
        review_cycle_months=cycle,
    )


def refuse(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """不予救助: written reasons are required; the letter is due within 3 working days."""
    reasons = ctx.p.texts("reasons", "不予救助理由", minimum=1)
    return evolve(case, state=State.REFUSED, decision_on=ctx.when, refusal_reasons=reasons)


def send_refusal_letter(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """送达不予救助决定书（书面说明理由）."""
    ctx.p.text("delivery", "送达方式", required=False)
    return evolve(case, refusal_letter_on=ctx.when)


def _pay_from(case: CaseSnapshot, ctx: StepContext) -> str:
    fixed = ctx.definition.fixed_pay_from
    if fixed is None:
        return ctx.p.choice("pay_from", "发放起始规则", PAY_FROM)
    asked = ctx.p.peek("pay_from")
    if asked is not None and asked != fixed:
        raise WorkflowError(f"发放起始规则：{ctx.definition.label_cn}应{PAY_FROM[fixed]}发放")
    ctx.p.record("pay_from", fixed)
    return fixed


def start_payment(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """开始发放: from the decision date (first month prorated by days) or the next month."""
    assert case.decision_on is not None and case.approved_amount is not None
    amount = case.approved_amount
    if not ctx.definition.ongoing:
        payment = Payment(ctx.when, amount, amount, "one_off", one_off=True)
        return evolve(case, state=State.PAYING, payment=payment)
    pay_from = _pay_from(case, ctx)
    if pay_from == "next_month":
        payment = Payment(first_of_next_month(case.decision_on), amount, amount, pay_from)
    else:
        dim = days_in_month(case.decision_on)
        paid_days = dim - case.decision_on.day + 1
        first = round_money(amount * Decimal(paid_days) / Decimal(dim))
        payment = Payment(case.decision_on, amount, first, pay_from)
    return evolve(case, state=State.PAYING, payment=payment)


def archive(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """归档 of the file: an ongoing case stays in payment under periodic review (the state is
    unchanged, only ``archived_on`` is set); a refused, one-off or back-filled case is closed."""
    if case.state is State.PAYING and ctx.definition.ongoing:
        assert case.decision_on is not None and case.review_cycle_months is not None
        due = add_months(case.decision_on, case.review_cycle_months)
        return evolve(case, archived_on=ctx.when, next_review_due=due)
    return evolve(case, state=State.CLOSED, archived_on=ctx.when)
