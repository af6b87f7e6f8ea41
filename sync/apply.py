"""Applying one pulled page to the local store in bulk (one SQL statement per entity, no ORM).

Echoes of what the store already holds (same or newer rev) are skipped; a record with a local
edit not yet on the hub is never overwritten: it becomes a conflict. Tombstones soft-delete.
A record that fails the entity's schema is quarantined (kept by id and reason, not applied).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from desktop.domain.payment_status import upgrade_application_payload
from desktop.domain.workflow import ACTIONS
from desktop.store.models import new_id
from sync.codecs import Codec, codec_for, dumps
from sync.conflicts import BASE_BULK_UPSERT, record_conflict
from sync.identity import apply_merge
from sync.schema import record_problem
from sync.state import QUARANTINE

CHUNK = 500
AUDIT_INSERT = (
    "INSERT OR IGNORE INTO audit_events (id, at, user_id, actor_name, role, office_id, action, "
    "entity, entity_id, summary, data) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)"
)
OFFICE_INSERT = (
    "INSERT OR IGNORE INTO offices (id, rev, dirty, deleted, code, name, district, region_code, "
    "phone, address) VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?, ?)"
)
TIMELINE_INSERT = (
    'INSERT INTO case_events (id, application_id, seq, at, "on", action, label, from_state, '
    "to_state, actor_name, role, office_code, side, data) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
#: Settings key of pulled records held back (e.g. a case number this desk already uses).
HELD_RECORDS = "sync.held_records"
#: Settings key of pulled records refused as invalid (newest last, at most QUARANTINE_KEEP).
QUARANTINE_KEEP = 500
PLACEHOLDER_NAME = "街道（{code}）"


@dataclass
class PageStats:
    """What applying one page did."""

    applied: int = 0
    skipped: int = 0
    deleted: int = 0
    conflicts: int = 0
    downloads: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # Chinese reason per record held back
    quarantined: list[str] = field(default_factory=list)  # Chinese reason per record refused
    merged: list[str] = field(default_factory=list)  # Chinese notice per person merge applied


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
            OFFICE_INSERT, (oid, 0, code, PLACEHOLDER_NAME.format(code=code), "", code[:6], "", "")
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
    merges: list[tuple[str, str]] = []
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
        bases.append((codec.entity, rid, rev, payload))
        state[rid] = (rev, 0)
        if rec["deleted"]:
            stats.deleted += 1
            if codec.entity == "person" and payload.get("merged_into"):
                merges.append((rid, str(payload["merged_into"])))
        elif codec.entity == "document":
            sha = payload.get("sha256") or ""
            if sha and not has_file(sha):
                stats.downloads.append(sha)
    if rows:  # one statement each, stepped by SQLite without the interpreter lock
        conn.exec_driver_sql(codec.bulk_upsert_sql, (orjson.dumps(rows),))
        conn.exec_driver_sql(BASE_BULK_UPSERT, (orjson.dumps(bases),))
    stats.applied += len(rows)
    for merged_id, survivor_id in merges:  # after the rows: the survivor may be in this page
        notice = apply_merge(conn, merged_id, survivor_id)
        if notice is not None:
            stats.merged.append(notice)


def _number_clashes(conn: Connection, records: list[dict[str, Any]]) -> dict[str, str]:
    """Pulled cases whose number another local case already has: record id → number."""
    wanted = {
        r["id"]: r["payload"].get("number")
        for r in records
        if not r["deleted"] and isinstance(r["payload"].get("number"), str)
    }
    if not wanted:
        return {}
    numbers = list(set(wanted.values()))
    taken: dict[str, str] = {}
    for i in range(0, len(numbers), CHUNK):
        part = numbers[i : i + CHUNK]
        marks = ",".join("?" for _ in part)
        sql = f"SELECT number, id FROM applications WHERE number IN ({marks})"
        taken.update({n: rid for n, rid in conn.exec_driver_sql(sql, tuple(part))})
    return {
        rid: number for rid, number in wanted.items() if number in taken and taken[number] != rid
    }


def _apply_timeline(conn: Connection, records: list[dict[str, Any]], stats: PageStats) -> None:
    """Timeline events (办理记录) of cases, also those another office took: kept by id; a
    step numbered like one already here (both offices acted at once) goes after it."""
    known = _local_state(conn, "case_events", [r["id"] for r in records], "0, 0")
    fresh = [r for r in records if r["id"] not in known and not r["deleted"]]
    stats.skipped += len(records) - len(fresh)
    if not fresh:
        return
    apps = list({str(r["payload"].get("application_id", "")) for r in fresh})
    used: dict[str, set[int]] = {a: set() for a in apps}
    for i in range(0, len(apps), CHUNK):
        part = apps[i : i + CHUNK]
        marks = ",".join("?" for _ in part)
        sql = f"SELECT application_id, seq FROM case_events WHERE application_id IN ({marks})"
        for app_id, seq in conn.exec_driver_sql(sql, tuple(part)):
            used[app_id].add(int(seq))
    rows = []
    for rec in sorted(fresh, key=lambda r: (str(r["payload"].get("at", "")), r["id"])):
        p = rec["payload"]
        app_id = str(p.get("application_id", ""))
        seq = int(p.get("seq") or 0)
        if seq < 1 or seq in used[app_id]:
            seq = max(used[app_id], default=0) + 1
        used[app_id].add(seq)
        action = str(p.get("action", ""))
        spec = ACTIONS.get(action)
        label = str(p.get("label") or (spec.label_cn if spec else action))
        rows.append(
            (
                rec["id"], app_id, seq, str(p.get("at", "")).replace("T", " "),
                str(p.get("on", ""))[:10], action[:30], label[:40], p.get("from_state"),
                str(p.get("to_state", "")), str(p.get("actor_name", ""))[:40],
                str(p.get("role", ""))[:20], str(p.get("office_code", ""))[:12],
                str(p.get("side", ""))[:10], dumps(p.get("data") or {}),
            )
        )  # fmt: skip
    conn.exec_driver_sql(TIMELINE_INSERT, rows)  # type: ignore[arg-type]
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


def apply_directory(conn: Connection, entries: list[dict[str, Any]]) -> int:
    """The hub's office directory: names and districts of every office, by code. A code the
    desk knows (placeholder or not) takes the hub's name; an unknown code gets a row."""
    offices = OfficeMap(conn)
    local = {
        code: (name, district)
        for code, name, district in conn.exec_driver_sql("SELECT code, name, district FROM offices")
    }
    changed = 0
    for entry in entries:
        code, name = str(entry.get("code", "")), str(entry.get("name", "")).strip()
        district = str(entry.get("district", "")).strip()
        if not code or not name or local.get(code) == (name, district):
            continue
        if code not in local:
            offices.id_for(code)
        conn.exec_driver_sql(
            "UPDATE offices SET name = ?, district = ? WHERE code = ?",
            (name[:60], district[:20], code),
        )
        changed += 1
    return changed


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


