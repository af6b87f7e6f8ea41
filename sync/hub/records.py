"""Push (apply a batch of changes with rev checks, scope and idempotency) and pull (pages).

A push is one write transaction: every change is decided in memory against the records as
they were plus the earlier changes of the same batch, then all rows are written in bulk.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError as PydanticError
from sqlalchemy import Connection, select

from sync.hub import db, numbers, persons
from sync.hub.accounts import Device
from sync.hub.fastpush import PushedChange
from sync.protocol import (
    APPEND_ONLY_ENTITIES,
    APPLICATION,
    ATTACHMENT_META,
    CHECK_REQUEST,
    HUB_ENTITIES,
    MAX_PAYLOAD_BYTES,
    PARENT_KEYS,
    REJECT_REASONS,
    SHA256_RE,
    CheckRequestPayload,
)
from sync.schema import payload_problem

Change = PushedChange
#: Entities whose ``office_code`` names the office that made them (only that office may send).
SPEAKS_FOR_OFFICE = frozenset({"audit_event", "timeline_event"})
# One change's answer as sent: always these keys, in this order (the PushResponse shape).
Result = dict[str, Any]
_RESULT_KEYS = (
    "change_id",
    "entity",
    "id",
    "status",
    "rev",
    "current",
    "reason",
    "message",
    "merged_into",
    "duplicate_of",
)


def dumps(value: Any) -> str:
    """Compact JSON text as stored and sent (UTF-8, no spaces)."""
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits and the like
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _result(change: Change, status: str, **more: Any) -> Result:
    out: Result = dict.fromkeys(_RESULT_KEYS)
    out["change_id"], out["entity"], out["id"], out["status"] = (
        change.change_id,
        change.entity,
        change.id,
        status,
    )
    out.update(more)
    return out


def stored_result(text: str) -> Result:
    """A logged answer read back (older hubs logged it with pydantic: same keys)."""
    found = orjson.loads(text)
    return {k: found.get(k) for k in _RESULT_KEYS}


def results_body(results: list[Result]) -> bytes:
    """The PushResponse JSON for ``results``."""
    return b'{"v":1,"results":' + orjson.dumps(results) + b"}"


@dataclass
class Row:
    """A record as the batch sees it: stored state plus this batch's edits."""

    rev: int
    deleted: bool
    payload: str
    offices: list[str]
    stored: bool  # a row exists in hub_records (update rather than insert)
    stored_offices: frozenset[str] = frozenset()
    dirty: bool = False


@dataclass
class Batch:
    """Everything one push decides before writing."""

    device: Device
    known_offices: frozenset[str]
    rows: dict[tuple[str, str], Row | None] = field(default_factory=dict)
    logged: list[tuple[str, str, str]] = field(default_factory=list)
    applied: list[tuple[Change, str]] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)  # case number → application id
    new_numbers: dict[str, str] = field(default_factory=dict)
    links: set[tuple[str, str, str, str]] = field(default_factory=set)
    person_ids: dict[str, str] = field(default_factory=dict)  # ID number → holding person
    new_person_ids: dict[str, str] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)  # merged person → survivor
    new_merges: list[tuple[str, str, str, str]] = field(default_factory=list)


