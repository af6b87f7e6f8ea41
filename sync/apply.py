"""Applying one pulled page to the local store in bulk (Core executemany, no ORM objects).

Echoes of what the store already holds (same or newer rev) are skipped; a record with a local
edit not yet on the hub is never overwritten: it becomes a conflict. Tombstones soft-delete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from desktop.services.payment_status import upgrade_application_payload
from desktop.store.models import new_id
from sync.conflicts import BASE_UPSERT, record_conflict
from sync.wire import Codec, codec_for, dumps

CHUNK = 500
AUDIT_INSERT = (
    "INSERT OR IGNORE INTO audit_events (id, at, user_id, actor_name, role, office_id, action, "
    "entity, entity_id, summary, data) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)"
)
OFFICE_INSERT = (
    "INSERT OR IGNORE INTO offices (id, rev, dirty, deleted, code, name, district, region_code, "
    "phone, address) VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class PageStats:
    """What applying one page did."""

    applied: int = 0
    skipped: int = 0
    deleted: int = 0
    conflicts: int = 0
    downloads: list[str] = field(default_factory=list)


class OfficeMap:
    """Office code ⇄ local id; an office code never seen before gets a placeholder row."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.ids = {c: i for i, c in conn.exec_driver_sql("SELECT id, code FROM offices")}

    def id_for(self, code: str) -> str:
        found = self.ids.get(code)
        if found is not None:
            return found
        if code in self.ids.values():  # already a local id (payload written by an old desk)
            return code
        oid = new_id()
        self.conn.exec_driver_sql(
            OFFICE_INSERT, (oid, 0, code, f"街道（{code}）", "", code[:6], "", "")
        )
        self.ids[code] = oid
        return oid


def _local_state(
    conn: Connection, table: str, ids: list[str], columns: str = "rev, dirty"
) -> dict[str, tuple[int, int]]:
    state: dict[str, tuple[int, int]] = {}
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        marks = ",".join("?" for _ in part)
        sql = f"SELECT id, {columns} FROM {table} WHERE id IN ({marks})"
        for rid, rev, dirty in conn.exec_driver_sql(sql, tuple(part)):
            state[rid] = (rev, dirty)
    return state


def _apply_synced(
    conn: Connection,
    codec: Codec,
    records: list[dict[str, Any]],
    offices: OfficeMap,
    stats: PageStats,
    has_file: Callable[[str], bool],
) -> None:
    state = _local_state(conn, codec.table.name, [r["id"] for r in records])
    rows: list[tuple] = []
    bases: list[tuple] = []
    for rec in records:
        rid, rev = rec["id"], rec["rev"]
        local = state.get(rid)
        if local is not None and local[0] >= rev:
            stats.skipped += 1  # an echo of our own change, or a duplicate delivery
            continue
        if local is not None and local[1]:
            stats.conflicts += record_conflict(
                conn,
                entity=codec.entity,
                rid=rid,
                remote=rec["payload"],
                remote_rev=rev,
                remote_deleted=rec["deleted"],
                remote_offices=rec["offices"],
                source="pull",
            )
            continue
        payload = rec["payload"]
        if codec.entity == "application":
            payload = upgrade_application_payload(payload)
        rows.append(codec.db_row(rid, rev, rec["deleted"], payload, offices.id_for))
        bases.append((codec.entity, rid, rev, dumps(payload)))
        state[rid] = (rev, 0)
        if rec["deleted"]:
            stats.deleted += 1
        elif codec.entity == "document":
            sha = payload.get("sha256") or ""
            if sha and not has_file(sha):
                stats.downloads.append(sha)
    if rows:
        conn.exec_driver_sql(codec.upsert_sql, rows)  # type: ignore[arg-type]
        conn.exec_driver_sql(BASE_UPSERT, bases)  # type: ignore[arg-type]
    stats.applied += len(rows)


def _apply_audit(
    conn: Connection, records: list[dict[str, Any]], offices: OfficeMap, stats: PageStats
) -> None:
    known = _local_state(conn, "audit_events", [r["id"] for r in records], "0, 0")
    rows = []
    for rec in records:
        if rec["id"] in known:
            stats.skipped += 1  # our own event coming back, or one pulled before
            continue
        p = rec["payload"]
        office = p.get("office_code")
        rows.append(
            (
                rec["id"],
                str(p.get("at", "")).replace("T", " "),
                str(p.get("actor_name", ""))[:40],
                str(p.get("role", ""))[:20],
                offices.id_for(office) if office else None,
                str(p.get("action", ""))[:40],
                str(p.get("entity", ""))[:30],
                str(p.get("entity_id", ""))[:36],
                str(p.get("summary", ""))[:300],
                dumps(p.get("data") or {}),
            )
        )
    if rows:
        conn.exec_driver_sql(AUDIT_INSERT, rows)  # type: ignore[arg-type]
    stats.applied += len(rows)


def _apply_offices(conn: Connection, records: list[dict[str, Any]], offices: OfficeMap) -> int:
    """Offices are matched by code: a known code keeps its local row."""
    added = 0
    for rec in records:
        p = rec["payload"]
        code = str(p.get("code", ""))
        if not code or code in offices.ids:
            continue
        conn.exec_driver_sql(
            OFFICE_INSERT,
            (
                rec["id"],
                rec["rev"],
                code,
                str(p.get("name", code)),
                str(p.get("district", "")),
                str(p.get("region_code", code[:6])),
                str(p.get("phone", "")),
                str(p.get("address", "")),
            ),
        )
        offices.ids[code] = rec["id"]
        added += 1
    return added


def apply_page(
    conn: Connection, records: list[dict[str, Any]], has_file: Callable[[str], bool]
) -> PageStats:
    """Apply one page inside the caller's transaction; return what happened."""
    offices = OfficeMap(conn)
    stats = PageStats()
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        groups.setdefault(rec["entity"], []).append(rec)
    if "office" in groups:
        stats.applied += _apply_offices(conn, groups.pop("office"), offices)
    for entity, recs in groups.items():
        codec = codec_for(entity)
        if entity == "audit_event":
            _apply_audit(conn, recs, offices, stats)
        elif codec is not None:
            _apply_synced(conn, codec, recs, offices, stats, has_file)
        else:
            stats.skipped += len(recs)  # entities the desk does not keep (visits, meta …)
    return stats
