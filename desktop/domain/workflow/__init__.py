"""一城通办 workflow as a pure state machine: states, allowed actions, audit events, deadlines.

No database and no Qt: services load a ``CaseSnapshot``, ask ``available_actions`` what the
actor may do, call ``apply`` and store the returned snapshot and ``AuditEvent`` together;
``replay`` rebuilds a case from its events and ``next_deadline`` says what is due next.
"""

from desktop.domain.workflow.actions import ACTIONS, ActionSpec, holder
from desktop.domain.workflow.deadlines import Deadline, next_deadline, open_deadlines
from desktop.domain.workflow.definitions import (
    DEFINITIONS,
    Clock,
    WorkflowDefinition,
    definition_of,
)
from desktop.domain.workflow.machine import (
    CREATE,
    apply,
    available_actions,
    from_states,
    new_case,
    replay,
)
from desktop.domain.workflow.model import (
    OUTCOME_LABELS,
    ROLE_LABELS,
    SIDE_LABELS,
    STATE_LABELS,
    TERMINAL_STATES,
    TYPE_LABELS,
    ActionOption,
    Actor,
    Appraisal,
    AssistanceType,
    AuditEvent,
    CaseSnapshot,
    CheckReport,
    EmergencyAid,
    HomeSurvey,
    Objection,
    Pause,
    Payment,
    Review,
    ReviewOutcome,
    Role,
    Side,
    State,
    SurveyPlan,
    Transition,
)
from desktop.domain.workflow.rules import DEFAULT_RULES, DeadlineRules

__all__ = [
    "ACTIONS",
    "CREATE",
    "DEFAULT_RULES",
    "DEFINITIONS",
    "OUTCOME_LABELS",
    "ROLE_LABELS",
    "SIDE_LABELS",
    "STATE_LABELS",
    "TERMINAL_STATES",
    "TYPE_LABELS",
    "ActionOption",
    "ActionSpec",
    "Actor",
    "Appraisal",
    "AssistanceType",
    "AuditEvent",
    "CaseSnapshot",
    "CheckReport",
    "Clock",
    "Deadline",
    "DeadlineRules",
    "EmergencyAid",
    "HomeSurvey",
    "Objection",
    "Pause",
    "Payment",
    "Review",
    "ReviewOutcome",
    "Role",
    "Side",
    "State",
    "SurveyPlan",
    "Transition",
    "WorkflowDefinition",
    "apply",
    "available_actions",
    "definition_of",
    "from_states",
    "holder",
    "new_case",
    "next_deadline",
    "open_deadlines",
    "replay",
]
