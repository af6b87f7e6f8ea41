"""Local policy and benefit-run tables (migration 0004): dated policy rows, monthly runs and
their per-case changes. Local configuration and records: never synced, only audited."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, Money, new_id


class PolicyRowRecord(Base):
    """One dated policy value (政策参数): a new year's 低保标准 is a new row, not a code change."""

    __tablename__ = "policy_rows"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    district: Mapped[str | None] = mapped_column(String(6), nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(40), default="")


class BenefitRun(Base):
    """One monthly benefit run (按月发放核算): who ran it, for which month, with what outcome."""

    __tablename__ = "benefit_runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    month: Mapped[date] = mapped_column(Date, index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    supplementary: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[str] = mapped_column(String(36))
    actor_name: Mapped[str] = mapped_column(String(40))
    office_id: Mapped[str] = mapped_column(String(36))
    cases: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    total_old: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_new: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    skipped: Mapped[list] = mapped_column(JSON, default=list)


class BenefitChangeRecord(Base):
    """One case in a run: old and new monthly amount and the kind (增发/减发/停发/不变/渐退)."""

    __tablename__ = "benefit_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("benefit_runs.id"), index=True)
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    programme: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    old_amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    new_amount: Mapped[Decimal] = mapped_column(Money)
    gradual_exit_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    """What the run did with an approved amount deviation (kept / lapsed; migration 0015)."""


class BenefitFactsCache(Base):
    """The monthly run's cached basis of one family and programme (migration 0006): valid while
    the household's ``facts_rev`` and the month-policy key are the ones it was computed under."""

    __tablename__ = "benefit_facts_cache"
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    programme: Mapped[str] = mapped_column(String(20), primary_key=True)
    facts_rev: Mapped[int] = mapped_column(Integer)
    policy_key: Mapped[str] = mapped_column(String(64))
    district: Mapped[str | None] = mapped_column(String(12), nullable=True)
    new_amount: Mapped[str] = mapped_column(Text)
    assets_ok: Mapped[int] = mapped_column(Integer)
    working: Mapped[int] = mapped_column(Integer)

    __table_args__ = {"sqlite_with_rowid": False}


class DeviationFacts(Base):
    """Local, never synced: the family's ``facts_rev`` an approved amount deviation rests on
    (migration 0015); the monthly run keeps the deviation while the facts are unchanged."""

    __tablename__ = "deviation_facts"
    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    facts_rev: Mapped[int] = mapped_column(Integer)
