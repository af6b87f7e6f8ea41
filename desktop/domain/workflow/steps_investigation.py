"""Steps of the residence office and the 初审: economic check, home survey, hand-over."""

from __future__ import annotations

from desktop.domain.workflow.context import StepContext
from desktop.domain.workflow.model import (
    CaseSnapshot,
    CheckReport,
    HomeSurvey,
    State,
    SurveyPlan,
    evolve,
)
from desktop.errors import WorkflowError

SURVEY_MODES = {"onsite": "实地入户", "phone": "电话调查", "video": "视频调查"}


def _investigating(case: CaseSnapshot) -> State:
    return State.INVESTIGATING if case.state is State.ACCEPTED else case.state


def request_check(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """发起家庭经济状况核对."""
    return evolve(case, state=_investigating(case), check_requested_on=ctx.when)


def record_check_report(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """登记核对报告（分析版）."""
    reference = ctx.p.text("reference", "核对报告编号")
    summary = ctx.p.text("summary", "核对结论摘要", required=False)
    report_id = ctx.p.text("report_id", "核对报告", required=False)
    return evolve(case, check_report=CheckReport(ctx.when, reference, summary, report_id))


def schedule_survey(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """安排入户调查: a date and at least two surveyors."""
    planned = ctx.p.day("planned_on", "计划调查日期")
    if planned < ctx.when:
        raise WorkflowError("计划调查日期：不能早于安排日期")
    surveyors = ctx.p.texts("surveyors", "调查人员", minimum=ctx.rules.min_surveyors)
    return evolve(case, state=_investigating(case), survey_plan=SurveyPlan(planned, surveyors))


def record_survey(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """登记入户调查: findings, members present, signatures of surveyors and family."""
    surveyors = ctx.p.texts("surveyors", "调查人员", minimum=ctx.rules.min_surveyors)
    present = ctx.p.texts("members_present", "在场家庭成员", minimum=1)
    findings = ctx.p.text("findings", "调查情况")
    mode = ctx.p.choice("mode", "调查方式", SURVEY_MODES)
    if mode != "onsite" and not ctx.definition.remote_survey_allowed:
        raise WorkflowError("调查方式：电话或视频调查仅限急难型临时救助")
    if not ctx.p.flag("signed_by_surveyors", "调查人员签字"):
        raise WorkflowError("调查人员签字：调查表须由全部调查人员签字")
    if not ctx.p.flag("signed_by_family", "家庭成员签字"):
        raise WorkflowError("家庭成员签字：调查表须由在场家庭成员签字")
    survey = HomeSurvey(ctx.when, surveyors, present, findings, mode)
    return evolve(case, state=_investigating(case), survey=survey)


def hand_over(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """移交户籍地初审: application, check report and survey form go to the hukou office."""
    return evolve(case, state=State.PRELIMINARY_REVIEW, handed_over_on=ctx.when)


def record_preliminary(case: CaseSnapshot, ctx: StepContext) -> CaseSnapshot:
    """初审通过: on to the public notice, or (after an appraisal) to confirmation."""
    ctx.p.text("opinion", "初审意见")
    reviews = (*case.preliminary_reviews, ctx.when)
    if case.notice_closed_on is None:
        return evolve(case, state=State.NOTICE_PENDING, preliminary_reviews=reviews)
    return evolve(
        case, state=State.CONFIRMING, preliminary_reviews=reviews, confirming_since=ctx.when
    )
