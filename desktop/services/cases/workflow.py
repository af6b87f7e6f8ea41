"""Public entry point of the 一城通办 workflow in the store: steps, named steps, case views,
home surveys, calendar overrides, the due list and the reserve fund (re-exported)."""

from desktop.services.cases.case_steps import CaseView, get_case, perform, workflow_actor
from desktop.services.cases.case_views import (
    TimelineItem,
    case_actions,
    case_deadlines,
    case_timeline,
)
from desktop.services.cases.case_wrappers import (
    accept_application,
    missing_documents,
    pay_emergency_aid,
    record_check_report,
    record_survey_from_record,
    start_payment,
)
from desktop.services.cases.deadlines import DeadlineSummary, DueItem, deadline_summary, due_list
from desktop.services.cases.surveys import (
    SurveyView,
    finalize_survey,
    get_survey,
    save_survey_draft,
)
from desktop.services.payment.reserve_fund import (
    FundEntryView,
    adjust_reserve_fund,
    deposit_reserve_fund,
    reserve_balance,
    reserve_ledger,
)
from desktop.services.policy.calendar_admin import (
    OverrideChange,
    OverrideView,
    add_calendar_override,
    calendar_warning,
    list_calendar_overrides,
    load_calendar,
    remove_calendar_override,
)

__all__ = [
    "CaseView",
    "DeadlineSummary",
    "DueItem",
    "FundEntryView",
    "OverrideChange",
    "OverrideView",
    "SurveyView",
    "TimelineItem",
    "accept_application",
    "add_calendar_override",
    "adjust_reserve_fund",
    "calendar_warning",
    "case_actions",
    "case_deadlines",
    "case_timeline",
    "deadline_summary",
    "deposit_reserve_fund",
    "due_list",
    "finalize_survey",
    "get_case",
    "get_survey",
    "list_calendar_overrides",
    "load_calendar",
    "missing_documents",
    "pay_emergency_aid",
    "perform",
    "record_check_report",
    "record_survey_from_record",
    "remove_calendar_override",
    "reserve_balance",
    "reserve_ledger",
    "save_survey_draft",
    "start_payment",
    "workflow_actor",
]
