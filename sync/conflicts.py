"""Recording conflicts: the base, local and hub versions of a record, kept until resolved."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, Table, select, text, update
from sqlalchemy.orm import Session

from desktop.store.models import new_id
from desktop.store.outbox import payload_of
from desktop.store.sync_models import SyncConflict
from sync.codecs import LOCAL_ENTITIES, codec_for

_conflicts: Table = SyncConflict.__table__  # type: ignore[assignment]
BASE_UPSERT = (
    "INSERT INTO sync_base (entity, id, rev, payload) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(entity, id) DO UPDATE SET rev = excluded.rev, payload = excluded.payload"
)
#: ``BASE_UPSERT`` of many base copies, given as one JSON array of [entity, id, rev, payload]
#: (the payload as an object: SQLite keeps its compact JSON text).
BASE_BULK_UPSERT = (
    "INSERT INTO sync_base (entity, id, rev, payload) "
    "SELECT value ->> 0, value ->> 1, value ->> 2, value -> 3 FROM json_each(?) WHERE true "
    "ON CONFLICT(entity, id) DO UPDATE SET rev = excluded.rev, payload = excluded.payload"
)


def office_codes(conn: Connection) -> dict[str, str]:
    """Local office id → office code."""
    return {i: c for i, c in conn.exec_driver_sql("SELECT id, code FROM offices")}


def local_wire(conn: Connection, entity: str, rid: str) -> dict[str, Any] | None:
    """The local row of a record as a wire payload (office codes), or None."""
    model = LOCAL_ENTITIES.get(entity)
    codec = codec_for(entity)
    if model is None or codec is None:
        return None
    with Session(bind=conn) as session:
        obj = session.get(model, rid)
        if obj is None:
            return None
        return codec.to_wire(payload_of(obj), office_codes(conn))


def base_of(conn: Connection, entity: str, rid: str) -> dict[str, Any] | None:
    """The last version both sides agreed on, if known."""
    raw = conn.execute(
        text("SELECT payload FROM sync_base WHERE entity = :e AND id = :i"), {"e": entity, "i": rid}
    ).scalar()
    return None if raw is None else orjson.loads(raw)


def record_conflict(
    conn: Connection,
    *,
    entity: str,
    rid: str,
    remote: dict[str, Any] | None,
    remote_rev: int,
    remote_deleted: bool,
    remote_offices: list[str],
    source: str,
    change_id: str | None = None,
    local: dict[str, Any] | None = None,
) -> bool:
    """Open (or refresh) the conflict of a record; True when it is new. Nothing is overwritten."""
    local = local if local is not None else local_wire(conn, entity, rid)
    values = {
        "remote": remote,
        "remote_rev": remote_rev,
        "remote_deleted": remote_deleted,
        "remote_offices": list(remote_offices),
        "local": local or {},
        "base": base_of(conn, entity, rid),
        "source": source,
    }
    existing = conn.execute(
        select(_conflicts.c.id, _conflicts.c.change_id).where(
            _conflicts.c.entity == entity,
            _conflicts.c.entity_id == rid,
            _conflicts.c.status == "open",
        )
    ).first()
    if existing is not None:
        values["change_id"] = change_id or existing.change_id
        conn.execute(update(_conflicts).where(_conflicts.c.id == existing.id).values(**values))
        return False
    cid = new_id()
    conn.execute(
        _conflicts.insert().values(
            id=cid,
            entity=entity,
            entity_id=rid,
            change_id=change_id,
            status="open",
            resolved_by="",
            **values,
        )
    )
    return True
