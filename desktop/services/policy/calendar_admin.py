"""Working-day calendar overrides of an office (节假日调整): add/remove (audited, deadlines
re-counted), the office calendar, and the status-bar warning about next year's holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from desktop.domain.calendar import HOLIDAY, WORKDAY, WorkCalendar
from desktop.errors import NotFound, ValidationError
from desktop.services.base import Actor, Role, Scope, choice, require_text, service, unit_of_work
from desktop.services.cases.deadlines import office_calendar, plain_calendar, recompute_deadlines
from desktop.store.store import Store
from desktop.store.workflow_models import CalendarOverride

KINDS = {WORKDAY: "调休上班（工作日）", HOLIDAY: "放假（休息日）"}
CALENDAR_ADMINS = {Role.ADMIN, Role.SUPERVISOR}


@dataclass(frozen=True)
class OverrideView:
    """One override day."""

    id: str
    office_id: str
    day: date
    kind: str
    note: str

    @property
    def kind_cn(self) -> str:
        """Chinese name of the kind."""
        return KINDS[self.kind]


@dataclass(frozen=True)
class OverrideChange:
    """Result of an override change: the row and how many stored deadlines moved."""

    override: OverrideView
    deadlines_changed: int


def _view(r: CalendarOverride) -> OverrideView:
    return OverrideView(r.id, r.office_id, r.day, r.kind, r.note)


@service(
    scope=Scope.NONE("the working-day calendar, no family"),
    roles=CALENDAR_ADMINS,
    changes={"calendar", "cases"},
)
def add_calendar_override(
    store: Store, actor: Actor, day: date, kind: str, note: str = "", today: date | None = None
) -> OverrideChange:
    """Mark ``day`` a working day or a day off at this office; open cases' deadlines re-counted."""
    if not isinstance(day, date):
        raise ValidationError("调整日期", "请选择日期")
    choice(kind, "调整类型", KINDS)
    text = require_text(note, "说明", max_len=100, required=False)
    with unit_of_work(store, actor) as uow:
        s = uow.session
        row = s.scalars(
            select(CalendarOverride).where(
                CalendarOverride.office_id == actor.office_id, CalendarOverride.day == day
            )
        ).first()
        if row is None:
            row = CalendarOverride(office_id=actor.office_id, day=day, created_at=uow.now)
            s.add(row)
        row.kind, row.note = kind, text
        s.flush()
        moved = recompute_deadlines(s, actor.office_id, today or date.today())
        uow.audit(
            "calendar_override",
            "calendar",
            row.id,
            f"{day.isoformat()} 设为{KINDS[kind]}{('：' + text) if text else ''}，"
            f"重算期限 {moved} 件",
            {"day": day, "kind": kind, "note": text},
        )
        return OverrideChange(_view(row), moved)


@service(
    scope=Scope.NONE("the working-day calendar, no family"),
    roles=CALENDAR_ADMINS,
    changes={"calendar", "cases"},
)
def remove_calendar_override(
    store: Store, actor: Actor, day: date, today: date | None = None
) -> int:
    """Remove this office's override of ``day``; returns how many stored deadlines moved."""
    with unit_of_work(store, actor) as uow:
        s = uow.session
        row = s.scalars(
            select(CalendarOverride).where(
                CalendarOverride.office_id == actor.office_id, CalendarOverride.day == day
            )
        ).first()
        if row is None:
            raise NotFound(f"本街道没有 {day.isoformat()} 的节假日调整")
        s.delete(row)
        s.flush()
        moved = recompute_deadlines(s, actor.office_id, today or date.today())
        uow.audit(
            "calendar_override_removed",
            "calendar",
            row.id,
            f"删除 {day.isoformat()} 的节假日调整，重算期限 {moved} 件",
            {"day": day, "kind": row.kind},
        )
        return moved


def list_calendar_overrides(store: Store, office_id: str) -> list[OverrideView]:
    """The office's overrides in date order."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(CalendarOverride)
            .where(CalendarOverride.office_id == office_id)
            .order_by(CalendarOverride.day)
        ).all()
        return [_view(r) for r in rows]


def load_calendar(store: Store, office_id: str, today: date | None = None) -> WorkCalendar:
    """The office's working-day calendar (national holidays + its overrides)."""
    with store.sessions.read() as s:
        return office_calendar(s, office_id, today or date.today())


def calendar_warning(store: Store, today: date, office_id: str | None = None) -> str | None:
    """Status-bar text when next year's official holidays are unknown and no override for
    that year was entered (at this office, or at any office when none is given)."""
    year = today.year + 1
    if plain_calendar(today).is_covered(year):
        return None
    stmt = select(func.count(CalendarOverride.id)).where(
        CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31)
    )
    if office_id is not None:
        stmt = stmt.where(CalendarOverride.office_id == office_id)
    with store.sessions.read() as s:
        entered = s.scalar(stmt) or 0
    if entered:
        return None
    return (
        f"{year}年的国务院节假日安排尚未收录，工作日暂按周一至周五计算，"
        f"办理期限可能不准确。请在“节假日调整”中录入{year}年的放假和调休安排。"
    )
