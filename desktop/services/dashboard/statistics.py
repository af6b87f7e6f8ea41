"""Supervisor dashboard figures: grouped, indexed counts of one office's cases, deadlines,
new applications, open warnings and the reserve fund (read only, no full scans)."""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, select, union_all
from sqlalchemy.orm import Session

from desktop.domain.workflow import STATE_LABELS, State
from desktop.services.cases.applications import ASSISTANCE_TYPES
from desktop.services.cases.deadlines import DeadlineSummary, DueItem, deadline_summary, due_list
from desktop.services.payment.reserve_fund import FundEntryView, balance_in
from desktop.store.models import Application, Office
from desktop.store.request_models import ServiceRequest
from desktop.store.store import Store
from desktop.store.sync_models import MonitorWarning, WarningDisposal
from desktop.store.workflow_models import DeadlineCount, ReserveFundEntry

DUE_LIMIT = 15
LEDGER_LIMIT = 6


def type_label(code: str) -> str:
    """Chinese name of an assistance type code."""
    return ASSISTANCE_TYPES.get(code, code)


def state_label(code: str) -> str:
    """Chinese name of a case state code."""
    try:
        return STATE_LABELS[State(code)]
    except ValueError:
        return code


def _office_cases(office_id: str, *columns, where=()):  # type: ignore[no-untyped-def]
    """The office's live cases, residence side plus hukou-only side: two index range scans."""
    parts = []
    for own, other in (
        (Application.residence_office_id, None),
        (Application.hukou_office_id, Application.residence_office_id),
    ):
        part = select(*columns).where(own == office_id, Application.deleted.is_(False), *where)
        if other is not None:
            part = part.where(other != office_id)
        parts.append(part)
    return union_all(*parts).subquery()


@dataclass(frozen=True)
class Caseload:
    """Live cases of an office counted by (assistance type, state)."""

    cells: dict[tuple[str, str], int]

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    @property
    def by_type(self) -> dict[str, int]:
        """Count per assistance type, largest first."""
        out: dict[str, int] = defaultdict(int)
        for (kind, _state), n in self.cells.items():
            out[kind] += n
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def by_state(self) -> dict[str, int]:
        """Count per state, in workflow order."""
        out: dict[str, int] = defaultdict(int)
        for (_kind, state), n in self.cells.items():
            out[state] += n
        order = {s.value: i for i, s in enumerate(State)}
        return dict(sorted(out.items(), key=lambda kv: order.get(kv[0], 99)))


def caseload(store: Store, office_id: str) -> Caseload:
    """Cases of the office (residence or registration side) by type and state: one GROUP BY."""
    u = _office_cases(office_id, Application.assistance_type, Application.state)
    stmt = select(u.c.assistance_type, u.c.state, func.count()).group_by(
        u.c.assistance_type, u.c.state
    )
    with store.sessions.read() as s:
        return Caseload({(r[0], r[1]): int(r[2]) for r in s.execute(stmt)})


@dataclass(frozen=True)
class MonthIntake:
    """New applications of one calendar month: per day and per assistance type."""

    month: date
    by_day: dict[date, int]
    by_type: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_day.values())


def month_intake(store: Store, office_id: str, month: date) -> MonthIntake:
    """Applications received in ``month`` at this office (either side), grouped by day and type."""
    first = month.replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    in_month = (Application.applied_on >= first, Application.applied_on <= last)
    u = _office_cases(
        office_id, Application.applied_on, Application.assistance_type, where=in_month
    )
    stmt = select(u.c.applied_on, u.c.assistance_type, func.count()).group_by(
        u.c.applied_on, u.c.assistance_type
    )
    by_day: dict[date, int] = defaultdict(int)
    by_type: dict[str, int] = defaultdict(int)
    with store.sessions.read() as s:
        for day, kind, n in s.execute(stmt):
            by_day[day] += int(n)
            by_type[kind] += int(n)
    return MonthIntake(first, dict(sorted(by_day.items())), dict(by_type))


def deadlines_by_owner(store: Store, office_id: str, today: date) -> dict[str, tuple[int, int]]:
    """Running deadlines of the office by owner ("side:role") → (open, overdue), read from the
    trigger-kept ``deadline_counts`` (migration 0021); ``deadlines_by_owner_plain`` recounts
    the cases and gives the same result."""
    late = case(
        ((DeadlineCount.due < today) & DeadlineCount.paused.is_(False), DeadlineCount.n), else_=0
    )
    stmt = (
        select(DeadlineCount.owner, func.sum(DeadlineCount.n), func.sum(late))
        .where(DeadlineCount.office_id == office_id)
        .group_by(DeadlineCount.owner)
    )
    with store.sessions.read() as s:
        return {r[0] or "": (int(r[1]), int(r[2] or 0)) for r in s.execute(stmt)}


