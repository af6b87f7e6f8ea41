"""Bulk writes for batch services (the monthly run): applications changed by plain SQL get the
same outbox entries ``UnitOfWork.record`` would give them (full payload, office scope, folding
into a pending entry), in the caller's transaction and at thousands of rows per second."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Connection

from desktop.services.base import ENTITY_NAMES
from desktop.store.models import Application, Fixed2

_LOCAL = {"rev", "dirty", "created_at", "updated_at"}
CHUNK = 5000


def _converter(column: Any) -> Callable[[Any], Any]:
    """Raw SQLite value → the JSON-safe value ``payload_of`` gives for this column."""
    kind = column.type
    if isinstance(kind, Fixed2):
        return lambda v: None if v is None else str(Decimal(v).scaleb(-2))
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    if isinstance(kind, JSON):
        return lambda v: None if v is None else json.loads(v)
    return lambda v: v.isoformat() if isinstance(v, date) else v


_APP_COLUMNS = [c for c in Application.__table__.columns if c.key not in _LOCAL]
_APP_CONVERT = [(c.key, _converter(c)) for c in _APP_COLUMNS]
_APP_SELECT = ", ".join(f'"{c.name}"' for c in _APP_COLUMNS)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def application_payloads(
    conn: Connection, ids: Sequence[str]
) -> dict[str, tuple[dict[str, Any], int]]:
    """Full synced payloads (and server revs) of the given applications, as they are now in
    the transaction."""
    out: dict[str, tuple[dict[str, Any], int]] = {}
    for part in _chunks(ids, 900):
        marks = ", ".join("?" * len(part))
        sql = f"SELECT rev, {_APP_SELECT} FROM applications WHERE id IN ({marks})"
        for rev, *row in conn.exec_driver_sql(sql, tuple(part)):
            payload = {key: conv(v) for (key, conv), v in zip(_APP_CONVERT, row, strict=True)}
            out[payload["id"]] = (payload, rev)
    return out


def queue_applications(
    conn: Connection, ids: Sequence[str], cancelled: Callable[[], bool] | None = None
) -> int:
    """One outbox entry per application id (an unsent entry is updated instead, keeping its
    idempotency key). Returns the number of entries written; stops early if ``cancelled``."""
    entity = ENTITY_NAMES["applications"]
    codes = dict(conn.exec_driver_sql("SELECT id, code FROM offices").all())
    pending = dict(
        conn.exec_driver_sql(
            "SELECT entity_id, seq FROM outbox WHERE state = 'pending' AND entity = ?", (entity,)
        ).all()
    )
    written = 0
    for part in _chunks(ids):
        if cancelled is not None and cancelled():
            return written
        payloads = application_payloads(conn, part)
        inserts, updates = [], []
        for app_id in part:
            p, rev = payloads[app_id]
            offices = json.dumps(
                sorted({codes[p["residence_office_id"]], codes[p["hukou_office_id"]]})
            )
            text = json.dumps(p)
            seq = pending.get(app_id)
            if seq is not None:
                updates.append((text, offices, seq))
            else:
                inserts.append((str(uuid.uuid4()), entity, app_id, rev or None, text, offices))
        if updates:
            conn.exec_driver_sql(
                "UPDATE outbox SET payload = ?, op = 'upsert', offices = ? WHERE seq = ?", updates
            )
        if inserts:
            conn.exec_driver_sql(
                "INSERT INTO outbox (change_id, entity, entity_id, op, base_rev, payload, "
                "offices, state, attempts, last_error) "
                "VALUES (?, ?, ?, 'upsert', ?, ?, ?, 'pending', 0, '')",
                inserts,
            )
        written += len(part)
    return written
