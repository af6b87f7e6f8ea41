"""SQLAlchemy 2 models of the local store; every synced row has a UUID, rev, dirty and a tombstone."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Fixed2(TypeDecorator[Decimal]):
    """A 2-place Decimal stored as an integer count of hundredths (fen), so SQL sums are exact."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value(rounding=ROUND_HALF_UP))

    def process_result_value(self, value: int | None, dialect: object) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


Money = Fixed2


def new_id() -> str:
    """A new global UUID as text."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


LOCAL_COLUMNS = frozenset({"rev", "dirty", "created_at", "updated_at", "facts_rev"})
"""Columns of a synced row that stay on this desk: never in an outbox payload or on the wire."""


class Synced:
    """Columns every synced row carries: global id, server rev, local dirty flag, tombstone."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rev: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    dirty: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )


class Office(Synced, Base):
    """A street/township office (街道/乡镇)."""

    __tablename__ = "offices"
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    district: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(6))
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    # What the office's desk published for the public pages (its 社会救助热线 / 受理窗口地址
    # settings); empty when it publishes the registered phone and address above.
    window_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    window_address: Mapped[str] = mapped_column(String(120), default="", server_default="")


class User(Base):
    """A local user; the password never lives here (it wraps the database key, see keys.py)."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class Household(Synced, Base):
    """A family (家庭); lives at the residence office, registered at the hukou office."""

    __tablename__ = "households"
    residence_office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    hukou_office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    community: Mapped[str] = mapped_column(String(60), default="", index=True)
    address: Mapped[str] = mapped_column(String(200))
    hukou_address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # Policy facts (migration 0004): 特困 setting, 边缘 grant conditions, rigid spending.
    setting: Mapped[str] = mapped_column(String(20), default="urban")
    single_parent: Mapped[bool] = mapped_column(Boolean, default=False)
    childless: Mapped[bool] = mapped_column(Boolean, default=False)
    family_planning_support: Mapped[bool] = mapped_column(Boolean, default=False)
    rigid_spending: Mapped[list] = mapped_column(JSON, default=list)
    # The payee account the benefit is paid into (migration 0008); '' = not registered yet.
    bank_name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    bank_holder: Mapped[str] = mapped_column(String(40), default="", server_default="")
    bank_account: Mapped[str] = mapped_column(String(30), default="", server_default="")
    # Local, never synced (migration 0006): goes up through triggers whenever a fact the policy
    # engine reads about the family changes; the monthly run's cache is keyed by it.
    facts_rev: Mapped[int] = mapped_column(Integer, server_default="0")


class Person(Synced, Base):
    """A person; ``is_member`` says whether they count in the household (domain.md §4)."""

    __tablename__ = "persons"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    name_pinyin: Mapped[str] = mapped_column(String(120), index=True)
    name_initials: Mapped[str] = mapped_column(String(20), index=True)
    # The given name (the name after the surname), so "红梅" finds 王红梅 by an index, not a scan.
    name_given: Mapped[str] = mapped_column(String(40), default="", server_default="", index=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date)
    relation: Mapped[str] = mapped_column(String(20))
    is_member: Mapped[bool] = mapped_column(Boolean, default=True)
    non_member_reason: Mapped[str] = mapped_column(String(30), default="")
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    disability_type: Mapped[str] = mapped_column(String(20), default="")
    disability_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    illness_class: Mapped[str] = mapped_column(String(30), default="")
    work_capacity: Mapped[str] = mapped_column(String(10), default="full")
    student_level: Mapped[str] = mapped_column(String(20), default="")
    employment: Mapped[str] = mapped_column(String(20), default="")
    lives_with_family: Mapped[bool] = mapped_column(Boolean, default=True)
    # Policy facts (migration 0004): the 6 self-care activities the person cannot do (特困),
    # the legal supporter's ability (法定义务人) and the date a job was found (渐退).
    self_care_failed: Mapped[list] = mapped_column(JSON, default=list)
    supporter: Mapped[str] = mapped_column(String(10), default="able")
    found_work_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Migration 0017: a tombstone of a person registered twice (same ID number on two
    # devices) names the person it was merged into (sync/identity.py); '' otherwise.
    merged_into: Mapped[str] = mapped_column(String(36), default="", server_default="")

    # Migration 0021: names by id from a small covering index (the due list names 38,000
    # applicants; through the table every lookup decrypts another large page).
    __table_args__ = (
        Index("ix_persons_id_number_live", "id_number", "deleted"),
        Index("ix_persons_id_name", "id", "name"),
    )


class IncomeItem(Synced, Base):
    """A monthly income entry of one member (收入)."""

    __tablename__ = "income_items"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    month: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(String(200), default="")


class Asset(Synced, Base):
    """A household asset: money, a vehicle or a dwelling (财产)."""

    __tablename__ = "assets"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    vehicle_purpose: Mapped[str] = mapped_column(String(20), default="")
    floor_area: Mapped[Decimal | None] = mapped_column(Fixed2, nullable=True)
    note: Mapped[str] = mapped_column(String(200), default="")


_DUE_LIST_COLUMNS = (
    "next_deadline",
    "deleted",
    "number",
    "state",
    "deadline_step",
    "deadline_owner",
    "assistance_type",
    "applicant_id",
    "id",
)


class Application(Synced, Base):
    """One application of one household for one assistance type (救助申请 / 案件)."""

    __tablename__ = "applications"
    number: Mapped[str] = mapped_column(String(30), unique=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    assistance_type: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    channel: Mapped[str] = mapped_column(String(20), default="window")
    filed_at_office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    residence_office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    hukou_office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    applied_on: Mapped[date] = mapped_column(Date, index=True)
    proxy_name: Mapped[str] = mapped_column(String(40), default="")
    proxy_authorised: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_relative: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    benefit_amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    next_deadline: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    deadline_step: Mapped[str] = mapped_column(String(40), default="")
    deadline_owner: Mapped[str] = mapped_column(String(20), default="", server_default="")
    """Who owes the next deadline, "side:role" (e.g. "hukou:supervisor"; migration 0003)."""
    workflow: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    """Optimistic-concurrency counter: the number of workflow steps stored (migration 0003)."""
    # Benefit facts (migration 0004): the engine programme paid (e.g. 单人保 on a 低保 case),
    # the 临时救助 amount asked, the last assessment summary and the 渐退 start month.
    benefit_programme: Mapped[str] = mapped_column(String(20), default="")
    hardship_requested: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    assessment: Mapped[dict] = mapped_column(JSON, default=dict)
    gradual_exit_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Migration 0010: the file's archive date (归档), independent of the payment state, and how
    # staff resolved differences between the check report and the declared figures.
    archived_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    check_resolutions: Mapped[list] = mapped_column(JSON, default=list)

    # The case list pages through this index (migration 0007); not led by "deleted", or SQLite
    # would prefer it to the household index for every filter.
    # The residence office's due list reads only these partial covering indexes (migration
    # 0003); the intake list of an office uses ix_applications_office_applied (migration 0002).
    __table_args__ = (
        Index("ix_applications_list", "applied_on", "id", "deleted"),
        Index("ix_applications_office_applied", "residence_office_id", "applied_on"),
        Index(
            "ix_applications_res_deadline",
            "residence_office_id",
            *_DUE_LIST_COLUMNS,
            "hukou_office_id",
            sqlite_where=text("next_deadline IS NOT NULL"),
        ),
        Index(
            "ix_applications_huk_deadline",
            "hukou_office_id",
            *_DUE_LIST_COLUMNS,
            "residence_office_id",
            sqlite_where=text("next_deadline IS NOT NULL"),
        ),
    )


class Document(Synced, Base):
    """A required or received document of an application, optionally with an attachment file."""

    __tablename__ = "documents"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    application_id: Mapped[str | None] = mapped_column(
        ForeignKey("applications.id"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="received")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    mime: Mapped[str] = mapped_column(String(60), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class AuditEvent(Base):
    """Append-only audit trail: every change and every read of a full file (操作日志)."""

    __tablename__ = "audit_events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    summary: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # The hash chain of this desk's own events (migration 0012); events pulled from other
    # desks have no link here (their chain is their desk's and the hub's).
    chain_seq: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class CoordinatorCommunity(Base):
    """A community (社区) assigned to a community coordinator; they see only these families."""

    __tablename__ = "coordinator_communities"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    community: Mapped[str] = mapped_column(String(60), primary_key=True)


class OutboxEntry(Base):
    """A change waiting to go to the municipal hub, written with the change itself."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(10))
    base_rev: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payload: Mapped[dict] = mapped_column(JSON)
    offices: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(12), index=True)  # desktop.store.outbox.OutboxState
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    __table_args__ = (Index("ix_outbox_entity_state", "entity_id", "state"),)


class Setting(Base):
    """Key/value settings and sync state kept inside the encrypted store."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


SYNCED_ENTITIES: dict[str, type[Synced]] = {
    "office": Office,
    "household": Household,
    "person": Person,
    "income_item": IncomeItem,
    "asset": Asset,
    "application": Application,
    "document": Document,
}
