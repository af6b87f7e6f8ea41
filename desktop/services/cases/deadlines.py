"""Deadlines in the store: a fast working-day calendar, the stored next-deadline columns, the
due/overdue list and the supervisor's summary, and recomputing after calendar changes."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import case, func, or_, select, union_all, update
from sqlalchemy.orm import Session

from desktop.domain.calendar import WorkCalendar
from desktop.domain.workflow import (
    DEFAULT_RULES,
    ROLE_LABELS,
    SIDE_LABELS,
    STATE_LABELS,
    CaseSnapshot,
    Deadline,
    Role,
    Side,
    State,
    next_deadline,
    open_deadlines,
)
from desktop.services.cases.case_codec import snapshot_from_json
from desktop.store.models import Application, Office, Person
from desktop.store.store import Store
from desktop.store.workflow_models import CalendarOverride, DeadlineCount

_SPAN_BEFORE, _SPAN_AFTER = 6, 4


class FastCalendar(WorkCalendar):
    """WorkCalendar with working days precounted over a window of years (O(1) counting).

    Outside the window it falls back to the day-by-day counting of WorkCalendar.
    """

    __slots__ = ("_first", "_cum")

    def __init__(self, overrides: dict[date, bool] | None = None, around: date | None = None):
        super().__init__(overrides)
        centre = around or date.today()
        self._first = date(centre.year - _SPAN_BEFORE, 1, 1)
        last = date(centre.year + _SPAN_AFTER, 12, 31)
        cum = [0]
        day = self._first
        while day < last:
            day += timedelta(days=1)
            cum.append(cum[-1] + (1 if super().is_workday(day) else 0))
        self._cum = cum

    def _index(self, day: date) -> int | None:
        i = (day - self._first).days
        return i if 0 <= i < len(self._cum) else None

    def is_workday(self, day: date) -> bool:
        """True when ``day`` is a working day (table lookup inside the window)."""
        i = self._index(day)
        if i is None or i == 0:
            return super().is_workday(day)
        return self._cum[i] != self._cum[i - 1]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        a, b = self._index(start), self._index(end)
        if a is None or b is None:
            return super().working_days_between(start, end)
        return self._cum[b] - self._cum[a]

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start``."""
        a = self._index(start)
        if a is None or count <= 0:
            return super().add_working_days(start, count)
        i = bisect_left(self._cum, self._cum[a] + count, lo=a + 1)
        if i >= len(self._cum):
            return super().add_working_days(start, count)
        return self._first + timedelta(days=i)


@cache
def plain_calendar(around: date) -> FastCalendar:
    """The national calendar without office overrides (shared, built once per centre date)."""
    return FastCalendar(around=around.replace(month=1, day=1))


def office_calendar(session: Session, office_id: str, today: date) -> WorkCalendar:
    """The working-day calendar of one office (its override table on the national one)."""
    rows = session.execute(
        select(CalendarOverride.day, CalendarOverride.kind).where(
            CalendarOverride.office_id == office_id
        )
    ).all()
    if not rows:
        return plain_calendar(today)
    table = WorkCalendar.from_rows([(r[0], r[1]) for r in rows]).overrides
    return FastCalendar(table, around=today)


class Calendars:
    """Office calendars by office code, loaded once per transaction."""

    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self._by_code: dict[str, WorkCalendar] = {}
        self._has_overrides = session.scalar(select(func.count(CalendarOverride.id))) or 0

    def __call__(self, code: str) -> WorkCalendar:
        if not self._has_overrides:
            return plain_calendar(self.today)
        found = self._by_code.get(code)
        if found is None:
            office_id = self.session.scalar(select(Office.id).where(Office.code == code))
            found = (
                office_calendar(self.session, office_id, self.today)
                if office_id
                else plain_calendar(self.today)
            )
            self._by_code[code] = found
        return found


def _office_of(case_: CaseSnapshot, side: Side) -> str:
    return case_.residence_office if side is Side.RESIDENCE else case_.hukou_office


def case_deadline(
    snapshot: CaseSnapshot, calendars: Callable[[str], WorkCalendar], today: date
) -> Deadline | None:
    """The next deadline, counted on the calendar of the office that owes it."""
    found = next_deadline(snapshot, calendars(snapshot.residence_office), today, DEFAULT_RULES)
    if found is not None and found.owner_side is Side.HUKOU and snapshot.split_household:
        found = next_deadline(snapshot, calendars(snapshot.hukou_office), today, DEFAULT_RULES)
    return found


def all_deadlines(
    snapshot: CaseSnapshot, calendars: Callable[[str], WorkCalendar], today: date
) -> list[Deadline]:
    """Every running deadline, each counted on its owner office's calendar."""
    found: dict[str, Deadline] = {}
    for side in (Side.RESIDENCE, Side.HUKOU):
        cal = calendars(_office_of(snapshot, side))
        for d in open_deadlines(snapshot, cal, today, DEFAULT_RULES):
            if d.owner_side is side or d.key not in found:
                found[d.key] = d
    return sorted(found.values(), key=lambda d: (d.due, d.key))


