"""The letters of a case (审核确认通知书, 不予救助决定书, 增发/减发/停发通知书): their data
gathered from the core into plain report records, and their PDF bytes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from desktop.domain.workflow import CaseSnapshot
from desktop.domain.workflow.context import current_amount
from desktop.errors import NotFound, ReportError, ValidationError
from desktop.services.base import ALL_ROLES, Actor, Scope, service
from desktop.services.cases.case_overview import REVIEW_CHANGE_KINDS
from desktop.services.cases.case_steps import get_case
from desktop.services.payment.benefit_ledger import LedgerLine
from desktop.store.models import Application
from desktop.store.policy_models import BenefitChangeRecord, BenefitRun
from desktop.store.store import Store
from printing.records import case_record, office_record
from printing.run_notices import NOTICE_KINDS
from reports import data as rd
from reports.letters import render_approval_letter, render_change_notice, render_refusal_letter


def _letter_no(number: str, kind: str) -> str:
    return f"{number}-{ {'approval': 'QR', 'refusal': 'BY', 'change': 'BG'}[kind] }"


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def approval_letter_for(store: Store, actor: Actor, application_id: str) -> rd.ApprovalLetter:
    """审核确认通知书 of a confirmed case (amount, start date, review cycle)."""
    snap = get_case(store, application_id).snapshot
    if snap.decision_on is None or snap.approved_amount is None or snap.refusal_reasons:
        raise ReportError("该案件尚未审核确认同意，不能打印审核确认通知书")
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        assert app is not None
        case = case_record(s, app, snap.decision_on)
    start = snap.payment.start_on if snap.payment else snap.decision_on
    return rd.ApprovalLetter(
        case=_with_amount(case, current_amount(snap)),
        decision_date=snap.decision_on,
        start_date=start,
        review_months=snap.review_cycle_months or 12,
        letter_no=_letter_no(case.case_no, "approval"),
        calculated_amount=snap.calculated_amount,
        amount_basis=snap.amount_basis,
        amount_approved_by=snap.amount_approved_by,
    )


def _with_amount(case: rd.CaseRecord, amount: Decimal) -> rd.CaseRecord:
    return replace(case, amount=amount)


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def refusal_letter_for(store: Store, actor: Actor, application_id: str) -> rd.RefusalLetter:
    """不予救助决定书 with the recorded reasons and the appeal bodies of the deciding district."""
    snap = get_case(store, application_id).snapshot
    if not snap.refusal_reasons or snap.decision_on is None:
        raise ReportError("该案件没有不予救助决定，不能打印决定书")
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        assert app is not None
        case = case_record(s, app, snap.decision_on)
        district = office_record(s, app.hukou_office_id).district
    return rd.RefusalLetter(
        case=case,
        decision_date=snap.decision_on,
        reasons=snap.refusal_reasons,
        review_body=f"天津市{district}人民政府",
        court=f"天津市{district}人民法院",
        letter_no=_letter_no(case.case_no, "refusal"),
    )


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def change_notice_for(
    store: Store,
    actor: Actor,
    application_id: str,
    *,
    run_id: str | None = None,
    decided_on: date | None = None,
) -> rd.ChangeNotice:
    """增发/减发/停发通知书 of a case: of its change in the benefit run ``run_id`` (effective
    from the run's month, decided ``decided_on`` or today), else of its last review that
    changed the amount. Either way the letter shows the new amount and its number."""
    if run_id is not None:
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
                app.number,
                "",
                "",
                line.programme,
                line.kind,
                line.old_amount,
                line.new_amount,
                None,
            )
            case = case_record(s, app, day)
        kind, old, new = line.kind, line.old_amount or Decimal("0.00"), line.new_amount
        effective = run.month
        reasons: tuple[str, ...] = (ledger.reason(run.month) + "。",)
    else:
        snap = get_case(store, application_id).snapshot
        changes = [i for i, r in enumerate(snap.reviews) if r.outcome in REVIEW_CHANGE_KINDS]
        if not changes:
            raise ReportError("该案件没有增发、减发或停发的核查结果，不能打印变更通知书")
        index = changes[-1]
        review = snap.reviews[index]
        old = _amount_before(snap, index)
        new = review.new_amount if review.new_amount is not None else Decimal("0.00")
        with store.sessions.read() as s:
            app = s.get(Application, application_id)
            assert app is not None
            case = case_record(s, app, review.reviewed_on)
        kind, effective, reasons = (
            REVIEW_CHANGE_KINDS[review.outcome],
            review.effective_on,
            review.reasons,
        )
        day = review.reviewed_on
    return rd.ChangeNotice(
        case=_with_amount(case, new),
        kind=kind,
        old_amount=old,
        new_amount=new,
        effective=effective,
        reasons=reasons,
        decision_date=day,
        letter_no=_letter_no(case.case_no, "change"),
    )


def _amount_before(snap: CaseSnapshot, index: int) -> Decimal:
    for review in reversed(snap.reviews[:index]):
        if review.new_amount is not None:
            return review.new_amount
    if snap.payment is not None:
        return snap.payment.monthly_amount
    return snap.approved_amount or Decimal("0.00")


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def render_case_letter(store: Store, actor: Actor, application_id: str, kind: str) -> bytes:
    """PDF bytes of one of ``LETTERS`` for the case."""
    if kind == "approval":
        return render_approval_letter(approval_letter_for(store, actor, application_id))
    if kind == "refusal":
        return render_refusal_letter(refusal_letter_for(store, actor, application_id))
    if kind == "change":
        return render_change_notice(change_notice_for(store, actor, application_id))
    raise ValidationError("文书类别", f"“{kind}”不是可打印的文书")
