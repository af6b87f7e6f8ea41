"""The sync outbox: its entry states and the one place entries are written, row by row through
the ORM (services), in bulk by SQL (batch services) or on a plain connection (sync steps).

Entry states: ``pending`` → ``sent`` (in flight; resent with the same change_id if no answer
came) → ``applied`` / ``conflict`` (waits for a person) / ``rejected`` (quarantined with the
hub's Chinese reason). A still-pending entry of a record takes a later edit of the same record
(same idempotency key); append-only records are never folded.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, DateTime, select
from sqlalchemy.orm import Session

from desktop.store.models import LOCAL_COLUMNS, Application, Fixed2, OutboxEntry, Synced


class OutboxState(StrEnum):
    """Where an outbox entry is on its way to the hub."""

    PENDING = "pending"
    SENT = "sent"
    APPLIED = "applied"
    CONFLICT = "conflict"
    REJECTED = "rejected"


STATE_LABELS: dict[str, str] = {
    OutboxState.PENDING: "待发送",
    OutboxState.SENT: "已发送待确认",
    OutboxState.APPLIED: "已同步",
    OutboxState.CONFLICT: "版本冲突",
    OutboxState.REJECTED: "被拒绝",
}
"""Each state as the 同步 page names it."""

UNSENT = (OutboxState.PENDING, OutboxState.SENT)
"""Entries not yet on the hub (a ``sent`` one is resent when no answer came)."""
WAITING = (*UNSENT, OutboxState.CONFLICT)
"""Entries that keep their record ``dirty``: not on the hub, or waiting for a person."""


def sql_in(states: tuple[OutboxState, ...]) -> str:
    """The SQL list ``('pending', 'sent')`` of some states, for raw statements."""
    return "(" + ", ".join(f"'{s.value}'" for s in states) + ")"


ENTITY_NAMES = {
    "offices": "office",
    "households": "household",
    "persons": "person",
    "income_items": "income_item",
    "assets": "asset",
    "applications": "application",
    "documents": "document",
    "home_surveys": "home_survey",
    "check_requests": "check_request",
    "warning_disposals": "warning_disposal",
    "service_requests": "service_request",
    "home_visits": "home_visit",
    "visit_problems": "visit_problem",
    "support_policies": "support_policy",
    "support_partners": "support_partner",
    "referrals": "referral",
    "support_programmes": "support_programme",
    "programme_rosters": "programme_roster",
    "roster_lines": "roster_line",
    "purchased_services": "purchased_service",
    "service_records": "service_record",
}
"""Table name → entity name on the wire of each record a service queues with its row."""
APPEND_ONLY_ENTITIES = {"case_events": "timeline_event"}
"""Append-only records queued as they are (never folded, never updated)."""
AUDIT_ENTITY = "audit_event"


def json_safe(value: Any) -> Any:
    """Convert Decimal, date and datetime to strings for JSON payloads."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def payload_of(obj: Synced) -> dict[str, Any]:
    """The synced fields of a row as a JSON-safe dict."""
    table = obj.__table__  # type: ignore[attr-defined]
    return {
        c.key: json_safe(getattr(obj, c.key)) for c in table.columns if c.key not in LOCAL_COLUMNS
    }


def queue(
    session: Session,
    *,
    entity: str,
    entity_id: str,
    payload: dict[str, Any],
    offices: list[str],
    op: str = "upsert",
    base_rev: int | None = None,
    fold: bool = True,
    known: dict[str, OutboxEntry] | None = None,
) -> None:
    """Queue one change in the session's transaction; with ``fold`` an unsent (pending) entry
    of the same record takes the change instead, keeping its idempotency key. ``known``
    (from ``pending_entries``, for many records at once) stands for the look-up: every
    pending entry of those records, kept up to date here."""
    if fold:
        if known is None:
            pending = session.scalars(
                select(OutboxEntry).where(
                    OutboxEntry.entity_id == entity_id, OutboxEntry.state == OutboxState.PENDING
                )
            ).first()
        else:
            pending = known.get(entity_id)
        if pending is not None:
            pending.payload = payload
            pending.op = op
            pending.offices = offices
            return
    entry = OutboxEntry(
        entity=entity,
        entity_id=entity_id,
        op=op,
        base_rev=base_rev,
        payload=payload,
        offices=offices,
        state=OutboxState.PENDING,
    )
    session.add(entry)
    if fold and known is not None:
        known[entity_id] = entry


