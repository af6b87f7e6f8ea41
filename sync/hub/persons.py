"""Person identity across devices: one live person per ID number, decided by the hub.

The first person record the hub receives for an ID number holds it (``hub_person_ids``). A
later record of the same number in the same household (the same family member typed offline
on two desks) is merged: it is stored as a tombstone whose payload names the survivor
(``merged_into``), every record referring to it is rewritten to the survivor, and the answer
to the push says so. A later record in another household is kept but answered with
``duplicate_of``: the desk opens a conflict for a person to resolve.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Connection, select

from sync.hub import db

PERSON = "person"
#: Payload fields that refer to a person, by entity.
PERSON_REFS: dict[str, str] = {"income_item": "person_id", "application": "applicant_id"}


def normalise(number: Any) -> str:
    """An ID number as compared: trimmed, upper-case check digit ('' if not text)."""
    return number.strip().upper() if isinstance(number, str) else ""


def holders(conn: Connection, numbers: list[str]) -> dict[str, str]:
    """ID number → the person id holding it, for the numbers given."""
    t = db.person_ids.c
    found: dict[str, str] = {}
    for i in range(0, len(numbers), 500):
        query = select(t.id_number, t.person_id).where(t.id_number.in_(numbers[i : i + 500]))
        found.update({str(n): str(p) for n, p in conn.execute(query)})
    return found


def merges(conn: Connection, ids: list[str]) -> dict[str, str]:
    """Merged person id → survivor id, for the ids given that were merged."""
    t = db.person_merges.c
    found: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        query = select(t.merged_id, t.survivor_id).where(t.merged_id.in_(ids[i : i + 500]))
        found.update({str(m): str(s) for m, s in conn.execute(query)})
    return found


def survivor(merged: dict[str, str], person_id: str) -> str:
    """The live person a (possibly merged) person id stands for, following chains."""
    seen = {person_id}
    while person_id in merged and merged[person_id] not in seen:
        person_id = merged[person_id]
        seen.add(person_id)
    return person_id


def rewrite_refs(entity: str, payload: dict[str, Any], merged: dict[str, str]) -> bool:
    """Point a payload's person reference at the survivor; True when it changed."""
    key = PERSON_REFS.get(entity)
    value = payload.get(key) if key else None
    if key is None or not isinstance(value, str) or value not in merged:
        return False
    payload[key] = survivor(merged, value)
    return True


def write(
    conn: Connection, index: dict[str, str], new_merges: list[tuple[str, str, str, str]]
) -> None:
    """Store new holders (number → person) and merges (merged, survivor, number, household)."""
    if index:
        sql = (
            "INSERT INTO hub_person_ids (id_number, person_id) VALUES (%s, %s) "
            "ON CONFLICT (id_number) DO UPDATE SET person_id = excluded.person_id"
        )
        _many(conn, sql, sorted(index.items()))
    if new_merges:
        now = time.time()
        sql = (
            "INSERT INTO hub_person_merges (merged_id, survivor_id, id_number, household_id, at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (merged_id) DO UPDATE SET "
            "survivor_id = excluded.survivor_id"
        )
        _many(conn, sql, [(*m, now) for m in new_merges])


def _many(conn: Connection, sql: str, rows: list[tuple]) -> None:
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    if conn.dialect.name == "sqlite":
        sql = sql.replace("%s", "?")
    cur.executemany(sql, rows)
    cur.close()


def index_stored(conn: Connection) -> None:
    """Fill ``hub_person_ids`` from the stored persons: the earliest live record holds."""
    t = db.records.c
    held: dict[str, str] = {}
    rows = conn.execute(
        select(t.id, t.payload).where(t.entity == PERSON, t.deleted.is_(False)).order_by(t.seq)
    ).yield_per(2000)
    for rid, text in rows:
        number = normalise(json.loads(text).get("id_number"))
        if number:
            held.setdefault(number, str(rid))
    write(conn, held, [])