def quarantined(conn: Connection) -> list[dict[str, Any]]:
    """Pulled records refused as invalid: entity, id, rev, reason, at (newest last)."""
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (QUARANTINE,)).first()
    return list(orjson.loads(row[0])) if row else []


def _quarantine(conn: Connection, bad: list[tuple[Any, str]]) -> list[str]:
    """Keep the refused records' identity and reason (never their content) in the settings."""
    now = datetime.now().isoformat(timespec="seconds")
    entries = quarantined(conn)
    reasons = []
    for rec, reason in bad:
        ident = rec if isinstance(rec, dict) else {}
        entity, rid = str(ident.get("entity", "?"))[:40], str(ident.get("id", "?"))[:40]
        rev = ident.get("rev") if type(ident.get("rev")) is int else None
        rev = rev if rev is None or abs(rev) < 2**63 else None
        entries.append({"entity": entity, "id": rid, "rev": rev, "reason": reason, "at": now})
        reasons.append(f"收到的记录（{entity} {rid[:8]}）内容不正确，已隔离：{reason}")
    conn.exec_driver_sql(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (QUARANTINE, dumps(entries[-QUARANTINE_KEEP:])),
    )
    return reasons


@dataclass
class Screened:
    """One page checked before the writer takes it: the records fit to apply, and those
    refused with their reasons."""

    good: list[dict[str, Any]]
    bad: list[tuple[Any, str]]


def screen(records: list[Any]) -> Screened:
    """Check a pulled page's records (``sync.schema``); touches no store, so the pull runs it
    on the fetch thread while the writer applies the page before."""
    good: list[dict[str, Any]] = []
    bad: list[tuple[Any, str]] = []
    for rec in records:
        problem = record_problem(rec)
        if problem is None:
            good.append(rec)
        else:
            bad.append((rec, problem))
    return Screened(good, bad)


def _held(conn: Connection) -> list[dict[str, Any]]:
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (HELD_RECORDS,)).first()
    return list(orjson.loads(row[0])) if row else []


def _hold(conn: Connection, records: list[dict[str, Any]]) -> None:
    conn.exec_driver_sql(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (HELD_RECORDS, dumps(records)),
    )


def _with_held(
    conn: Connection, records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], bool]:
    """Records held back by an earlier page go first (a newer revision in this page wins)."""
    held = _held(conn)
    if not held:
        return records, False
    here = {(r["entity"], r["id"]) for r in records}
    return [r for r in held if (r["entity"], r["id"]) not in here] + records, True


def apply_page(conn: Connection, checked: Screened, has_file: Callable[[str], bool]) -> PageStats:
    """Apply one page inside the caller's transaction; return what happened.

    A case whose number another local case holds is held back (never a failed page): it
    waits in the settings with its reason and is tried again with every later page. A record
    that is not valid for its entity (``sync.schema``) is quarantined with its reason and the
    rest of the page applies. The page comes checked by ``screen``.
    """
    offices = OfficeMap(conn)
    stats = PageStats()
    if checked.bad:
        stats.quarantined = _quarantine(conn, checked.bad)
    fit, had_held = _with_held(conn, checked.good)
    groups: dict[str, list[dict[str, Any]]] = {}
    for rec in fit:
        groups.setdefault(rec["entity"], []).append(rec)
    held: list[dict[str, Any]] = []
    if "application" in groups:
        clashes = _number_clashes(conn, groups["application"])
        held = [r for r in groups["application"] if r["id"] in clashes]
        groups["application"] = [r for r in groups["application"] if r["id"] not in clashes]
        stats.held = [
            f"案件编号{number}与本机另一案件相同，市级平台的该案件暂未接收"
            for number in clashes.values()
        ]
    if held or had_held:
        _hold(conn, held)
    if "office" in groups:
        stats.applied += _apply_offices(conn, groups.pop("office"), offices)
    for entity, recs in groups.items():
        codec = codec_for(entity)
        if entity == "audit_event":
            _apply_audit(conn, recs, offices, stats)
        elif entity == "timeline_event":
            _apply_timeline(conn, recs, stats)
        elif codec is not None:
            _apply_synced(conn, codec, recs, offices, stats, has_file)
        else:
            stats.skipped += len(recs)  # entities the desk does not keep (visits, meta …)
    return stats