def pending_entries(session: Session, entity_ids: list[str]) -> dict[str, OutboxEntry]:
    """The first pending entry of each of these records (what ``queue`` would find), read at
    once (the session flushed first, as the single look-up's autoflush does)."""
    session.flush()
    out: dict[str, OutboxEntry] = {}
    for start in range(0, len(entity_ids), 500):
        part = entity_ids[start : start + 500]
        for entry in session.scalars(
            select(OutboxEntry)
            .where(OutboxEntry.entity_id.in_(part), OutboxEntry.state == OutboxState.PENDING)
            .order_by(OutboxEntry.seq)
        ):
            out.setdefault(entry.entity_id, entry)
    return out


def queue_on(
    conn: Connection,
    *,
    entity: str,
    entity_id: str,
    payload: dict[str, Any],
    offices: list[str] | str,
    op: str = "upsert",
    base_rev: int | None = None,
) -> None:
    """Queue one append-only change on a plain connection (a sync step's own transaction);
    ``offices`` may be the JSON text of an entry already queued."""
    scope = offices if isinstance(offices, str) else orjson.dumps(offices).decode()
    conn.exec_driver_sql(
        "INSERT INTO outbox (change_id, entity, entity_id, op, base_rev, payload, offices, "
        "state, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, '')",
        (
            str(uuid.uuid4()),
            entity,
            entity_id,
            op,
            base_rev,
            orjson.dumps(json_safe(payload)).decode(),
            scope,
            OutboxState.PENDING.value,
        ),
    )


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
    """A ``json_object(...)`` expression over alias ``a`` giving the row's synced payload
    (the same fields and renderings as ``payload_of``)."""
    parts = [
        f"'{col.key}', {_json_value(col)}"
        for col in model.__table__.columns
        if col.key not in LOCAL_COLUMNS
    ]
    return "json_object(" + ", ".join(parts) + ")"


_SOURCE = (
    "FROM applications a JOIN offices r ON r.id = a.residence_office_id "
    "JOIN offices k ON k.id = a.hukou_office_id WHERE a.id IN ({ids})"
)


def queue_applications(conn: Connection, ids_sql: str, params: tuple[Any, ...] = ()) -> int:
    """The bulk path (the monthly run): one entry per application whose id ``ids_sql`` (a
    sub-select) yields, with the payload, scope and base rev ``queue`` would give it, built by
    SQLite in the caller's transaction; a pending entry of the same application is folded.
    Returns the number of applications queued."""
    entity = ENTITY_NAMES["applications"]
    pending = OutboxState.PENDING.value
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
            f"AND outbox.state = '{pending}'"
        ).rowcount
        added = conn.exec_driver_sql(
            "INSERT INTO outbox (change_id, entity, entity_id, op, base_rev, payload, offices, "
            f"state, attempts, last_error) SELECT {_UUID4}, '{entity}', aid, 'upsert', "
            f"base_rev, payload, offices, '{pending}', 0, '' FROM (SELECT p.*, "
            "lower(hex(randomblob(16))) AS h FROM temp.queued_payloads p WHERE NOT EXISTS "
            f"(SELECT 1 FROM outbox o WHERE o.entity_id = p.aid AND o.state = '{pending}'))"
        ).rowcount
    finally:
        conn.exec_driver_sql("DROP TABLE IF EXISTS temp.queued_payloads")
    return int(folded) + int(added)
