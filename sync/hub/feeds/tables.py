"""Tables of proactive discovery on the hub: the low-income registry, imported department
feed rows and files, comparison runs and the warnings they produced (hub schema step 5)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Connection, Float, Index, Integer, String, Table, Text

from sync.hub.db import metadata

# 低收入人口库: one row per person, category and source (a person may be in several lists).
registry = Table(
    "hub_registry",
    metadata,
    Column("id_number", String(18), primary_key=True),
    Column("category", String(16), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("name", String(40), nullable=False),
    Column("household_key", String(64), nullable=False),
    Column("office_code", String(12), nullable=False),  # registration office (户籍地)
    Column("residence_office", String(12), nullable=False),
    Column("community", String(60), nullable=False),
    Column("valid_from", String(10), nullable=False),
    Column("valid_to", String(10)),
    Column("assisted", Boolean, nullable=False),  # in payment of an assistance (在保)
    Column("household_size", Integer, nullable=False),
    Index("ix_hub_registry_office", "office_code"),
)

# One imported row of a department feed; ``row_key`` is the content key (kind + key columns).
feed_rows = Table(
    "hub_feed_rows",
    metadata,
    Column("row_key", String(40), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("name", String(40), nullable=False),
    Column("event_date", String(10), nullable=False),
    Column("code", String(20), nullable=False),
    Column("amount", Float),
    Column("data", Text, nullable=False),  # the row as read (JSON), the warning's evidence
    Column("file_sha", String(64), nullable=False),
    Column("line", Integer, nullable=False),
    Index("ix_hub_feed_rows_kind", "kind"),  # hub step 11 (was kind, id_number)
)

feed_files = Table(
    "hub_feed_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("imported_at", Float, nullable=False),
    Column("report", Text, nullable=False),
)

runs = Table(
    "hub_runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("scope", String(10), nullable=False),  # city | district
    Column("district", String(32), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("status", String(12), nullable=False),
    Column("report", Text, nullable=False),
)

# 预警: one per (rule, evidence row); the evidence key makes a re-run add nothing.
warnings = Table(
    "hub_discovery_warnings",
    metadata,
    Column("evidence_key", String(80), primary_key=True),
    Column("id", String(36), unique=True),  # set once the row is published
    Column("kind", String(32), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("name", String(40), nullable=False),
    Column("office_code", String(12), nullable=False),
    Column("residence_office", String(12), nullable=False),
    Column("community", String(60), nullable=False),
    Column("household_key", String(64), nullable=False),
    Column("category", String(16), nullable=False),
    Column("household_size", Integer, nullable=False),
    Column("row_key", String(40), nullable=False),
    Column("run_id", String(36), nullable=False),
    Column("pushed_on", String(10)),
    Column("deadline", String(10)),
    Column("escalated_on", String(10)),
    Index("ix_hub_discovery_warnings_run", "run_id"),
)

TABLES = (registry, feed_rows, feed_files, runs, warnings)


def bulk(conn: Connection, sql: str, rows: list[tuple]) -> int:
    """executemany of ``sql`` (``%s`` placeholders) on this transaction's DBAPI cursor; return
    the rows affected (both drivers sum them over the batch)."""
    if not rows:
        return 0
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    if conn.dialect.name == "sqlite":
        sql = sql.replace("%s", "?")
    cur.executemany(sql, rows)
    count = int(cur.rowcount)
    cur.close()
    return count
