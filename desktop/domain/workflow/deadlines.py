"""Deadlines of an open case: what is due, by when, who owes it, and whether it is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.domain.calendar import WorkCalendar
from desktop.domain.workflow.context import notice_ends_on
from desktop.domain.workflow.definitions import Clock, definition_of
from desktop.domain.workflow.model import (
    ROLE_LABELS,
    SIDE_LABELS,
    CaseSnapshot,
    Role,
    Side,
    State,
)
from desktop.domain.workflow.rules import DEFAULT_RULES, DeadlineRules

_BEFORE_DECISION = frozenset(
    {
        State.ACCEPTED,
        State.INVESTIGATING,
        State.PRELIMINARY_REVIEW,
        State.NOTICE_PENDING,
        State.IN_NOTICE,
        State.APPRAISAL,
        State.CONFIRMING,
    }
)


@dataclass(frozen=True)
class Deadline:
    """One running time limit.

    ``days_left`` is in working days (negative once overdue). While the clock is paused
    (补正材料) ``due`` is where it would fall if the family brought everything today and
    ``overdue`` is False. ``warning_cn`` is set when the count crosses a year whose official
    holidays are unknown.
    """

    key: str
    step_cn: str
    started_on: date
    due: date
    owner_side: Side
    owner_role: Role
    days_left: int
    overdue: bool
    paused: bool = False
    warning_cn: str | None = None

    @property
    def owner_cn(self) -> str:
        """E.g. 户籍地审核负责人."""
        return SIDE_LABELS[self.owner_side] + ROLE_LABELS[self.owner_role]


class _Counter:
    """Builds deadlines for one case on one day."""

    def __init__(self, case: CaseSnapshot, cal: WorkCalendar, today: date) -> None:
        self.case, self.cal, self.today = case, cal, today
        self.paused = case.state is State.SUPPLEMENTING

    def paused_days(self, start: date) -> int:
        total = 0
        for pause in self.case.pauses:
            if pause.start >= start:
                end = pause.end or max(self.today, pause.start)
                total += self.cal.working_days_between(pause.start, end)
        return total

    def working(
        self, key: str, step: str, start: date, count: int, side: Side, role: Role
    ) -> Deadline:
        due = self.cal.add_working_days(start, count + self.paused_days(start))
        return self._make(key, step, start, due, side, role, self.paused)

    def fixed(
        self, key: str, step: str, start: date, due: date, side: Side, role: Role
    ) -> Deadline:
        return self._make(key, step, start, due, side, role, False)

    def _make(
        self, key: str, step: str, start: date, due: date, side: Side, role: Role, paused: bool
    ) -> Deadline:
        today = self.today
        left = self.cal.working_days_between(today, due)
        overdue = not paused and today > due
        warning = self.cal.warning_for(min(start, today), max(due, today))
        return Deadline(key, step, start, due, side, role, left, overdue, paused, warning)


def _intake_clocks(c: _Counter, state: State, rules: DeadlineRules) -> list[Deadline]:
    case = c.case
    found: list[Deadline] = []
    clock = definition_of(case.assistance_type).clock
    accepted = case.accepted_on
    if clock is Clock.STANDARD:
        if state in (State.ACCEPTED, State.INVESTIGATING) and case.survey is None and accepted:
            found.append(
                c.working(
                    "survey",
                    "入户调查",
                    accepted,
                    rules.survey_working_days,
                    Side.RESIDENCE,
                    Role.SURVEYOR,
                )
            )
        if state in _BEFORE_DECISION and case.materials_complete_on is not None:
            long = bool(case.objections) or case.split_household or case.hard_case
            days = rules.confirm_long_working_days if long else rules.confirm_working_days
            found.append(
                c.working(
                    "confirm",
                    "审核确认",
                    case.materials_complete_on,
                    days,
                    Side.HUKOU,
                    Role.SUPERVISOR,
                )
            )
    elif clock is Clock.TEKUN:
        early = (State.ACCEPTED, State.INVESTIGATING, State.PRELIMINARY_REVIEW)
        if state in early and not case.preliminary_reviews and accepted:
            found.append(
                c.working(
                    "investigation",
                    "调查及初审",
                    accepted,
                    rules.tekun_investigation_working_days,
                    Side.HUKOU,
                    Role.SUPERVISOR,
                )
            )
        if state is State.CONFIRMING and case.confirming_since is not None:
            found.append(
                c.working(
                    "confirm",
                    "审核确认",
                    case.confirming_since,
                    rules.tekun_confirm_working_days,
                    Side.HUKOU,
                    Role.SUPERVISOR,
                )
            )
    return found


def _later_clocks(c: _Counter, rules: DeadlineRules) -> list[Deadline]:
    case = c.case
    found: list[Deadline] = []
    if case.state is State.IN_NOTICE and case.notice_opened_on is not None:
        found.append(
            c.fixed(
                "notice",
                "公示期满，结束公示",
                case.notice_opened_on,
                notice_ends_on(case, rules),
                Side.HUKOU,
                Role.CLERK,
            )
        )
    if case.state is State.REFUSED and case.refusal_letter_on is None and case.decision_on:
        found.append(
            c.working(
                "refusal_letter",
                "送达不予救助决定书",
                case.decision_on,
                rules.refusal_letter_working_days,
                Side.HUKOU,
                Role.CLERK,
            )
        )
    aid = case.emergency_aid
    if case.state is State.AID_PAID and aid is not None:
        found.append(
            c.working(
                "backfill",
                "补办救助手续",
                aid.paid_on,
                rules.emergency_backfill_working_days,
                aid.paying_side,
                Role.CLERK,
            )
        )
    start = case.archived_on or case.last_action_on
    if case.in_payment and case.archived_on is not None:
        if case.next_review_due is not None:
            found.append(
                c.fixed(
                    "review", "定期核查", start, case.next_review_due, Side.HUKOU, Role.SURVEYOR
                )
            )
        if case.death_review_due is not None:
            found.append(
                c.fixed(
                    "death_review",
                    "家庭成员死亡后核查",
                    start,
                    case.death_review_due,
                    Side.HUKOU,
                    Role.SURVEYOR,
                )
            )
    if case.state is State.GRADUAL_EXIT and case.gradual_exit_ends_on is not None:
        found.append(
            c.fixed(
                "gradual_exit",
                "渐退期满停发",
                start,
                case.gradual_exit_ends_on,
                Side.HUKOU,
                Role.SUPERVISOR,
            )
        )
    return found


def open_deadlines(
    case: CaseSnapshot,
    calendar: WorkCalendar,
    today: date,
    rules: DeadlineRules = DEFAULT_RULES,
) -> list[Deadline]:
    """All running deadlines of ``case`` on ``today``, earliest due first."""
    counter = _Counter(case, calendar, today)
    state = case.return_to if case.state is State.SUPPLEMENTING and case.return_to else case.state
    found = _intake_clocks(counter, state, rules) + _later_clocks(counter, rules)
    return sorted(found, key=lambda d: (d.due, d.key))


def next_deadline(
    case: CaseSnapshot,
    calendar: WorkCalendar,
    today: date,
    rules: DeadlineRules = DEFAULT_RULES,
) -> Deadline | None:
    """The earliest running deadline, or None when nothing is due (e.g. closed cases)."""
    found = open_deadlines(case, calendar, today, rules)
    return found[0] if found else None