def deadlines_by_owner_plain(
    store: Store, office_id: str, today: date
) -> dict[str, tuple[int, int]]:
    """The counts by owner recounted over the office's cases: the reference in tests."""
    overdue = case(
        (
            and_(Application.next_deadline < today, Application.state != State.SUPPLEMENTING.value),
            1,
        ),
        else_=0,
    )
    u = _office_cases(
        office_id,
        Application.deadline_owner,
        overdue.label("late"),
        where=(Application.next_deadline.is_not(None),),
    )
    stmt = select(u.c.deadline_owner, func.count(), func.sum(u.c.late)).group_by(u.c.deadline_owner)
    with store.sessions.read() as s:
        return {r[0] or "": (int(r[1]), int(r[2] or 0)) for r in s.execute(stmt)}


def overdue_request_count(store: Store, office_id: str, today: date) -> int:
    """Open requests (诉求) of the office past their reply deadline."""
    with store.sessions.read() as s:
        code = s.scalar(select(Office.code).where(Office.id == office_id))
        stmt = select(func.count(ServiceRequest.id)).where(
            ServiceRequest.office_code == code,
            ServiceRequest.deleted.is_(False),
            ServiceRequest.status == "open",
            ServiceRequest.reply_due < today,
        )
        return int(s.scalar(stmt) or 0)


def open_warning_count(store: Store, office_id: str, overdue_on: date | None = None) -> int:
    """Monitoring warnings the office must dispose of that have no outcome yet (an assigned
    warning is still open); with ``overdue_on``, only those past their deadline that day."""
    with store.sessions.read() as s:
        code = s.scalar(select(Office.code).where(Office.id == office_id))
        disposed = select(WarningDisposal.warning_id).where(
            WarningDisposal.deleted.is_(False), WarningDisposal.disposal != ""
        )
        stmt = select(func.count(MonitorWarning.id)).where(
            MonitorWarning.office_code == code,
            MonitorWarning.deleted.is_(False),
            MonitorWarning.id.not_in(disposed),
        )
        if overdue_on is not None:
            stmt = stmt.where(MonitorWarning.deadline < overdue_on)
        return int(s.scalar(stmt) or 0)


def _latest_entries(s: Session, office_id: str, limit: int) -> list[FundEntryView]:
    rows = s.scalars(
        select(ReserveFundEntry)
        .where(ReserveFundEntry.office_id == office_id)
        .order_by(
            ReserveFundEntry.on.desc(), ReserveFundEntry.created_at.desc(), ReserveFundEntry.id
        )
        .limit(limit)
    ).all()
    running = balance_in(s, office_id)
    out = []
    for row in rows:  # newest first: the balance after a line is the balance before the next
        out.append(
            FundEntryView(
                row.id, row.on, row.kind, row.amount, running, row.application_id, row.note,
                row.actor,
            )
        )  # fmt: skip
        running -= row.amount
    return out


@dataclass(frozen=True)
class ReserveOverview:
    """The reserve fund's balance and its latest ledger lines (newest first)."""

    balance: Decimal
    latest: list[FundEntryView] = field(default_factory=list)


def reserve_overview(store: Store, office_id: str, limit: int = LEDGER_LIMIT) -> ReserveOverview:
    """Balance and the ``limit`` newest ledger lines, each with the balance after it."""
    with store.sessions.read() as s:
        return ReserveOverview(balance_in(s, office_id), _latest_entries(s, office_id, limit))


@dataclass(frozen=True)
class DashboardData:
    """Everything the 工作台 shows, read in one go on the writer thread."""

    today: date
    deadlines: DeadlineSummary
    by_owner: dict[str, tuple[int, int]]
    due: list[DueItem]
    caseload: Caseload
    intake: MonthIntake
    reserve: ReserveOverview
    open_warnings: int
    overdue_warnings: int = 0
    #: open requests (诉求) past their reply deadline
    overdue_requests: int = 0


def dashboard_data(
    store: Store, office_id: str, today: date, due_limit: int = DUE_LIMIT
) -> DashboardData:
    """The supervisor dashboard of one office on ``today`` (grouped queries only)."""
    return DashboardData(
        today,
        deadline_summary(store, office_id, today),
        deadlines_by_owner(store, office_id, today),
        due_list(store, office_id, today, limit=due_limit),
        caseload(store, office_id),
        month_intake(store, office_id, today),
        reserve_overview(store, office_id),
        open_warning_count(store, office_id),
        open_warning_count(store, office_id, overdue_on=today),
        overdue_request_count(store, office_id, today),
    )
