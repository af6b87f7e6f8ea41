"""Ordered schema migrations of the hub database, applied in place at start-up.

Each step runs in its own transaction and bumps ``hub_schema_version``. A step creates the
tables it introduces; a later change to an existing table must be its own ALTER step (the
Table objects in db.py always show the current shape).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, inspect, select
from sqlalchemy.exc import DBAPIError

from sync.hub import audit_chain, city_policy, db


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


def _v4_numbers_and_links(conn: Connection) -> None:
    """Device codes, the case-number index and record links, filled from what is stored."""
    import json

    from sync.hub import numbers, records

    columns = {c["name"] for c in inspect(conn).get_columns(db.devices.name)}
    if "number_code" not in columns:  # step 1 of a new database already made the column
        conn.exec_driver_sql("ALTER TABLE hub_devices ADD COLUMN number_code VARCHAR(8)")
        conn.exec_driver_sql(
            "CREATE UNIQUE INDEX ux_hub_devices_number_code ON hub_devices (number_code)"
        )
    db.case_numbers.create(conn)
    db.record_links.create(conn)
    d = db.devices.c
    for n, (device_id,) in enumerate(conn.execute(select(d.id).order_by(d.created_at, d.id))):
        conn.execute(
            db.devices.update().where(d.id == device_id).values(number_code=numbers.device_code(n))
        )
    t = db.records.c
    held: dict[str, str] = {}
    links: set[tuple[str, str, str, str]] = set()
    rows = conn.execute(select(t.entity, t.id, t.payload).order_by(t.seq)).yield_per(2000)
    for entity, rid, text in rows:
        payload = json.loads(text)
        if entity == "application" and isinstance(payload.get("number"), str):
            held.setdefault(payload["number"], rid)  # a later duplicate keeps no number
        parent = records.parent_key(entity, payload)
        if parent is not None:
            links.add((parent[0], parent[1], entity, rid))
    if held:
        conn.execute(db.case_numbers.insert(), numbers.insert_rows(held))
    if links:
        conn.execute(
            db.record_links.insert(),
            [{"parent_entity": a, "parent_id": b, "entity": c, "id": i} for a, b, c, i in links],
        )


def _v5_discovery(conn: Connection) -> None:
    """Proactive discovery: registry, feed rows and files, runs, warnings (sync/hub/feeds)."""
    from sync.hub.feeds.tables import TABLES

    for table in TABLES:
        table.create(conn)


def _v6_upload_declarations(conn: Connection) -> None:
    """Who declared an unfinished upload and when it last moved; revoked devices."""
    columns = {c["name"] for c in inspect(conn).get_columns(db.attachments.name)}
    if "declared_by" not in columns:  # step 2 of a new database already made the columns
        conn.exec_driver_sql("ALTER TABLE hub_attachments ADD COLUMN declared_by VARCHAR(36)")
        conn.exec_driver_sql("ALTER TABLE hub_attachments ADD COLUMN touched_at FLOAT")
    columns = {c["name"] for c in inspect(conn).get_columns(db.devices.name)}
    if "revoked_at" not in columns:
        conn.exec_driver_sql("ALTER TABLE hub_devices ADD COLUMN revoked_at FLOAT")


def _v8_person_identity(conn: Connection) -> None:
    """One live person per ID number: the holders index (earliest record first) and merges."""
    from sync.hub import persons

    db.person_ids.create(conn)
    db.person_merges.create(conn)
    persons.index_stored(conn)


def _v10_problem_escalations(conn: Connection) -> None:
    """区级督办 of overdue visit problems."""
    db.problem_escalations.create(conn)


def _v11_feed_import(conn: Connection) -> None:
    """Feed rows indexed by kind alone (a row appends to its kind's run of the index; the
    (kind, id number) index took an insert at a random place per row and halved the import
    rate, and the matching joins on the registry's key, not on it); on PostgreSQL the pgcrypto
    extension when the server offers it (its SHA-1 makes the content keys in SQL,
    sync/hub/feeds/staged.py; without it the import keeps its Python path)."""
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_hub_feed_rows_kind_id")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_hub_feed_rows_kind ON hub_feed_rows (kind)")
    if conn.dialect.name != "postgresql":
        return
    if conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto'").scalar():
        return
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA public")
    except DBAPIError:
        pass  # not available to this role or server: the Python path


def _v14_policy_sources(conn: Connection) -> None:
    """A city table loaded from an export of the old defaults carries their English source
    notes; each row whose source is still exactly one of them gets its Chinese note (as desk
    migration 0023 does on the desks). A source the bureau wrote is left alone."""
    from desktop.domain.policy.legacy_sources import LEGACY_SOURCES
    from sync.hub.city_policy import policy_rows

    rows = policy_rows.c
    for old, new in LEGACY_SOURCES.items():
        conn.execute(policy_rows.update().where(rows.source == old).values(source=new))


def _v13_compact_evidence(conn: Connection) -> None:
    """Feed rows' evidence in the compact JSON text the hub writes (``records.dumps``): the
    releases before step 11 wrote ``json.dumps(…, ensure_ascii=False)``, with spaces, and a
    warning's record now splices the evidence in as stored (compare._record_sql). Only rows
    holding ``": `` can be of the old form; each is rewritten when its compact text differs."""
    import json

    from sync.hub.feeds.tables import feed_rows
    from sync.hub.records import dumps

    t = feed_rows.c
    last = ""
    while True:
        page = conn.execute(
            select(t.row_key, t.data)
            .where(t.row_key > last, t.data.like('%": %'))
            .order_by(t.row_key)
            .limit(5000)
        ).all()
        if not page:
            return
        changed = [(dumps(json.loads(d)), k) for k, d in page]
        changed = [(new, k) for (new, k), (_k, d) in zip(changed, page, strict=True) if new != d]
        if changed:
            conn.execute(
                feed_rows.update()
                .where(t.row_key == bindparam("key"))
                .values(data=bindparam("new")),
                [{"new": new, "key": k} for new, k in changed],
            )
        last = page[-1][0]


STEPS: tuple[Step, ...] = (
    Step(1, "offices, devices, records, idempotency log", _v1_core),
    Step(2, "content-addressed attachments with resumable chunks", _v2_attachments),
    Step(3, "economic-check jobs (delayed check_report)", _v3_check_jobs),
    Step(
        4,
        "device codes, one case per number, record links (a case travels whole)",
        _v4_numbers_and_links,
    ),
    Step(5, "low-income registry, department feeds, comparison runs, warnings", _v5_discovery),
    Step(
        6,
        "upload declarations by device (stale ones expire), device revocation",
        _v6_upload_declarations,
    ),
    Step(7, "each device's audit-chain checkpoints", audit_chain.create_tables),
    Step(8, "person identity: one live person per ID number, merges", _v8_person_identity),
    Step(9, "the city's policy table (市级政策参数)", city_policy.create_tables),
    Step(10, "district supervision of overdue visit problems", _v10_problem_escalations),
    Step(11, "feed rows indexed by kind; pgcrypto for the SQL feed import", _v11_feed_import),
    Step(
        12,
        "verified audit-chain heads; each device's audit events indexed",
        audit_chain.create_heads,
    ),
    Step(
        13, "feed rows' evidence in compact JSON (warnings are built in SQL)", _v13_compact_evidence
    ),
    Step(14, "the city policy table's seeded source notes in Chinese", _v14_policy_sources),
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