def deadline_columns(found: Deadline | None) -> dict[str, object]:
    """The indexed columns of ``applications`` that mirror the next deadline."""
    if found is None:
        return {"next_deadline": None, "deadline_step": "", "deadline_owner": ""}
    owner = f"{found.owner_side.value}:{found.owner_role.value}"
    return {"next_deadline": found.due, "deadline_step": found.step_cn, "deadline_owner": owner}


class DueItem(NamedTuple):
    """One line of the due/overdue list (a named tuple: a big office lists 38,000)."""

    application_id: str
    number: str
    applicant_name: str
    assistance_type: str
    state: str
    step_cn: str
    owner_side: str
    owner_role: str
    due: date
    days_left: int
    overdue: bool
    paused: bool

    @property
    def owner_cn(self) -> str:
        """E.g. 户籍地审核负责人."""
        try:
            return SIDE_LABELS[Side(self.owner_side)] + ROLE_LABELS[Role(self.owner_role)]
        except ValueError:
            return ""

    @property
    def state_cn(self) -> str:
        """Chinese label of the case state."""
        try:
            return STATE_LABELS[State(self.state)]
        except ValueError:
            return self.state


def _office_filter(office_id: str):  # type: ignore[no-untyped-def]
    return or_(
        Application.residence_office_id == office_id, Application.hukou_office_id == office_id
    )


def _due_query(office_id: str, until: date | None):  # type: ignore[no-untyped-def]
    """Both sides of the office as a UNION ALL of two covering-index range scans."""
    cols = (
        Application.id,
        Application.number,
        Application.applicant_id,
        Application.assistance_type,
        Application.state,
        Application.deadline_step,
        Application.deadline_owner,
        Application.next_deadline,
    )
    parts = []
    for own, other in (
        (Application.residence_office_id, None),
        (Application.hukou_office_id, Application.residence_office_id),
    ):
        part = select(*cols).where(
            own == office_id, Application.next_deadline.is_not(None), Application.deleted.is_(False)
        )
        if other is not None:
            part = part.where(other != office_id)
        if until is not None:
            part = part.where(Application.next_deadline <= until)
        parts.append(part)
    return union_all(*parts).subquery()


_DUE_COLUMNS = (
    "a.id, a.number, a.applicant_id, a.assistance_type, a.state, a.deadline_step, "
    "a.deadline_owner, a.next_deadline"
)
_DUE_PART = (
    f"SELECT {_DUE_COLUMNS} FROM applications a WHERE a.{{own}} = :office "
    "AND a.next_deadline IS NOT NULL AND a.deleted = 0{other}{until}"
)
# Both sides of the office as a UNION ALL of two covering-index range scans; the names come
# from the covering (id, name) index: the planner prefers the unique id index and would then
# read (and decrypt) one large table page per applicant.
_DUE_SQL = (
    "SELECT u.id, u.number, p.name, u.assistance_type, u.state, u.deadline_step, "
    "u.deadline_owner, u.next_deadline FROM ("
    + _DUE_PART.format(own="residence_office_id", other="", until="{until}")
    + " UNION ALL "
    + _DUE_PART.format(
        own="hukou_office_id", other=" AND a.residence_office_id != :office", until="{until}"
    )
    + ") u JOIN persons p INDEXED BY ix_persons_id_name ON p.id = u.applicant_id "
    "ORDER BY u.next_deadline, u.number{limit}"
)


def due_list(
    store: Store,
    office_id: str,
    today: date,
    within_days: int | None = None,
    limit: int | None = None,
) -> list[DueItem]:
    """Cases of this office (residence or hukou side) with a running deadline, earliest first.

    ``within_days`` keeps deadlines due up to that many calendar days from today (overdue ones
    always stay); ``limit`` returns only the first rows (a UI page). Working days left are
    counted on the office's calendar. One SQL statement read as plain tuples;
    ``due_list_plain`` is the same list through the ORM (the reference it is tested against).
    """
    params: dict[str, object] = {"office": office_id}
    until = ""
    if within_days is not None:
        until = " AND a.next_deadline <= :until"
        params["until"] = (today + timedelta(days=within_days)).isoformat()
    sql = _DUE_SQL.format(until=until, limit=" LIMIT :limit" if limit is not None else "")
    if limit is not None:
        params["limit"] = limit
    with store.sessions.read() as s:
        cal = office_calendar(s, office_id, today)
        rows = s.connection().exec_driver_sql(sql, params).fetchall()
    paused_state = State.SUPPLEMENTING.value
    days: dict[str, tuple[date, int]] = {}  # a few hundred distinct due days
    out = []
    for app_id, number, name, kind, state, step, owner, raw_due in rows:
        side, _, role = (owner or ":").partition(":")
        paused = state == paused_state
        found = days.get(raw_due)
        if found is None:
            due = date.fromisoformat(raw_due)
            found = days[raw_due] = (due, cal.working_days_between(today, due))
        due, left = found
        out.append(
            DueItem(app_id, number, name, kind, state, step, side, role, due, left,
                    today > due and not paused, paused)
        )  # fmt: skip
    return out


