"""The push side of the outbox: take a batch, record the hub's answer per entry, rebase.

Entry states are ``desktop.store.outbox.OutboxState``. At most one entry of a record goes in a batch, so a later edit is sent
only after the earlier one is applied and the later one rebased onto the new rev.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection

from desktop.store.outbox import UNSENT, WAITING, OutboxState, sql_in
from desktop.store.store import Store
from sync.codecs import codec_for, dumps
from sync.conflicts import BASE_UPSERT, local_wire, record_conflict
from sync.identity import apply_merge
from sync.state import relaxed

CONFLICT_MESSAGE = "与市级平台上的版本冲突，请在“同步”页逐项处理"


@dataclass
class Entry:
    """One outbox entry as it is sent."""

    seq: int
    change_id: str
    entity: str
    entity_id: str
    op: str
    base_rev: int | None
    payload: dict[str, Any]
    offices: list[str]


@dataclass
class PushCounts:
    """What one batch's answer did locally."""

    applied: int = 0
    conflicts: int = 0
    rejected: int = 0
    recreated: int = 0
    reasons: list[str] = field(default_factory=list)  # Chinese reason of each rejection
    merged: list[str] = field(default_factory=list)  # Chinese notice of each person merged


def _in(ids: list[Any]) -> str:
    return ",".join("?" for _ in ids)


def take_batch(store: Store, limit: int, held: set[str]) -> list[Entry]:
    """Mark up to ``limit`` sendable entries ``sent`` (one per record) and return them."""
    with store.engine.connect() as conn:
        sendable = conn.exec_driver_sql(
            f"SELECT 1 FROM outbox WHERE state IN {sql_in(UNSENT)} LIMIT 1"
        ).first()
    if sendable is None:
        return []
    with relaxed(store) as conn:
        blocked = {
            r[0]
            for r in conn.exec_driver_sql(
                f"SELECT DISTINCT entity_id FROM outbox WHERE state = '{OutboxState.CONFLICT}'"
            )
        }
        blocked |= held
        chosen: list[int] = []
        seen: set[str] = set()
        for seq, entity_id in conn.exec_driver_sql(
            f"SELECT seq, entity_id FROM outbox WHERE state IN {sql_in(UNSENT)} ORDER BY seq"
        ):
            if entity_id in seen or entity_id in blocked:
                seen.add(entity_id)
                continue
            seen.add(entity_id)
            chosen.append(seq)
            if len(chosen) >= limit:
                break
        entries: list[Entry] = []
        for i in range(0, len(chosen), 500):
            part = chosen[i : i + 500]
            rows = conn.exec_driver_sql(
                "SELECT seq, change_id, entity, entity_id, op, base_rev, payload, offices "
                f"FROM outbox WHERE seq IN ({_in(part)}) ORDER BY seq",
                tuple(part),
            )
            entries.extend(
                Entry(s, c, e, i_, o, b, orjson.loads(p), orjson.loads(f))
                for s, c, e, i_, o, b, p, f in rows
            )
            conn.exec_driver_sql(
                f"UPDATE outbox SET state = '{OutboxState.SENT}', attempts = attempts + 1 "
                f"WHERE seq IN ({_in(part)})",
                tuple(part),
            )
    return entries


def wire_changes(entries: list[Entry], office_codes: dict[str, str]) -> list[dict[str, Any]]:
    """The ``changes`` of a push request (payload office references as codes)."""
    out = []
    for e in entries:
        codec = codec_for(e.entity)
        payload = codec.to_wire(e.payload, office_codes) if codec is not None else e.payload
        out.append(
            {
                "change_id": e.change_id,
                "entity": e.entity,
                "id": e.entity_id,
                "base_rev": e.base_rev,
                "op": e.op,
                "payload": payload,
                "offices": e.offices,
            }
        )
    return out


def release(store: Store, entries: list[Entry], message: str) -> None:
    """The hub refused the whole request (applied nothing): back to pending, with the reason."""
    with relaxed(store) as conn:
        conn.exec_driver_sql(
            f"UPDATE outbox SET state = '{OutboxState.PENDING}', last_error = ? WHERE seq = ?",
            [(message, e.seq) for e in entries],  # type: ignore[arg-type]
        )


def note_error(store: Store, entries: list[Entry], message: str) -> None:
    """No answer came (network): entries stay ``sent`` and are resent next time."""
    with relaxed(store) as conn:
        conn.exec_driver_sql(
            "UPDATE outbox SET last_error = ? WHERE seq = ?",
            [(message, e.seq) for e in entries],  # type: ignore[arg-type]
        )


def reject(store: Store, entry: Entry, message: str) -> None:
    """Quarantine one entry with a Chinese reason (it stays visible, nothing else waits)."""
    with relaxed(store) as conn:
        conn.exec_driver_sql(
            f"UPDATE outbox SET state = '{OutboxState.REJECTED}', last_error = ? WHERE seq = ?",
            (message, entry.seq),
        )


