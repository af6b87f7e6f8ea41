"""Bulk outbox entries for batch services (the monthly run): applications changed by plain SQL
get the entries ``UnitOfWork.record`` would give them — full payload, office scope, base rev,
folded into a still-pending entry — built by SQLite itself in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Connection, DateTime

from desktop.services.base import ENTITY_NAMES
from desktop.store.models import Application, Fixed2

_LOCAL = {"rev", "dirty", "created_at", "updated_at"}

# A random RFC 4122 version-4 UUID as text from a per-row random hex string ``h`` (a plain
# expression, not a sub-select, which SQLite would evaluate once for all rows).
_UUID4 = (
    "substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12)"
)
# Office codes of the two offices, sorted and without duplicates (UnitOfWork.scope_of).
_OFFICES = (
    "CASE WHEN r.code = k.code THEN json_array(r.code) WHEN r.code < k.code "
    "THEN json_array(r.code, k.code) ELSE json_array(k.code, r.code) END"
)


def _json_value(column: Any) -> str:
    """SQL for one column's value exactly as ``payload_of`` renders it in JSON."""
    c = f'a."{column.name}"'
    kind = column.type
    if isinstance(kind, Fixed2):
        return (
            f"CASE WHEN {c} IS NULL THEN NULL ELSE printf('%s%d.%02d', "
            f"CASE WHEN {c} < 0 THEN '-' ELSE '' END, abs({c}) / 100, abs({c}) % 100) END"
        )
    if isinstance(kind, Boolean):
        return f"json(CASE WHEN {c} IS NULL THEN 'null' WHEN {c} THEN 'true' ELSE 'false' END)"
    if isinstance(kind, JSON):
        return f"json({c})"
    if isinstance(kind, DateTime):
        return f"replace(substr({c}, 1, 19), ' ', 'T')"
    return c


def payload_sql(model: Any = Application) -> str:
    """A ``json_object(...)`` expression over alias ``a`` giving the row's synced payload."""
    parts = [
        f"'{col.key}', {_json_value(col)}"
        for col in model.__table__.columns
        if col.key not in _LOCAL
    ]
    return "json_object(" + ", ".join(parts) + ")"


_SOURCE = (
    "FROM applications a JOIN offices r ON r.id = a.residence_office_id "
    "JOIN offices k ON k.id = a.hukou_office_id WHERE a.id IN ({ids})"
)


def queue_applications(conn: Connection, ids_sql: str, params: tuple[Any, ...] = ()) -> int:
    """One outbox entry per application whose id ``ids_sql`` (a sub-select) yields; an unsent
    entry of the same application is updated instead, keeping its idempotency key. Returns
    the number of applications queued. Each payload is built once, into a temporary table."""
    entity = ENTITY_NAMES["applications"]
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.queued_payloads")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE queued_payloads AS SELECT a.id AS aid, NULLIF(a.rev, 0) AS base_rev, "
        f"{payload_sql()} AS payload, {_OFFICES} AS offices {_SOURCE.format(ids=ids_sql)}",
        params,
    )
    try:
        folded = conn.exec_driver_sql(
            "UPDATE outbox SET payload = p.payload, offices = p.offices, op = 'upsert' "
            "FROM temp.queued_payloads p WHERE outbox.entity_id = p.aid "
            "AND outbox.state = 'pending'"
        ).rowcount
        added = conn.exec_driver_sql(
            "INSERT INTO outbox (change_id, entity, entity_id, op, base_rev, payload, offices, "
            f"state, attempts, last_error) SELECT {_UUID4}, '{entity}', aid, 'upsert', "
            "base_rev, payload, offices, 'pending', 0, '' FROM (SELECT p.*, "
            "lower(hex(randomblob(16))) AS h FROM temp.queued_payloads p WHERE NOT EXISTS "
            "(SELECT 1 FROM outbox o WHERE o.entity_id = p.aid AND o.state = 'pending'))"
        ).rowcount
    finally:
        conn.exec_driver_sql("DROP TABLE IF EXISTS temp.queued_payloads")
    return int(folded) + int(added)