def due_list_plain(
    store: Store,
    office_id: str,
    today: date,
    within_days: int | None = None,
    limit: int | None = None,
) -> list[DueItem]:
    """The due list through the ORM, row by row: the reference ``due_list`` is tested against."""
    until = today + timedelta(days=within_days) if within_days is not None else None
    u = _due_query(office_id, until)
    stmt = (
        select(u.c.id, u.c.number, Person.name, u.c.assistance_type, u.c.state,
               u.c.deadline_step, u.c.deadline_owner, u.c.next_deadline)
        .join(Person, Person.id == u.c.applicant_id)
        .order_by(u.c.next_deadline, u.c.number)
        .limit(limit)
    )  # fmt: skip
    with store.sessions.read() as s:
        cal = office_calendar(s, office_id, today)
        rows = s.execute(stmt).all()
    return [_due_item(r, cal, today) for r in rows]


def _due_item(r, cal: WorkCalendar, today: date) -> DueItem:  # type: ignore[no-untyped-def]
    side, _, role = (r[6] or ":").partition(":")
    paused = r[4] == State.SUPPLEMENTING.value
    due: date = r[7]
    left = cal.working_days_between(today, due)
    return DueItem(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        side,
        role,
        due,
        left,
        today > due and not paused,
        paused,
    )


@dataclass(frozen=True)
class DeadlineSummary:
    """Counts for the supervisor dashboard: per step, and overdue in total."""

    total: int
    overdue: int
    due_today: int
    by_step: dict[str, tuple[int, int]]
    """step → (open, overdue)."""


def _summary(rows) -> DeadlineSummary:  # type: ignore[no-untyped-def]
    """Rows of (step, open, overdue, due today) as a summary."""
    by_step: dict[str, tuple[int, int]] = {}
    due_today = 0
    for step, n, late, now in rows:
        opened, overdue = by_step.get(step, (0, 0))
        by_step[step] = (opened + int(n), overdue + int(late or 0))
        due_today += int(now or 0)
    return DeadlineSummary(
        sum(v[0] for v in by_step.values()),
        sum(v[1] for v in by_step.values()),
        due_today,
        by_step,
    )


def deadline_summary(store: Store, office_id: str, today: date) -> DeadlineSummary:
    """Open deadlines of this office counted by step and overdue.

    Read from ``deadline_counts`` (one row per step, due day and pause, kept by triggers on
    every change of an application: migration 0021), a few hundred rows however many cases
    the office has; ``deadline_summary_plain`` counts the cases themselves and gives the same
    result."""
    overdue = case(
        ((DeadlineCount.due < today) & DeadlineCount.paused.is_(False), DeadlineCount.n), else_=0
    )
    stmt = (
        select(
            DeadlineCount.step,
            func.sum(DeadlineCount.n),
            func.sum(overdue),
            func.sum(case((DeadlineCount.due == today, DeadlineCount.n), else_=0)),
        )
        .where(DeadlineCount.office_id == office_id)
        .group_by(DeadlineCount.step)
    )
    with store.sessions.read() as s:
        return _summary(s.execute(stmt).all())


def deadline_summary_plain(store: Store, office_id: str, today: date) -> DeadlineSummary:
    """The same summary counted over the office's cases (one grouped query): the reference
    the kept counts are tested against."""
    overdue = case(
        (
            (Application.next_deadline < today) & (Application.state != State.SUPPLEMENTING.value),
            1,
        ),
        else_=0,
    )
    stmt = (
        select(
            Application.deadline_step,
            func.count(),
            func.sum(overdue),
            func.sum(case((Application.next_deadline == today, 1), else_=0)),
        )
        .where(_office_filter(office_id), Application.next_deadline.is_not(None))
        .where(Application.deleted.is_(False))
        .group_by(Application.deadline_step)
    )
    with store.sessions.read() as s:
        return _summary(s.execute(stmt).all())


def recompute_deadlines(session: Session, office_id: str, today: date) -> int:
    """Re-count the stored next deadline of this office's open cases; returns rows changed."""
    rows = session.execute(
        select(
            Application.id,
            Application.workflow,
            Application.next_deadline,
            Application.deadline_step,
            Application.deadline_owner,
        ).where(_office_filter(office_id), Application.next_deadline.is_not(None))
    ).all()
    calendars = Calendars(session, today)
    changed = 0
    for app_id, raw, due, step, owner in rows:
        if not raw or "case_id" not in raw:
            continue
        cols = deadline_columns(case_deadline(snapshot_from_json(raw), calendars, today))
        if (cols["next_deadline"], cols["deadline_step"], cols["deadline_owner"]) != (
            due,
            step,
            owner,
        ):
            session.execute(update(Application).where(Application.id == app_id).values(**cols))
            changed += 1
    return changed


def office_ids(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Office id by code for the given codes."""
    return dict(
        session.execute(select(Office.code, Office.id).where(Office.code.in_(list(codes)))).all()
    )