def _applied(conn: Connection, done: list[tuple[Entry, int, dict[str, Any]]]) -> None:
    conn.exec_driver_sql(
        f"UPDATE outbox SET state = '{OutboxState.APPLIED}', last_error = '' WHERE seq = ?",
        [(e.seq,) for e, _r, _p in done],  # type: ignore[arg-type]
    )
    conn.exec_driver_sql(
        "UPDATE outbox SET base_rev = ? WHERE entity_id = ? "
        f"AND state = '{OutboxState.PENDING}' AND seq > ?",
        [(rev, e.entity_id, e.seq) for e, rev, _p in done],  # type: ignore[arg-type]
    )
    by_table: dict[str, list[tuple]] = {}
    bases: list[tuple] = []
    for e, rev, payload in done:
        codec = codec_for(e.entity)
        if codec is None:
            continue
        by_table.setdefault(codec.table.name, []).append((rev, e.entity_id))
        bases.append((e.entity, e.entity_id, rev, dumps(payload)))
    for table, rows in by_table.items():
        conn.exec_driver_sql(
            f"UPDATE {table} SET rev = MAX(rev, ?), dirty = EXISTS(SELECT 1 FROM outbox o "
            f"WHERE o.entity_id = {table}.id AND o.state IN {sql_in(WAITING)}) "
            "WHERE id = ?",
            rows,  # type: ignore[arg-type]
        )
    if bases:
        conn.exec_driver_sql(BASE_UPSERT, bases)  # type: ignore[arg-type]


def _conflict(conn: Connection, entry: Entry, result: dict[str, Any], wire: dict) -> bool:
    """Record a conflict; False when the hub simply has no such record (resend as create)."""
    current = result.get("current")
    if current is None:
        conn.exec_driver_sql(
            f"UPDATE outbox SET state = '{OutboxState.PENDING}', base_rev = NULL WHERE seq = ?",
            (entry.seq,),
        )
        return False
    conn.exec_driver_sql(
        f"UPDATE outbox SET state = '{OutboxState.CONFLICT}', last_error = ? WHERE seq = ?",
        (CONFLICT_MESSAGE, entry.seq),
    )
    local = local_wire(conn, entry.entity, entry.entity_id) or wire["payload"]
    return record_conflict(
        conn,
        entity=entry.entity,
        rid=entry.entity_id,
        remote=current["payload"],
        remote_rev=current["rev"],
        remote_deleted=current["deleted"],
        remote_offices=current["offices"],
        source="push",
        change_id=entry.change_id,
        local=local,
    )


def _identity_conflict(conn: Connection, entry: Entry, result: dict[str, Any], wire: dict) -> bool:
    """Another household's person holds this ID number: a conflict for a person to resolve
    (the hub's version shown is that person's; taking its household merges the two)."""
    current = result["current"]
    local = local_wire(conn, entry.entity, entry.entity_id) or wire["payload"]
    return record_conflict(
        conn,
        entity=entry.entity,
        rid=entry.entity_id,
        remote={**local, **current["payload"]},  # all of it when the family is in scope
        remote_rev=int(result["rev"]),
        remote_deleted=False,
        remote_offices=current["offices"],
        source="identity",
        local=local,
    )


def record_results(
    store: Store,
    entries: list[Entry],
    wires: list[dict[str, Any]],
    results: list[dict[str, Any]],
) -> PushCounts:
    """Store the hub's answers (one per entry, in order) in one transaction."""
    counts = PushCounts()
    done: list[tuple[Entry, int, dict[str, Any]]] = []
    merges: list[tuple[str, str]] = []
    with relaxed(store, foreign_keys=False) as conn:  # a survivor may arrive with the pull
        rejected: list[tuple[str, int]] = []
        for entry, wire, res in zip(entries, wires, results, strict=True):
            status = res["status"]
            if status == "applied":
                done.append((entry, int(res["rev"]), wire["payload"]))
                if res.get("merged_into"):
                    merges.append((entry.entity_id, str(res["merged_into"])))
                elif res.get("duplicate_of") and res.get("current"):
                    counts.conflicts += _identity_conflict(conn, entry, res, wire)
            elif status == "rejected":
                reason = res.get("message") or res.get("reason") or "市级平台拒绝了该变更"
                rejected.append((str(reason), entry.seq))
            elif res.get("current") is None:
                _conflict(conn, entry, res, wire)
                counts.recreated += 1
            else:
                counts.conflicts += _conflict(conn, entry, res, wire)
        if done:
            _applied(conn, done)
        for merged_id, survivor_id in merges:
            notice = apply_merge(conn, merged_id, survivor_id)
            if notice is not None:
                counts.merged.append(notice)
        if rejected:
            conn.exec_driver_sql(
                f"UPDATE outbox SET state = '{OutboxState.REJECTED}', last_error = ? WHERE seq = ?",
                rejected,  # type: ignore[arg-type]
            )
    counts.applied = len(done)
    counts.rejected = len(rejected)
    counts.reasons = [reason for reason, _seq in rejected]
    return counts