def parent_key(entity: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    """The record a record is bound to (its case, document, request or household), if any."""
    for key, parent in PARENT_KEYS:
        value = payload.get(key)
        if isinstance(value, str) and value and parent != entity:
            return parent, value
    return None


def _reject(change: Change, reason: str, detail: str | None = None) -> Result:
    message = REJECT_REASONS[reason] + (f"：{detail}" if detail else "")
    return _result(change, "rejected", reason=reason, message=message)


def _load_rows(conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Row | None]:
    """The stored rows for ``keys``, in the order given (the order seqs are handed out)."""
    rows: dict[tuple[str, str], Row | None] = dict.fromkeys(keys)
    t = db.records.c
    by_entity: dict[str, list[str]] = {}
    for entity, rid in keys:
        by_entity.setdefault(entity, []).append(rid)
    for entity, ids in by_entity.items():  # entity = ? AND id IN (...) uses the primary key
        for i in range(0, len(ids), 500):
            query = select(t.id, t.rev, t.deleted, t.payload, t.offices).where(
                t.entity == entity, t.id.in_(ids[i : i + 500])
            )
            for rid, rev, deleted, payload, offices in conn.execute(query):
                office_list = json.loads(offices)
                rows[(entity, rid)] = Row(
                    rev, bool(deleted), payload, office_list, True, frozenset(office_list)
                )
    return rows


def _load_logged(conn: Connection, changes: list[Change]) -> dict[str, tuple[str, str]]:
    ids = sorted({str(c.change_id) for c in changes})
    t = db.applied_changes.c
    found: dict[str, tuple[str, str]] = {}
    for i in range(0, len(ids), 500):
        query = select(t.change_id, t.device_id, t.result).where(t.change_id.in_(ids[i : i + 500]))
        for change_id, device_id, result in conn.execute(query):
            found[change_id] = (device_id, result)
    return found


def _check_payload(change: Change, text: str) -> Result | None:
    if len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        return _reject(change, "payload_too_large")
    if change.op == "delete":
        return None
    if change.entity == CHECK_REQUEST:
        try:
            CheckRequestPayload.model_validate(change.payload)
        except PydanticError as exc:
            where = ".".join(str(p) for p in exc.errors()[0]["loc"])
            return _reject(change, "invalid_payload", f"核对申请的“{where}”不正确")
    if change.entity == ATTACHMENT_META:
        sha = change.payload.get("sha256")
        if not isinstance(sha, str) or not SHA256_RE.match(sha):
            return _reject(change, "invalid_payload", "附件信息缺少有效的 sha256")
    problem = payload_problem(change.entity, change.payload)
    if problem is not None:
        return _reject(change, "invalid_payload", problem)
    return None


def _authority_problem(batch: Batch, change: Change) -> Result | None:
    """An office speaks only for itself: its audit events and timeline steps name it."""
    if change.entity not in SPEAKS_FOR_OFFICE or change.op != "upsert":
        return None
    claimed = change.payload.get("office_code")
    if claimed not in (None, "", batch.device.office_code):
        return _reject(change, "out_of_scope", f"记录署名的街道{claimed}不是本机所属街道")
    return None


def _refusal(
    batch: Batch, change: Change, row: Row | None, parent: Row | None, text: str
) -> Result | None:
    office = batch.device.office_code
    if change.entity in HUB_ENTITIES:
        return _reject(change, "read_only_entity")
    unknown = [c for c in change.offices if c not in batch.known_offices]
    if unknown:
        return _reject(change, "unknown_office", "、".join(unknown))
    if office not in change.offices or (row is not None and office not in row.offices):
        return _reject(change, "out_of_scope")
    if parent is not None and office not in parent.offices:  # the case is another office's
        return _reject(change, "out_of_scope")
    if change.entity in APPEND_ONLY_ENTITIES and change.op == "delete":
        return _reject(change, "append_only")
    return (
        _check_payload(change, text)
        or _authority_problem(batch, change)
        or _check_number(batch, change)
    )


def _check_number(batch: Batch, change: Change) -> Result | None:
    """One case per number: a second case under a number the hub holds is refused."""
    if change.entity != APPLICATION or change.op != "upsert":
        return None
    number = change.payload.get("number")
    if not isinstance(number, str) or not number:
        return None
    holder = batch.numbers.get(number)
    if holder is not None and holder != str(change.id):
        return _reject(change, "duplicate_number", f"{number}，请在“同步”页查看")
    return None


def _note_number(batch: Batch, change: Change) -> None:
    number = change.payload.get("number")
    if change.entity == APPLICATION and isinstance(number, str) and number:
        if number not in batch.numbers:
            batch.new_numbers[number] = str(change.id)
        batch.numbers[number] = str(change.id)


def _union(old: list[str], new: list[str]) -> list[str]:
    return old + [c for c in new if c not in old]


def _identity(batch: Batch, change: Change) -> tuple[str, str] | None:
    """("merge" | "duplicate", holder id) when another live person holds this ID number."""
    if change.entity != persons.PERSON or change.op != "upsert":
        return None
    number = persons.normalise(change.payload.get("id_number"))
    holder = batch.person_ids.get(number) if number else None
    if holder is None or holder == str(change.id):
        return None
    row = batch.rows.get((persons.PERSON, holder))
    held = json.loads(row.payload) if row is not None else {}
    if row is None or row.deleted or persons.normalise(held.get("id_number")) != number:
        return None  # the holder was removed or renumbered: this record holds it now
    same = held.get("household_id") == change.payload.get("household_id")
    return ("merge" if same else "duplicate"), holder


def _note_person(batch: Batch, change: Change, identity: tuple[str, str] | None) -> None:
    if change.entity != persons.PERSON or change.op != "upsert":
        return
    number = persons.normalise(change.payload.get("id_number"))
    if identity is None and number and batch.person_ids.get(number) != str(change.id):
        batch.person_ids[number] = batch.new_person_ids[number] = str(change.id)
    elif identity is not None and identity[0] == "merge":
        household = str(change.payload.get("household_id") or "")
        batch.merged[str(change.id)] = identity[1]
        batch.new_merges.append((str(change.id), identity[1], number, household))


def _decide(batch: Batch, change: Change, text: str) -> Result:
    key = (change.entity, str(change.id))
    row = batch.rows[key]
    link = parent_key(change.entity, change.payload) if change.op == "upsert" else None
    parent = batch.rows.get(link) if link is not None else None
    refused = _refusal(batch, change, row, parent, text)
    if refused is not None:
        return refused
    if change.op == "upsert" and persons.rewrite_refs(change.entity, change.payload, batch.merged):
        text = dumps(change.payload)  # it named a person merged into another
    identity = _identity(batch, change)
    deleted = change.op == "delete"
    if identity is not None and identity[0] == "merge":
        change.payload["merged_into"] = identity[1]
        text, deleted = dumps(change.payload), True
    # a record bound to a case travels to the case's offices, whatever the sender listed
    sent = _union(list(dict.fromkeys(change.offices)), parent.offices if parent else [])
    if row is None:
        if change.base_rev is not None and change.entity not in APPEND_ONLY_ENTITIES:
            return _result(change, "conflict")
        row = Row(1, deleted, text, sent, False)
        row.dirty = True
        batch.rows[key] = row
    elif change.entity in APPEND_ONLY_ENTITIES:
        offices = _union(row.offices, sent)
        if offices != row.offices:  # hand-over of an immutable record: only offices grow
            row.offices, row.rev, row.dirty = offices, row.rev + 1, True
    elif change.base_rev != row.rev:
        current = {
            "rev": row.rev,
            "deleted": row.deleted,
            "payload": json.loads(row.payload),
            "offices": row.offices,
        }
        return _result(change, "conflict", current=current)
    else:
        row.rev, row.deleted, row.dirty = row.rev + 1, deleted, True
        row.payload = text if change.op == "upsert" else row.payload
        row.offices = _union(row.offices, sent)
    if link is not None:
        batch.links.add((link[0], link[1], change.entity, str(change.id)))
    _note_number(batch, change)
    _note_person(batch, change, identity)
    batch.applied.append((change, text))
    if identity is None:
        return _result(change, "applied", rev=row.rev)
    if identity[0] == "merge":
        return _result(change, "applied", rev=row.rev, merged_into=identity[1])
    holder = batch.rows[(persons.PERSON, identity[1])]
    assert holder is not None
    held = json.loads(holder.payload)
    if batch.device.office_code not in holder.offices:  # another office's family: no data
        held = {"id_number": held.get("id_number"), "household_id": held.get("household_id")}
    current = {"rev": holder.rev, "deleted": holder.deleted, "payload": held, "offices": []}
    return _result(change, "applied", rev=row.rev, duplicate_of=identity[1], current=current)


def _decide_all(conn: Connection, batch: Batch, changes: list[Change]) -> list[Result]:
    logged = _load_logged(conn, changes)
    keys = [(c.entity, str(c.id)) for c in changes]
    parents = [parent_key(c.entity, c.payload) for c in changes if c.op == "upsert"]
    keys += [p for p in parents if p is not None]
    batch.rows = _load_rows(conn, list(dict.fromkeys(keys)))
    wanted = [
        c.payload["number"]
        for c in changes
        if c.entity == APPLICATION and isinstance(c.payload.get("number"), str)
    ]
    batch.numbers = numbers.holders(conn, list(dict.fromkeys(wanted)))
    _load_identities(conn, batch, changes)
    seen: dict[str, Result] = {}
    results: list[Result] = []
    for change in changes:
        cid = str(change.change_id)
        if cid in seen:
            results.append(seen[cid])
            continue
        if cid in logged:
            device_id, stored = logged[cid]
            if device_id == batch.device.id:
                result = stored_result(stored)
            else:
                result = _reject(change, "duplicate_change_id")
        else:
            result = _decide(batch, change, dumps(change.payload))
            if result["status"] != "conflict":  # a conflict is re-evaluated on replay
                batch.logged.append((cid, batch.device.id, dumps(result)))
        seen[cid] = result
        results.append(result)
    return results


def _load_identities(conn: Connection, batch: Batch, changes: list[Change]) -> None:
    """The holders of the batch's ID numbers (with their rows) and the merged persons named."""
    wanted = [
        persons.normalise(c.payload.get("id_number"))
        for c in changes
        if c.entity == persons.PERSON and c.op == "upsert"
    ]
    batch.person_ids = persons.holders(conn, [n for n in dict.fromkeys(wanted) if n])
    missing = [
        (persons.PERSON, p)
        for p in set(batch.person_ids.values())
        if (persons.PERSON, p) not in batch.rows
    ]
    batch.rows.update(_load_rows(conn, missing))
    named = [
        c.payload.get(persons.PERSON_REFS[c.entity])
        for c in changes
        if c.entity in persons.PERSON_REFS and c.op == "upsert"
    ]
    batch.merged = persons.merges(conn, [n for n in dict.fromkeys(named) if isinstance(n, str)])


def _rewrite_stored_refs(conn: Connection, batch: Batch) -> None:
    """Records of the merged persons' households that still name a merged person point at the
    survivor now (a new rev, so every desk pulls the rewrite)."""
    households = list(dict.fromkeys(("household", h) for _m, _s, _n, h in batch.new_merges if h))
    if not households:
        return
    children = [c for _p, c in _children(conn, households) if c[0] in persons.PERSON_REFS]
    missing = [c for c in dict.fromkeys(children) if c not in batch.rows]
    batch.rows.update(_load_rows(conn, missing))
    for key in dict.fromkeys(children):
        row = batch.rows.get(key)
        if row is None:
            continue
        payload = json.loads(row.payload)
        if persons.rewrite_refs(key[0], payload, batch.merged):
            row.payload, row.rev, row.dirty = dumps(payload), row.rev + 1, True


def _many(conn: Connection, sql: str, rows: list[tuple]) -> None:
    """executemany on the DBAPI cursor of this transaction (SQLAlchemy's is ~5x slower here)."""
    if not rows:
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    if conn.dialect.name == "sqlite":
        sql = sql.replace("%s", "?")
    cur.executemany(sql, rows)
    cur.close()


def write_rows(conn: Connection, rows: dict[tuple[str, str], Row], who: str | None) -> None:
    """Write the dirty rows of a batch with fresh seqs, and move their office-index rows."""
    dirty = [(k, r) for k, r in rows.items() if r.dirty]
    if not dirty:
        return
    seq = db.next_seqs(conn, len(dirty))
    now = time.time()
    inserts: list[tuple] = []
    updates: list[tuple] = []
    moves: list[tuple] = []
    office_rows: list[tuple] = []
    for n, ((entity, rid), row) in enumerate(dirty):
        offices = dumps(row.offices)
        if row.stored:
            updates.append(
                (row.rev, row.deleted, row.payload, offices, seq + n, now, who, entity, rid)
            )
            moves.append((seq + n, entity, rid))
        else:
            inserts.append(
                (entity, rid, row.rev, row.deleted, row.payload, offices, seq + n, now, who)
            )
        office_rows.extend(
            (office, seq + n, entity, rid)
            for office in row.offices
            if office not in row.stored_offices
        )
    # existing office rows move to the new seq first, then the new offices are added
    _many(conn, "UPDATE hub_record_offices SET seq = %s WHERE entity = %s AND id = %s", moves)
    _many(
        conn,
        "UPDATE hub_records SET rev = %s, deleted = %s, payload = %s, offices = %s, seq = %s, "
        "updated_at = %s, updated_by = %s WHERE entity = %s AND id = %s",
        updates,
    )
    _many(
        conn,
        "INSERT INTO hub_records (entity, id, rev, deleted, payload, offices, seq, updated_at, "
        "updated_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        inserts,
    )
    _many(
        conn,
        "INSERT INTO hub_record_offices (office_code, seq, entity, id) VALUES (%s, %s, %s, %s)",
        office_rows,
    )


def push(
    database: db.Database, device: Device, changes: list[Change], check_due_at: float
) -> tuple[list[Result], list[tuple[Change, str]]]:
    """Apply a batch; return one result per change and the (change, payload) pairs applied.

    ``check_due_at`` is when the reports of check requests in the batch become due.
    """
    with database.write() as conn:
        known = frozenset(conn.execute(select(db.offices.c.code)).scalars())
        batch = Batch(device=device, known_offices=known)
        results = _decide_all(conn, batch, changes)
        _rewrite_stored_refs(conn, batch)
        persons.write(conn, batch.new_person_ids, batch.new_merges)
        rows = {k: v for k, v in batch.rows.items() if v is not None}
        _write_links(conn, batch.links)
        follow_parents(conn, rows)
        batch.rows.update(rows)
        write_rows(conn, rows, device.id)
        _write_numbers(conn, batch.new_numbers)
        _many(
            conn,
            "INSERT INTO hub_applied_changes (change_id, device_id, result) VALUES (%s, %s, %s)",
            batch.logged,
        )
        _after_apply(conn, batch, check_due_at)
    return results, batch.applied


def _after_apply(conn: Connection, batch: Batch, check_due_at: float) -> None:
    """Side effects inside the push transaction: attachment grants and check jobs."""
    from sync.hub import attachments, checks  # local: both modules import this one

    for change, _text in batch.applied:
        row = batch.rows[(change.entity, str(change.id))]
        assert row is not None
        if change.entity == CHECK_REQUEST and change.op == "upsert":
            checks.schedule(conn, str(change.id), row.rev, check_due_at)
    for (entity, _rid), row in batch.rows.items():  # pushed or reached by a hand-over
        if entity == ATTACHMENT_META and row is not None and row.dirty:
            sha = json.loads(row.payload).get("sha256")
            if isinstance(sha, str) and SHA256_RE.match(sha):
                attachments.share_through_records(conn, sha)


def _write_links(conn: Connection, links: set[tuple[str, str, str, str]]) -> None:
    _many(
        conn,
        "INSERT INTO hub_record_links (parent_entity, parent_id, entity, id) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
        sorted(links),
    )


def _write_numbers(conn: Connection, found: dict[str, str]) -> None:
    rows = numbers.insert_rows(found)
    if rows:
        conn.execute(db.case_numbers.insert(), rows)


def _children(
    conn: Connection, parents: list[tuple[str, str]]
) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """(parent key, child key) of every record bound to one of ``parents``."""
    t = db.record_links.c
    out: list[tuple[tuple[str, str], tuple[str, str]]] = []
    by_entity: dict[str, list[str]] = {}
    for entity, rid in parents:
        by_entity.setdefault(entity, []).append(rid)
    for entity, ids in by_entity.items():
        for i in range(0, len(ids), 500):
            query = select(t.parent_id, t.entity, t.id).where(
                t.parent_entity == entity, t.parent_id.in_(ids[i : i + 500])
            )
            out.extend(((entity, str(p)), (str(e), str(r))) for p, e, r in conn.execute(query))
    return out


def follow_parents(conn: Connection, rows: dict[tuple[str, str], Row]) -> None:
    """Hand-over reaches the whole case: a record whose offices grew passes the new offices
    to every record bound to it (documents, survey, timeline, members …), level by level."""
    grown = [k for k, r in rows.items() if r.dirty and set(r.offices) - r.stored_offices]
    seen: set[tuple[str, str]] = set()
    while grown:
        seen.update(grown)
        pairs = [(p, c) for p, c in _children(conn, grown) if c not in seen]
        missing = list(dict.fromkeys(c for _p, c in pairs if c not in rows))
        rows.update({k: v for k, v in _load_rows(conn, missing).items() if v is not None})
        nxt: list[tuple[str, str]] = []
        for pkey, ckey in pairs:
            child = rows.get(ckey)
            if child is None:
                continue
            offices = _union(child.offices, rows[pkey].offices)
            if offices == child.offices:
                continue
            # same rev: only the offices grow (an edit in flight elsewhere stays no conflict);
            # the new seq brings the record to the new office's next pull
            child.offices, child.dirty = offices, True
            nxt.append(ckey)
        grown = list(dict.fromkeys(nxt))


def upsert_hub_records(conn: Connection, items: list[tuple[str, str, str, list[str]]]) -> int:
    """Write records the hub itself produces (reports, warnings): (entity, id, payload, offices).

    An unchanged record (same payload, no new office) is left alone; returns how many changed.
    """
    rows = _load_rows(conn, list(dict.fromkeys((e, i) for e, i, _p, _o in items)))
    changed = 0
    links: set[tuple[str, str, str, str]] = set()
    for entity, rid, payload, offices in items:
        parent = parent_key(entity, json.loads(payload))
        if parent is not None:  # a report follows its request to a new office
            links.add((parent[0], parent[1], entity, rid))
        row = rows[(entity, rid)]
        if row is None:
            rows[(entity, rid)] = Row(1, False, payload, list(offices), False, dirty=True)
        elif row.payload != payload or row.deleted or set(offices) - set(row.offices):
            row.rev, row.deleted, row.payload, row.dirty = row.rev + 1, False, payload, True
            row.offices = _union(row.offices, offices)
        else:
            continue
        changed += 1
    _write_links(conn, links)
    write_rows(conn, {k: v for k, v in rows.items() if v is not None}, None)
    return changed


def pull_page(database: db.Database, office_code: str, cursor: int, limit: int) -> bytes:
    """One pull page as ready-to-send JSON bytes (payloads are spliced in, not re-encoded)."""
    sql = (
        "SELECT r.entity, r.id, r.rev, r.deleted, r.payload, r.offices, ro.seq "
        "FROM hub_record_offices ro JOIN hub_records r ON r.entity = ro.entity AND r.id = ro.id "
        "WHERE ro.office_code = %s AND ro.seq > %s ORDER BY ro.seq LIMIT %s"
    )
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        params = (office_code, cursor, limit + 1)
        cur.execute(sql.replace("%s", "?") if database.is_sqlite else sql, params)
        rows = cur.fetchall()
        cur.close()
    has_more = len(rows) > limit
    rows = rows[:limit]
    parts = [
        f'{{"entity":"{e}","id":"{i}","rev":{rev},"deleted":{"true" if d else "false"},'
        f'"payload":{p},"offices":{o}}}'
        for e, i, rev, d, p, o, _s in rows
    ]
    next_cursor = rows[-1][6] if rows else cursor
    more = "true" if has_more else "false"
    body = f'{{"v":1,"records":[{",".join(parts)}],"cursor":"{next_cursor}","has_more":{more}}}'
    return body.encode("utf-8")


def rejected_changes(database: db.Database, limit: int = 100) -> list[tuple[str, Result]]:
    """Changes the hub refused (quarantined, never applied): (device id, answer), at most
    ``limit``. The answer names the entity, the record and the reason in Chinese."""
    t = db.applied_changes.c
    out: list[tuple[str, Result]] = []
    with database.read() as conn:
        query = select(t.device_id, t.result).where(t.result.like('%"status":"rejected"%'))
        for device_id, text in conn.execute(query.limit(limit)):
            out.append((device_id, stored_result(text)))
    return out


_STAGE = "hub_publish_rows"  # the records of one publication, decided (state, stored rev)
_ITEMS = "hub_publish_items"  # the records given from Python, before they are decided
_SEQS = "hub_publish_seqs"  # (ord, seq) of the records written, when ords are not dense
_CHANGED = "hub_publish_changed"  # stored records that change: new rev and offices
_TABLES = (
    (_ITEMS, "ord BIGINT NOT NULL, entity VARCHAR(40) NOT NULL, id VARCHAR(36) NOT NULL, "
     "payload TEXT NOT NULL, offices TEXT NOT NULL"),
    (_STAGE, "ord BIGINT NOT NULL, entity VARCHAR(40) NOT NULL, id VARCHAR(36) NOT NULL, "
     "payload TEXT NOT NULL, offices TEXT NOT NULL, state SMALLINT NOT NULL, rev INTEGER, "
     "stored TEXT"),
    (_SEQS, "ord BIGINT NOT NULL, seq BIGINT NOT NULL"),
    (_CHANGED, "ord BIGINT NOT NULL, rev INTEGER NOT NULL, new_offices TEXT NOT NULL, "
     "add_offices TEXT NOT NULL"),
)  # fmt: skip
_PARENT_NEEDLES = tuple(f'"{key}"' for key, _parent in PARENT_KEYS)


def empty_table(cur: Any, sqlite: bool, table: str) -> None:
    """Empty a temporary table inside a transaction (TRUNCATE on PostgreSQL: no dead rows)."""
    cur.execute(f"DELETE FROM {table}" if sqlite else f"TRUNCATE {table}")


def _publish_cursor(conn: Connection) -> Any:
    """This transaction's DBAPI cursor with the (empty) temporary tables of one publication."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    sqlite = conn.dialect.name == "sqlite"
    if not sqlite:  # its estimates over the temporary tables are far off: compiling each
        cur.execute("SET LOCAL jit = off")  # statement cost more than running it
    for table, columns in _TABLES:
        cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({columns})")
        empty_table(cur, sqlite, table)
    return cur


def publish_hub_records(conn: Connection, items: list[tuple[str, str, str, list[str]]]) -> int:
    """``upsert_hub_records`` set-based, for the hub's large publications (warnings, registry
    persons): the records are staged in a temporary table (COPY on PostgreSQL) and compared,
    inserted and updated by a few statements. Same rows, revs, offices and seq order as the
    record-by-record path (tests/sync/test_publish_bulk.py); returns how many changed."""
    keys = [(e, i) for e, i, _p, _o in items]
    if len(set(keys)) != len(keys):  # one record twice: the record-by-record path decides
        return upsert_hub_records(conn, items)
    links: set[tuple[str, str, str, str]] = set()
    staged: list[tuple] = []
    for n, (entity, rid, payload, offices) in enumerate(items):
        if any(needle in payload for needle in _PARENT_NEEDLES):
            parent = parent_key(entity, json.loads(payload))
            if parent is not None:
                links.add((parent[0], parent[1], entity, rid))
        staged.append((n, entity, rid, payload, dumps(list(offices))))
    _write_links(conn, links)
    if not staged:
        return 0
    cur = _publish_cursor(conn)
    columns = "ord, entity, id, payload, offices"
    if conn.dialect.name == "sqlite":
        cur.executemany(f"INSERT INTO {_ITEMS} ({columns}) VALUES (?, ?, ?, ?, ?)", staged)
    else:
        with cur.copy(f"COPY {_ITEMS} ({columns}) FROM STDIN") as copy:
            for r in staged:
                copy.write_row(r)
    try:
        return _publish_staged(conn, cur, f"SELECT {columns} FROM {_ITEMS}")
    finally:
        empty_table(cur, conn.dialect.name == "sqlite", _ITEMS)
        cur.close()


def publish_selected(conn: Connection, source: str) -> int:
    """``publish_hub_records`` of the records a query gives, without them passing through
    Python: ``source`` (no placeholders; values inlined as literals) selects ``ord, entity,
    id, payload, offices`` (the offices as a JSON list text) from one table, one row per
    record, ``ord`` giving the seq order. For records bound to no parent (warnings, registry
    persons): no record link is written."""
    cur = _publish_cursor(conn)
    try:
        return _publish_staged(conn, cur, source)
    finally:
        cur.close()


def _publish_staged(conn: Connection, cur: Any, source: str) -> int:
    """Decide and write the records ``source`` selects: each payload is written once into the
    stage and once into hub_records; a stored record is compared in the same statement."""
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        not_covered = (
            "EXISTS (SELECT 1 FROM json_each(s.offices) j "
            "WHERE j.value NOT IN (SELECT value FROM json_each(r.offices)))"
        )
    else:
        not_covered = "NOT (r.offices::jsonb @> s.offices::jsonb)"
        # one index look-up per record: whatever the temporary table's estimate, never a
        # hash of every stored record of the entity
        cur.execute("SET LOCAL enable_hashjoin = off")
        cur.execute("SET LOCAL enable_mergejoin = off")
    # 1 new, 2 stored and its payload, deletion or offices differ (as upsert_hub_records
    # decides), 0 unchanged (its payload is not kept)
    changed = f"r.deleted OR r.payload <> s.payload OR (r.offices <> s.offices AND {not_covered})"
    cur.execute(
        f"INSERT INTO {_STAGE} (ord, entity, id, payload, offices, state, rev, stored) "
        "SELECT s.ord, s.entity, s.id, CASE WHEN r.id IS NULL OR "
        f"{changed} THEN s.payload ELSE '' END, s.offices, CASE WHEN r.id IS NULL THEN 1 "
        f"WHEN {changed} THEN 2 ELSE 0 END, r.rev, r.offices "
        f"FROM ({source}) s LEFT JOIN hub_records r ON r.entity = s.entity AND r.id = s.id"
    )
    if not sqlite:
        cur.execute("SET LOCAL enable_hashjoin = on")
        cur.execute("SET LOCAL enable_mergejoin = on")
    p = "?" if sqlite else "%s"
    cur.execute(
        "SELECT COUNT(*), SUM(CASE WHEN state = 0 THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN state = 2 THEN 1 ELSE 0 END), MIN(ord), MAX(ord) FROM {_STAGE}"
    )
    staged, unchanged, n_changed, low, high = cur.fetchone()
    changed_rows = []
    if n_changed:
        cur.execute(f"SELECT ord, rev, stored, offices FROM {_STAGE} WHERE state = 2")
        for ord_, rev, stored, sent in cur.fetchall():
            old = json.loads(stored)
            offices = _union(old, json.loads(sent))
            added = [o for o in offices if o not in set(old)]
            changed_rows.append((ord_, rev + 1, dumps(offices), dumps(added)))
        cur.executemany(f"INSERT INTO {_CHANGED} VALUES ({p}, {p}, {p}, {p})", changed_rows)
    dirty = int(staged or 0) - int(unchanged or 0)
    if dirty:
        first = db.next_seqs(conn, dirty)
        if not unchanged and int(high) - int(low) + 1 == int(staged):
            # every record is written and the ords are dense: seq follows from ord
            seq, seqs = f"(s.ord + {int(first) - int(low)})", ""
        else:  # the n-th written record (in ord order) gets the n-th seq
            cur.execute(
                f"INSERT INTO {_SEQS} (ord, seq) SELECT ord, row_number() OVER (ORDER BY ord) "
                f"+ {int(first) - 1} FROM {_STAGE} WHERE state > 0"
            )
            seq, seqs = "q.seq", f" JOIN {_SEQS} q ON q.ord = s.ord"
        now = time.time()
        if changed_rows:
            cur.execute(
                f"UPDATE hub_record_offices SET seq = {seq} FROM {_STAGE} s{seqs} "
                "WHERE s.state = 2 AND hub_record_offices.entity = s.entity "
                "AND hub_record_offices.id = s.id"
            )
            cur.execute(
                f"UPDATE hub_records SET rev = c.rev, deleted = {p}, payload = s.payload, "
                f"offices = c.new_offices, seq = {seq}, updated_at = {p}, updated_by = NULL "
                f"FROM {_STAGE} s JOIN {_CHANGED} c ON c.ord = s.ord{seqs} WHERE s.state = 2 "
                "AND hub_records.entity = s.entity AND hub_records.id = s.id",
                (False, now),
            )
        cur.execute(
            "INSERT INTO hub_records (entity, id, rev, deleted, payload, offices, seq, "
            f"updated_at, updated_by) SELECT s.entity, s.id, 1, {p}, s.payload, s.offices, "
            f"{seq}, {p}, NULL FROM {_STAGE} s{seqs} WHERE s.state = 1",
            (False, now),
        )
        each = "json_each({0}) o" if sqlite else "json_array_elements_text({0}::json) o"
        cur.execute(
            "INSERT INTO hub_record_offices (office_code, seq, entity, id) "
            f"SELECT o.value, {seq}, s.entity, s.id FROM {_STAGE} s{seqs}, "
            f"{each.format('s.offices')} WHERE s.state = 1"
        )
        if changed_rows:
            cur.execute(
                "INSERT INTO hub_record_offices (office_code, seq, entity, id) "
                f"SELECT o.value, {seq}, s.entity, s.id FROM {_STAGE} s JOIN {_CHANGED} c "
                f"ON c.ord = s.ord{seqs}, {each.format('c.add_offices')}"
            )
    for table in (_STAGE, _SEQS, _CHANGED):
        empty_table(cur, sqlite, table)
    return dirty
