"""Workflow tables of the local store (migration 0003): case events, home surveys, calendar
overrides and the office reserve fund."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, Money, Synced, new_id


class CaseEvent(Base):
    """One workflow step of one case (append-only; replaying them rebuilds the snapshot)."""

    __tablename__ = "case_events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    on: Mapped[date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(40), default="")
    from_state: Mapped[str | None] = mapped_column(String(30), nullable=True)
    to_state: Mapped[str] = mapped_column(String(30))
    actor_name: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[str] = mapped_column(String(20))
    office_code: Mapped[str] = mapped_column(String(12))
    side: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (UniqueConstraint("application_id", "seq", name="uq_case_events_app_seq"),)


class HomeSurveyRecord(Synced, Base):
    """入户调查表 of one application: a draft while being filled, locked once final."""

    __tablename__ = "home_surveys"
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    visited_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    surveyors: Mapped[list] = mapped_column(JSON, default=list)
    members_present: Mapped[list] = mapped_column(JSON, default=list)
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finalized_by: Mapped[str] = mapped_column(String(40), default="")


class CalendarOverride(Base):
    """One day an office works or rests against the national calendar (节假日调整)."""

    __tablename__ = "calendar_overrides"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("office_id", "day", name="uq_calendar_overrides_day"),)


class ReserveFundEntry(Base):
    """One line of an office's 备用金 ledger; ``amount`` is signed (payouts negative)."""

    __tablename__ = "reserve_fund_entries"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    kind: Mapped[str] = mapped_column(String(10))
    application_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_reserve_fund_office_on", "office_id", "on"),)


class DeadlineCount(Base):
    """Local, never synced (migration 0021): how many open deadlines one office has at one step,
    owed by one side and role, due on one day, paused (补正材料) or running; kept by triggers on ``applications``."""

    __tablename__ = "deadline_counts"
    office_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    step: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(20), primary_key=True)
    """Who owes the deadline, "side:role" (``applications.deadline_owner``)."""
    due: Mapped[date] = mapped_column(Date, primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = {"sqlite_with_rowid": False}
