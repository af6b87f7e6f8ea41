"""Value types of the workflow: codes with Chinese labels, the actor, the case snapshot, events."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class AssistanceType(StrEnum):
    """救助类别 — one workflow definition each."""

    DIBAO = "dibao"
    TEKUN = "tekun"
    BIANYUAN = "bianyuan"
    LINSHI_JINAN = "linshi_jinan"
    LINSHI_ZHICHU = "linshi_zhichu"
    GANGXING = "gangxing"


class Side(StrEnum):
    """Which office of the case acts: 居住地 or 户籍地."""

    RESIDENCE = "residence"
    HUKOU = "hukou"


class Role(StrEnum):
    """Staff role at a street office."""

    CLERK = "clerk"
    SURVEYOR = "surveyor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class State(StrEnum):
    """Where a case stands."""

    NEW = "new"
    SUPPLEMENTING = "supplementing"
    ACCEPTED = "accepted"
    INVESTIGATING = "investigating"
    PRELIMINARY_REVIEW = "preliminary_review"
    NOTICE_PENDING = "notice_pending"
    IN_NOTICE = "in_notice"
    APPRAISAL = "appraisal"
    CONFIRMING = "confirming"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    PAYING = "paying"
    GRADUAL_EXIT = "gradual_exit"
    AID_PAID = "aid_paid"
    BACKFILLED = "backfilled"
    STOPPED = "stopped"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _missing_(cls, value: object) -> State | None:
        # Until migration 0010, 归档 of a paying case moved it to a state "archived"; archiving
        # is now a fact of the file (``archived_on``) and such a case is still in payment.
        return cls.PAYING if value == LEGACY_ARCHIVED else None


LEGACY_ARCHIVED = "archived"
"""The state code archived paying cases had before migration 0010 (read as 发放中)."""


class ReviewOutcome(StrEnum):
    """定期核查结果."""

    INCREASE = "increase"
    DECREASE = "decrease"
    STOP = "stop"
    UNCHANGED = "unchanged"


TYPE_LABELS: dict[AssistanceType, str] = {
    AssistanceType.DIBAO: "最低生活保障（低保）",
    AssistanceType.TEKUN: "特困人员救助供养",
    AssistanceType.BIANYUAN: "低保边缘家庭",
    AssistanceType.LINSHI_JINAN: "临时救助（急难型）",
    AssistanceType.LINSHI_ZHICHU: "临时救助（支出型）",
    AssistanceType.GANGXING: "刚性支出困难家庭",
}
SIDE_LABELS: dict[Side, str] = {Side.RESIDENCE: "居住地", Side.HUKOU: "户籍地"}
ROLE_LABELS: dict[Role, str] = {
    Role.CLERK: "窗口受理员",
    Role.SURVEYOR: "入户调查员",
    Role.SUPERVISOR: "审核负责人",
    Role.ADMIN: "管理员",
}
STATE_LABELS: dict[State, str] = {
    State.NEW: "待受理",
    State.SUPPLEMENTING: "待补正材料（计时暂停）",
    State.ACCEPTED: "已受理",
    State.INVESTIGATING: "核对调查中",
    State.PRELIMINARY_REVIEW: "待初审",
    State.NOTICE_PENDING: "待公示",
    State.IN_NOTICE: "公示中",
    State.APPRAISAL: "待民主评议",
    State.CONFIRMING: "待审核确认",
    State.CONFIRMED: "已确认待发放",
    State.REFUSED: "不予救助",
    State.PAYING: "发放中",
    State.GRADUAL_EXIT: "渐退期",
    State.AID_PAID: "已先行救助（待补办手续）",
    State.BACKFILLED: "已补办手续（待归档）",
    State.STOPPED: "已停发",
    State.CLOSED: "已办结归档",
    State.WITHDRAWN: "已撤回",
}
OUTCOME_LABELS: dict[ReviewOutcome, str] = {
    ReviewOutcome.INCREASE: "增发",
    ReviewOutcome.DECREASE: "减发",
    ReviewOutcome.STOP: "停发",
    ReviewOutcome.UNCHANGED: "维持不变",
}
TERMINAL_STATES = frozenset({State.STOPPED, State.CLOSED, State.WITHDRAWN})
PAYING_STATES = frozenset({State.PAYING, State.GRADUAL_EXIT})
"""The one definition of "in payment" (在保): from 开始发放 until 停发, archived or not."""


def state_label(state: State, archived: bool) -> str:
    """The Chinese state name; a paying case also says whether its file is archived."""
    if state is State.PAYING:
        return "在保（已归档）" if archived else "发放中（待归档）"
    if state is State.GRADUAL_EXIT and archived:
        return "渐退期（已归档）"
    return STATE_LABELS[state]


@dataclass(frozen=True)
class Actor:
    """Who acts: a role at an office (office code as stored on the case)."""

    role: Role
    office: str

    def sides(self, case: CaseSnapshot) -> frozenset[Side]:
        """The sides this actor's office holds for ``case`` (both when the offices coincide)."""
        found = set()
        if self.office == case.residence_office:
            found.add(Side.RESIDENCE)
        if self.office == case.hukou_office:
            found.add(Side.HUKOU)
        return frozenset(found)


@dataclass(frozen=True)
class Pause:
    """A stopped clock while the family supplies documents; ``end`` None while still paused."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class CheckReport:
    """家庭经济状况核对报告（分析版）as received."""

    received_on: date
    reference: str
    summary: str = ""
    report_id: str = ""
    """The hub report's id when it arrived through sync (the reference is then its own)."""


