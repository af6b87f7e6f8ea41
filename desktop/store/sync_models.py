"""Local tables of the sync client: conflicts, last-known hub versions, checks and warnings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, Synced, new_id

Day = date  # the type, where a class has a column named ``date``


class SyncConflict(Base):
    """A record whose local and hub versions both changed; kept until a person resolves it."""

    __tablename__ = "sync_conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    change_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    source: Mapped[str] = mapped_column(String(10))  # "push" (hub answered) or "pull"
    base: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    local: Mapped[dict] = mapped_column(JSON)
    remote: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    remote_rev: Mapped[int] = mapped_column(Integer, default=0)
    remote_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    remote_offices: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(40), default="")


class SyncBase(Base):
    """The last version of a record both sides agreed on (the base of a three-way compare)."""

    __tablename__ = "sync_base"
    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rev: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)


class CheckRequest(Synced, Base):
    """A household economic-check request sent to the municipal systems (家庭经济状况核对申请)."""

    __tablename__ = "check_requests"
    household_id: Mapped[str] = mapped_column(String(36), index=True)
    members: Mapped[list] = mapped_column(JSON, default=list)
    requested_at: Mapped[str] = mapped_column(String(30), default="")
    requested_by: Mapped[str] = mapped_column(String(40), default="")


class CheckReport(Synced, Base):
    """The hub's answer to a check request (核对报告), one finding per source and member."""

    __tablename__ = "check_reports"
    request_id: Mapped[str] = mapped_column(String(36), index=True)
    household_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    generated_at: Mapped[str] = mapped_column(String(40), default="")
    members: Mapped[list] = mapped_column(JSON, default=list)


class MonitorWarning(Synced, Base):
    """A monitoring warning about a person (监测预警), produced by the hub."""

    __tablename__ = "warnings"
    office_code: Mapped[str] = mapped_column(String(12), index=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(40))
    warning_type: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # proactive discovery (migration 0014): the feed kind and rule, 待遇核查 or 发现线索
    kind: Mapped[str] = mapped_column(String(32), default="", server_default="")
    rule: Mapped[str] = mapped_column(String(32), default="", server_default="")
    direction: Mapped[str] = mapped_column(String(8), default="", server_default="")
    evidence: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    suggested_action: Mapped[str] = mapped_column(Text, default="", server_default="")
    community: Mapped[str] = mapped_column(String(60), default="", server_default="")
    household_key: Mapped[str] = mapped_column(String(64), default="", server_default="")
    category: Mapped[str] = mapped_column(String(16), default="", server_default="")
    residence_office: Mapped[str] = mapped_column(String(12), default="", server_default="")
    deadline: Mapped[Day | None] = mapped_column(Date, nullable=True, index=True)
    pushed_on: Mapped[Day | None] = mapped_column(Date, nullable=True)
    escalated_on: Mapped[Day | None] = mapped_column(Date, nullable=True)


class LowIncomePerson(Synced, Base):
    """The office's share of the city's low-income registry (低收入人口库), from the hub."""

    __tablename__ = "low_income_persons"
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(40))
    household_key: Mapped[str] = mapped_column(String(64))
    office_code: Mapped[str] = mapped_column(String(12))
    residence_office: Mapped[str] = mapped_column(String(12))
    community: Mapped[str] = mapped_column(String(60))
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    assisted: Mapped[bool] = mapped_column(Boolean, default=False)


class WarningDisposal(Synced, Base):
    """How an office checked and disposed of a warning (预警核查处置), synced back to the hub."""

    __tablename__ = "warning_disposals"
    warning_id: Mapped[str] = mapped_column(String(36), index=True)
    office_code: Mapped[str] = mapped_column(String(12))
    checked_by: Mapped[str] = mapped_column(String(40))
    finding: Mapped[str] = mapped_column(Text)
    disposal: Mapped[str] = mapped_column(String(20))
    disposed_on: Mapped[date] = mapped_column(Date)
    disposed_by: Mapped[str] = mapped_column(String(40), default="")
    # migration 0014: assignment (disposal "" until done), home visit, linked cases, referral
    assigned_to: Mapped[str] = mapped_column(String(40), default="", server_default="")
    assigned_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    visit_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    review_case_id: Mapped[str] = mapped_column(String(36), default="", server_default="")
    new_case_id: Mapped[str] = mapped_column(String(36), default="", server_default="")
    referral_to: Mapped[str] = mapped_column(String(60), default="", server_default="")

    def sync_offices(self) -> list[str]:
        """The office codes the disposal travels to: the office the warning was sent to."""
        return [self.office_code]
