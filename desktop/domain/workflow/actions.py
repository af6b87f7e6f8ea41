"""The action table: for each step, the states it leaves, who may take it and what it needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from desktop.domain.calendar import add_months
from desktop.domain.workflow import (
    steps_aftercare,
    steps_decision,
    steps_emergency,
    steps_intake,
    steps_investigation,
    steps_notice,
)
from desktop.domain.workflow.context import StepContext, notice_ends_on
from desktop.domain.workflow.model import CaseSnapshot, Role, Side, State
from desktop.domain.workflow.rules import DeadlineRules

Handler = Callable[[CaseSnapshot, StepContext], CaseSnapshot]
Requirement = Callable[[CaseSnapshot, date, DeadlineRules], str | None]
"""Returns the Chinese reason the action cannot be taken yet, or None when satisfied."""

BOTH = frozenset({Side.RESIDENCE, Side.HUKOU})
RESIDENCE = frozenset({Side.RESIDENCE})
HUKOU = frozenset({Side.HUKOU})
WINDOW = frozenset({Role.CLERK, Role.SUPERVISOR})
SURVEY = frozenset({Role.SURVEYOR, Role.SUPERVISOR})
LEAD = frozenset({Role.SUPERVISOR})
PRE_DECISION = frozenset(
    {
        State.ACCEPTED,
        State.SUPPLEMENTING,
        State.INVESTIGATING,
        State.PRELIMINARY_REVIEW,
        State.NOTICE_PENDING,
        State.IN_NOTICE,
        State.APPRAISAL,
        State.CONFIRMING,
    }
)


@dataclass(frozen=True)
class ActionSpec:
    """One step of the machine. ``sides`` None means "the office holding the case now"."""

    name: str
    label_cn: str
    from_states: frozenset[State]
    targets: tuple[State, ...]
    roles: frozenset[Role]
    sides: frozenset[Side] | None
    handler: Handler
    requires: tuple[Requirement, ...] = ()


def holder(case: CaseSnapshot) -> frozenset[Side]:
    """The office side responsible for the case in its current state."""
    state = case.state
    if state is State.SUPPLEMENTING and case.return_to is not None:
        state = case.return_to
    if state is State.NEW:
        return BOTH
    if state in (State.AID_PAID, State.BACKFILLED) and case.emergency_aid is not None:
        return frozenset({case.emergency_aid.paying_side})
    if state in (State.ACCEPTED, State.INVESTIGATING):
        return RESIDENCE
    return HUKOU


def _check_not_requested(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return "已发起家庭经济状况核对" if case.check_requested_on else None


def _check_requested(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    if case.check_requested_on is None:
        return "尚未发起家庭经济状况核对"
    return "核对报告已登记" if case.check_report else None


def _no_survey_yet(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return "入户调查已登记" if case.survey else None


def _survey_done(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return None if case.survey else "尚未完成入户调查"


def _report_received(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return None if case.check_report else "尚未收到家庭经济状况核对报告"


def _notice_running(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return "公示期已满，不能再登记异议" if today >= notice_ends_on(case, rules) else None


def _notice_over(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    ends = notice_ends_on(case, rules)
    return f"公示期未满，{ends.isoformat()}起方可结束" if today < ends else None


def _letter_unsent(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return "不予救助决定书已送达" if case.refusal_letter_on else None


def _letter_sent_if_refused(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    if case.state is State.REFUSED and case.refusal_letter_on is None:
        return "不予救助决定书尚未送达，不能归档"
    return None


def _not_archived(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return "案卷已归档" if case.archived_on is not None else None


def _archived(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return None if case.archived_on is not None else "案卷尚未归档"


def _not_hard_case(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    return "已认定为疑难案件" if case.hard_case else None


def _exit_last_month(case: CaseSnapshot, today: date, rules: DeadlineRules) -> str | None:
    ends = case.gradual_exit_ends_on
    if ends is not None and today < add_months(ends, -1):
        return f"渐退期至{ends.isoformat()}止，最后一个月起方可办理停发"
    return None


def _spec(
    name: str,
    label: str,
    states: set[State] | frozenset[State],
    targets: tuple[State, ...],
    roles: frozenset[Role],
    sides: frozenset[Side] | None,
    handler: Handler,
    *requires: Requirement,
) -> ActionSpec:
    return ActionSpec(name, label, frozenset(states), targets, roles, sides, handler, requires)


S = State
_SPECS = [
    _spec("accept", "受理申请", {S.NEW}, (S.ACCEPTED, S.SUPPLEMENTING), WINDOW, BOTH,
          steps_intake.accept),
    _spec("return_for_supplement", "退回补正材料",
          {S.ACCEPTED, S.INVESTIGATING, S.PRELIMINARY_REVIEW, S.CONFIRMING},
          (S.SUPPLEMENTING,), WINDOW, None, steps_intake.return_for_supplement),
    _spec("resume", "补正完毕，恢复办理", {S.SUPPLEMENTING}, (S.ACCEPTED, S.INVESTIGATING,
          S.PRELIMINARY_REVIEW, S.CONFIRMING), WINDOW, BOTH, steps_intake.resume),
    _spec("withdraw", "撤回申请", {S.NEW} | PRE_DECISION, (S.WITHDRAWN,), WINDOW, BOTH,
          steps_intake.withdraw),
    _spec("mark_hard_case", "认定为疑难案件", PRE_DECISION, (), LEAD, BOTH,
          steps_intake.mark_hard_case, _not_hard_case),
    _spec("request_check", "发起家庭经济状况核对", {S.ACCEPTED, S.INVESTIGATING},
          (S.INVESTIGATING,), WINDOW, RESIDENCE, steps_investigation.request_check,
          _check_not_requested),
    _spec("record_check_report", "登记核对报告", {S.INVESTIGATING}, (), WINDOW, RESIDENCE,
          steps_investigation.record_check_report, _check_requested),
    _spec("schedule_survey", "安排入户调查", {S.ACCEPTED, S.INVESTIGATING, S.AID_PAID},
          (S.INVESTIGATING,), SURVEY, RESIDENCE, steps_investigation.schedule_survey,
          _no_survey_yet),
    _spec("record_survey", "登记入户调查", {S.ACCEPTED, S.INVESTIGATING, S.AID_PAID},
          (S.INVESTIGATING,), SURVEY, RESIDENCE, steps_investigation.record_survey,
          _no_survey_yet),
    _spec("hand_over", "移交户籍地初审", {S.INVESTIGATING}, (S.PRELIMINARY_REVIEW,), WINDOW,
          RESIDENCE, steps_investigation.hand_over, _report_received, _survey_done),
    _spec("record_preliminary", "初审通过", {S.PRELIMINARY_REVIEW},
          (S.NOTICE_PENDING, S.CONFIRMING), LEAD, HUKOU,
          steps_investigation.record_preliminary),
    _spec("open_notice", "开始公示（7天）", {S.NOTICE_PENDING}, (S.IN_NOTICE,), WINDOW, HUKOU,
          steps_notice.open_notice),
    _spec("record_objection", "登记公示异议", {S.IN_NOTICE}, (), WINDOW, BOTH,
          steps_notice.record_objection, _notice_running),
    _spec("close_notice", "结束公示", {S.IN_NOTICE}, (S.APPRAISAL, S.CONFIRMING), WINDOW,
          HUKOU, steps_notice.close_notice, _notice_over),
    _spec("record_appraisal", "登记民主评议结果", {S.APPRAISAL}, (S.PRELIMINARY_REVIEW,),
          LEAD, BOTH, steps_notice.record_appraisal),
    _spec("confirm", "审核确认同意", {S.CONFIRMING}, (S.CONFIRMED,), LEAD, HUKOU,
          steps_decision.confirm),
    _spec("refuse", "不予救助", {S.PRELIMINARY_REVIEW, S.CONFIRMING}, (S.REFUSED,), LEAD,
          HUKOU, steps_decision.refuse),
    _spec("send_refusal_letter", "送达不予救助决定书", {S.REFUSED}, (), WINDOW, HUKOU,
          steps_decision.send_refusal_letter, _letter_unsent),
    _spec("start_payment", "开始发放", {S.CONFIRMED}, (S.PAYING,), WINDOW, HUKOU,
          steps_decision.start_payment),
    # 归档 is a fact of the file: a paying case stays 发放中 (in every run) until 停发.
    _spec("archive", "归档", {S.PAYING, S.REFUSED, S.BACKFILLED}, (S.CLOSED,),
          WINDOW, None, steps_decision.archive, _letter_sent_if_refused, _not_archived),
    _spec("record_review", "登记定期核查结果", {S.PAYING, S.GRADUAL_EXIT}, (S.STOPPED,),
          SURVEY, HUKOU, steps_aftercare.record_review, _archived),
    _spec("start_gradual_exit", "启动渐退", {S.PAYING}, (S.GRADUAL_EXIT,), LEAD, HUKOU,
          steps_aftercare.start_gradual_exit, _archived),
    _spec("end_gradual_exit", "渐退期满停发", {S.GRADUAL_EXIT}, (S.STOPPED,), LEAD, HUKOU,
          steps_aftercare.end_gradual_exit, _exit_last_month),
    _spec("report_change", "登记家庭情况变化", {S.PAYING, S.GRADUAL_EXIT}, (), WINDOW, BOTH,
          steps_aftercare.report_change, _archived),
    _spec("report_death", "登记家庭成员死亡", {S.PAYING, S.GRADUAL_EXIT}, (), WINDOW, BOTH,
          steps_aftercare.report_death, _archived),
    _spec("pay_emergency_aid", "先行救助（备用金支付）", {S.ACCEPTED}, (S.AID_PAID,), LEAD,
          BOTH, steps_emergency.pay_emergency_aid),
    _spec("complete_backfill", "补办手续完毕", {S.AID_PAID}, (S.BACKFILLED,), WINDOW, None,
          steps_emergency.complete_backfill, _survey_done),
]  # fmt: skip
ACTIONS: dict[str, ActionSpec] = {spec.name: spec for spec in _SPECS}