@dataclass(frozen=True)
class SurveyPlan:
    """A scheduled home survey."""

    planned_on: date
    surveyors: tuple[str, ...]


@dataclass(frozen=True)
class HomeSurvey:
    """入户调查 as recorded: at least two surveyors, signed by them and the members present."""

    surveyed_on: date
    surveyors: tuple[str, ...]
    members_present: tuple[str, ...]
    findings: str
    mode: str = "onsite"


@dataclass(frozen=True)
class Objection:
    """An objection raised during the public notice."""

    raised_on: date
    content: str


@dataclass(frozen=True)
class Appraisal:
    """民主评议 result."""

    held_on: date
    participants: int
    result: str


@dataclass(frozen=True)
class Payment:
    """Payment start: monthly (ongoing types) or a one-off sum (临时救助)."""

    start_on: date
    monthly_amount: Decimal
    first_month_amount: Decimal
    pay_from: str
    one_off: bool = False


@dataclass(frozen=True)
class Review:
    """One periodic review (定期核查) and its effect."""

    reviewed_on: date
    outcome: ReviewOutcome
    effective_on: date
    new_amount: Decimal | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class EmergencyAid:
    """先行救助 paid from the office reserve fund (备用金)."""

    paid_on: date
    amount: Decimal
    paying_side: Side


@dataclass(frozen=True)
class AuditEvent:
    """What one transition did; ``data`` holds JSON-safe inputs that replay the transition."""

    action: str
    label_cn: str
    from_state: State | None
    to_state: State
    actor_role: Role
    actor_office: str
    actor_side: Side
    on: date
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseSnapshot:
    """Everything the workflow needs to know about one case; never mutated, only replaced."""

    case_id: str
    assistance_type: AssistanceType
    residence_office: str
    hukou_office: str
    state: State
    applied_on: date
    filed_side: Side
    last_action_on: date
    accepted_on: date | None = None
    missing_documents: tuple[str, ...] = ()
    materials_complete_on: date | None = None
    return_to: State | None = None
    pauses: tuple[Pause, ...] = ()
    hard_case: bool = False
    check_requested_on: date | None = None
    check_report: CheckReport | None = None
    survey_plan: SurveyPlan | None = None
    survey: HomeSurvey | None = None
    handed_over_on: date | None = None
    preliminary_reviews: tuple[date, ...] = ()
    notice_opened_on: date | None = None
    notice_closed_on: date | None = None
    objections: tuple[Objection, ...] = ()
    appraisal: Appraisal | None = None
    confirming_since: date | None = None
    decision_on: date | None = None
    approved_amount: Decimal | None = None
    calculated_amount: Decimal | None = None
    amount_basis: str = ""
    amount_approved_by: str = ""
    refusal_reasons: tuple[str, ...] = ()
    refusal_letter_on: date | None = None
    payment: Payment | None = None
    archived_on: date | None = None
    review_cycle_months: int | None = None
    next_review_due: date | None = None
    reviews: tuple[Review, ...] = ()
    death_review_due: date | None = None
    gradual_exit_ends_on: date | None = None
    stopped_on: date | None = None
    emergency_aid: EmergencyAid | None = None
    backfilled_on: date | None = None
    withdrawn_on: date | None = None
    events: tuple[AuditEvent, ...] = ()

    @property
    def state_cn(self) -> str:
        """Chinese name of the current state, with the file's archive status while paying."""
        return state_label(self.state, self.archived_on is not None)

    @property
    def in_payment(self) -> bool:
        """True from 开始发放 until 停发, whether the file is archived or not."""
        return self.state in PAYING_STATES

    @property
    def split_household(self) -> bool:
        """人户分离: the family lives away from its registration office."""
        return self.residence_office != self.hukou_office

    @property
    def paused_since(self) -> date | None:
        """Start of the open pause, if the clock is stopped now."""
        if self.pauses and self.pauses[-1].end is None:
            return self.pauses[-1].start
        return None

    @property
    def is_terminal(self) -> bool:
        """True once withdrawn, stopped or closed."""
        return self.state in TERMINAL_STATES


@dataclass(frozen=True)
class ActionOption:
    """One action the UI may offer, with the Chinese reason when it is not allowed."""

    action: str
    label_cn: str
    allowed: bool
    reason_cn: str | None = None


@dataclass(frozen=True)
class Transition:
    """Result of applying an action: the new snapshot and the audit event to store with it."""

    snapshot: CaseSnapshot
    event: AuditEvent


_FIELDS: dict[type, frozenset[str] | None] = {}


def _plain_fields(cls: type) -> frozenset[str] | None:
    """The field names of a frozen dataclass ``evolve`` may copy, or None when it must not
    (a __post_init__, a field outside __init__, slots)."""
    if cls not in _FIELDS:
        fs = dataclasses.fields(cls)
        plain = not hasattr(cls, "__post_init__") and all(f.init for f in fs)
        plain = plain and "__slots__" not in cls.__dict__
        _FIELDS[cls] = frozenset(f.name for f in fs) if plain else None
    return _FIELDS[cls]


def evolve[T](obj: T, /, **changes: Any) -> T:
    """``dataclasses.replace`` for the workflow's frozen value classes: the same new object,
    its fields copied instead of passed through the generated ``__init__`` one by one (the
    machine replaces the 44-field snapshot at every step); anything else goes to
    ``dataclasses.replace`` itself."""
    cls = type(obj)
    names = _plain_fields(cls)
    old = getattr(obj, "__dict__", None)
    if names is None or old is None or len(old) != len(names) or not names.issuperset(changes):
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    new = object.__new__(cls)
    fields = new.__dict__
    fields.update(old)
    fields.update(changes)
    return new
