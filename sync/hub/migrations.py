"""Ordered schema migrations of the hub database, applied in place at start-up.

Each step runs in its own transaction and bumps ``hub_schema_version``. A step creates the
tables it introduces; a later change to an existing table must be its own ALTER step (the
Table objects in db.py always show the current shape).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, inspect

from sync.hub import db


@dataclass(frozen=True)
class Step:
    """One migration step: the version it produces, what it does, and the function."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_core(conn: Connection) -> None:
    for table in (
        db.counters,
        db.offices,
        db.enrolments,
        db.devices,
        db.records,
        db.record_offices,
        db.applied_changes,
    ):
        table.create(conn)
    conn.execute(db.counters.insert().values(name="seq", value=0))


def _v2_attachments(conn: Connection) -> None:
    for table in (db.attachments, db.attachment_chunks, db.attachment_grants):
        table.create(conn)


def _v3_check_jobs(conn: Connection) -> None:
    db.check_jobs.create(conn)


STEPS: tuple[Step, ...] = (
    Step(1, "offices, devices, records, idempotency log", _v1_core),
    Step(2, "content-addressed attachments with resumable chunks", _v2_attachments),
    Step(3, "economic-check jobs (delayed check_report)", _v3_check_jobs),
)
HEAD = STEPS[-1].version


def current_version(database: db.Database) -> int:
    """The schema version of the database (0 for an empty one)."""
    with database.engine.connect() as conn:
        if not inspect(conn).has_table(db.schema_version.name):
            return 0
        row = conn.execute(db.schema_version.select()).first()
        return int(row.version) if row else 0


def upgrade(database: db.Database, target: int = HEAD) -> list[int]:
    """Apply every step above the current version up to ``target``; return the versions applied."""
    done: list[int] = []
    start = current_version(database)
    for step in STEPS:
        if step.version <= start or step.version > target:
            continue
        with database.engine.connect() as conn:
            conn = conn.execution_options(hub_write=True)
            with conn.begin():
                if step.version == 1:
                    db.schema_version.create(conn, checkfirst=True)
                    conn.execute(db.schema_version.insert().values(id=1, version=0))
                step.apply(conn)
                conn.execute(db.schema_version.update().values(version=step.version))
        done.append(step.version)
    return done
