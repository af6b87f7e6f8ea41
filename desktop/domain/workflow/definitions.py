"""One workflow definition per assistance type: which actions exist and how clocks run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from desktop.domain.workflow.model import TYPE_LABELS, AssistanceType, State


class Clock(StrEnum):
    """Which set of statutory limits applies."""

    STANDARD = "standard"  # survey 3 wd, confirmation 20/45 wd of complete materials
    TEKUN = "tekun"  # investigation + 初审 15 wd, confirmation 15 wd
    EMERGENCY = "emergency"  # aid first, back-fill within N wd


_INTAKE = frozenset({"accept", "withdraw"})
_STANDARD_STEPS = _INTAKE | {
    "return_for_supplement",
    "resume",
    "mark_hard_case",
    "request_check",
    "record_check_report",
    "schedule_survey",
    "record_survey",
    "hand_over",
    "record_preliminary",
    "open_notice",
    "record_objection",
    "close_notice",
    "record_appraisal",
    "confirm",
    "refuse",
    "send_refusal_letter",
    "start_payment",
    "archive",
}
_AFTERCARE = frozenset({"record_review", "report_change", "report_death"})
_GRADUAL_EXIT = frozenset({"start_gradual_exit", "end_gradual_exit"})
_EMERGENCY_STEPS = _INTAKE | {
    "pay_emergency_aid",
    "schedule_survey",
    "record_survey",
    "complete_backfill",
    "archive",
}


@dataclass(frozen=True)
class WorkflowDefinition:
    """How one assistance type runs.

    ``ongoing`` types pay monthly and get periodic reviews after archiving; the others pay
    once and close on archiving. ``fixed_pay_from`` overrides the policy switch (特困 is
    supported from the month after the decision).
    """

    assistance_type: AssistanceType
    label_cn: str
    clock: Clock
    actions: frozenset[str]
    ongoing: bool
    cash_required: bool = True
    fixed_pay_from: str | None = None
    remote_survey_allowed: bool = False
    state_overrides: Mapping[str, frozenset[State]] = field(default_factory=dict)
    """Per action, the states it may leave for this type when they differ from the table."""


DEFINITIONS: dict[AssistanceType, WorkflowDefinition] = {
    AssistanceType.DIBAO: WorkflowDefinition(
        AssistanceType.DIBAO,
        TYPE_LABELS[AssistanceType.DIBAO],
        Clock.STANDARD,
        _STANDARD_STEPS | _AFTERCARE | _GRADUAL_EXIT,
        ongoing=True,
    ),
    AssistanceType.TEKUN: WorkflowDefinition(
        AssistanceType.TEKUN,
        TYPE_LABELS[AssistanceType.TEKUN],
        Clock.TEKUN,
        _STANDARD_STEPS | _AFTERCARE,
        ongoing=True,
        fixed_pay_from="next_month",
    ),
    AssistanceType.BIANYUAN: WorkflowDefinition(
        AssistanceType.BIANYUAN,
        TYPE_LABELS[AssistanceType.BIANYUAN],
        Clock.STANDARD,
        _STANDARD_STEPS | _AFTERCARE,
        ongoing=True,
    ),
    AssistanceType.GANGXING: WorkflowDefinition(
        AssistanceType.GANGXING,
        TYPE_LABELS[AssistanceType.GANGXING],
        Clock.STANDARD,
        _STANDARD_STEPS | _AFTERCARE,
        ongoing=True,
        cash_required=False,
    ),
    AssistanceType.LINSHI_ZHICHU: WorkflowDefinition(
        AssistanceType.LINSHI_ZHICHU,
        TYPE_LABELS[AssistanceType.LINSHI_ZHICHU],
        Clock.STANDARD,
        _STANDARD_STEPS,
        ongoing=False,
    ),
    AssistanceType.LINSHI_JINAN: WorkflowDefinition(
        AssistanceType.LINSHI_JINAN,
        TYPE_LABELS[AssistanceType.LINSHI_JINAN],
        Clock.EMERGENCY,
        _EMERGENCY_STEPS,
        ongoing=False,
        remote_survey_allowed=True,
        state_overrides={
            "schedule_survey": frozenset({State.AID_PAID}),
            "record_survey": frozenset({State.AID_PAID}),
        },
    ),
}


def definition_of(assistance_type: AssistanceType) -> WorkflowDefinition:
    """The workflow definition of ``assistance_type``."""
    return DEFINITIONS[AssistanceType(assistance_type)]
