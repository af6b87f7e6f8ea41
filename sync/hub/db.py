"""The hub's database: engine set-up (SQLite WAL or PostgreSQL/psycopg 3) and table shapes.

The Table objects describe the CURRENT schema; sync/hub/migrations.py creates and alters
them step by step. Payloads and office lists are stored as compact JSON text so a pull page
can be assembled without decoding them again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    text,
)

metadata = MetaData()

schema_version = Table(
    "hub_schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

counters = Table(
    "hub_counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

offices = Table(
    "hub_offices",
    metadata,
    Column("code", String(12), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("district", String(32), nullable=False),
)

enrolments = Table(
    "hub_enrolments",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("office_code", String(12), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float),
    Column("device_id", String(36)),
)

devices = Table(
    "hub_devices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("office_code", String(12), nullable=False),
    Column("name", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    # The device's code in offline case numbers, unique across the city (migration 4).
    Column("number_code", String(8)),
    Index("ux_hub_devices_number_code", "number_code", unique=True),
    # When the hub admin revoked the device (migration 5); its token then answers "revoked".
    Column("revoked_at", Float),
)

records = Table(
    "hub_records",
    metadata,
    Column("entity", String(40), primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("rev", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("payload", Text, nullable=False),
    Column("offices", Text, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("updated_by", String(36)),
    Index("ix_hub_records_seq", "seq", unique=True),
    # each device's audit events, for the checkpoint (hub step 12)
    Index(
        "ix_hub_records_audit_device",
        "updated_by",
        "seq",
        postgresql_where=text("entity = 'audit_event'"),
        sqlite_where=text("entity = 'audit_event'"),
    ),
)

# One row per (record, office), carrying the record's latest seq: pull reads only this index.
record_offices = Table(
    "hub_record_offices",
    metadata,
    Column("office_code", String(12), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("entity", String(40), nullable=False),
    Column("id", String(36), nullable=False),
    Index("ix_hub_record_offices_record", "entity", "id"),
)

# Every case number the hub holds, so no two cases share one (migration 4). Plain numbers
# (office-year-sequence) keep their parts, so a new block starts above the highest one.
case_numbers = Table(
    "hub_case_numbers",
    metadata,
    Column("number", String(40), primary_key=True),
    Column("application_id", String(36), nullable=False),
    Column("office_code", String(12)),
    Column("year", Integer),
    Column("seq", Integer),
    Index("ix_hub_case_numbers_block", "office_code", "year", "seq"),
)

# Record → the parent record it is bound to (a document to its case, a person to its
# household): when a parent reaches a new office, its children follow (migration 4).
record_links = Table(
    "hub_record_links",
    metadata,
    Column("parent_entity", String(40), primary_key=True),
    Column("parent_id", String(36), primary_key=True),
    Column("entity", String(40), primary_key=True),
    Column("id", String(36), primary_key=True),
)

# The first live person the hub received for each ID number (migration 9): a later record of
# the same person in the same household is merged into it (sync/hub/persons.py).
person_ids = Table(
    "hub_person_ids",
    metadata,
    Column("id_number", String(18), primary_key=True),
    Column("person_id", String(36), nullable=False),
)

# Person records merged into another (migration 9): references to them are rewritten.
person_merges = Table(
    "hub_person_merges",
    metadata,
    Column("merged_id", String(36), primary_key=True),
    Column("survivor_id", String(36), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("household_id", String(36), nullable=False),
    Column("at", Float, nullable=False),
)

# 区级督办 of visit problems past their deadline (step 10): one row per problem, kept when the
# problem is later solved so the district sees what was escalated and how it ended.
problem_escalations = Table(
    "hub_problem_escalations",
    metadata,
    Column("problem_id", String(36), primary_key=True),
    Column("office_code", String(12), nullable=False),
    Column("district", String(32), nullable=False),
    Column("category", String(20), nullable=False),
    Column("urgency", String(10), nullable=False),
    Column("deadline", String(10), nullable=False),
    Column("escalated_on", String(10), nullable=False),
    Index("ix_hub_problem_escalations_district", "district", "escalated_on"),
)

applied_changes = Table(
    "hub_applied_changes",
    metadata,
    Column("change_id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False),
    Column("result", Text, nullable=False),
)

attachments = Table(
    "hub_attachments",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("received", BigInteger, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    # The device whose declaration (size) stands and when it last sent a chunk (migration 5).
    Column("declared_by", String(36)),
    Column("touched_at", Float),
)

attachment_chunks = Table(
    "hub_attachment_chunks",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("offset", BigInteger, primary_key=True),
    Column("length", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

attachment_grants = Table(
    "hub_attachment_grants",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("office_code", String(12), primary_key=True),
)

check_jobs = Table(
    "hub_check_jobs",
    metadata,
    Column("request_id", String(36), primary_key=True),
    Column("request_rev", Integer, nullable=False),
    Column("due_at", Float, nullable=False),
    Column("done", Boolean, nullable=False),
    Index("ix_hub_check_jobs_due", "done", "due_at"),
)


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them to psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout and explicit BEGIN handling."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock up front so a read-then-write never hits SQLITE_BUSY_SNAPSHOT.
        immediate = conn.get_execution_options().get("hub_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """The engine plus the in-process writer lock that keeps seq order = commit order."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction; writers are serialised (and on PostgreSQL lock the counter)."""
        with self._write_lock, self.engine.connect() as conn:
            conn = conn.execution_options(hub_write=True)
            with conn.begin():
                if not self.is_sqlite:
                    conn.exec_driver_sql(
                        "SELECT value FROM hub_counters WHERE name = 'seq' FOR UPDATE"
                    )
                yield conn

    @contextmanager
    def writing(self, conn: Connection) -> Iterator[None]:
        """Make the open transaction of ``conn`` a writer from here to its commit, which the
        caller makes inside the block (its earlier statements ran without the lock)."""
        with self._write_lock:
            if not self.is_sqlite:
                conn.exec_driver_sql("SELECT value FROM hub_counters WHERE name = 'seq' FOR UPDATE")
            yield

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot on both backends)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def next_seqs(conn: Connection, n: int) -> int:
    """Reserve ``n`` sequence numbers inside a write transaction; return the first one."""
    row = conn.exec_driver_sql("SELECT value FROM hub_counters WHERE name = 'seq'").one()
    first = int(row[0]) + 1
    conn.execute(counters.update().where(counters.c.name == "seq").values(value=first + n - 1))
    return first
