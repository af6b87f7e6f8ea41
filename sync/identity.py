"""Applying the hub's person merges on the desk: one live person per ID number.

The hub merges a person registered on two devices (same ID number, same household) into the
record it received first (docs/sync-protocol.md, "Person identity"). The desk learns it from
the push answer (``merged_into``) or from the pulled tombstone; either way it tombstones the
merged record (pointing at the survivor), rewrites every local reference and every unsent
change to the survivor, and writes one audit line on the household. Both records' audit
events stay, so the survivor's history includes the merged record's.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection

from desktop.domain.ids import mask_id
from desktop.store.outbox import UNSENT, sql_in

MERGE_NOTICE = "同一身份证号在两台终端登记，已合并为一人"
MERGE_ACTION = "merge_person"
#: Local columns that refer to a person: (table, column, outbox entity).
PERSON_REFS = (
    ("income_items", "person_id", "income_item"),
    ("applications", "applicant_id", "application"),
)
_NAMESPACE = uuid.UUID("5b0f3f36-6c1e-4d52-9a55-1f3c8f0e2a71")
_AUDIT = (
    "INSERT OR IGNORE INTO audit_events (id, at, user_id, actor_name, role, office_id, action, "
    "entity, entity_id, summary, data) VALUES (?, ?, NULL, '市级平台', 'sync', NULL, ?, "
    "'household', ?, ?, ?)"
)


def merge_audit_id(merged_id: str) -> str:
    """The id of the household's audit line of one merge (the same on every application)."""
    return str(uuid.uuid5(_NAMESPACE, f"merge:{merged_id}"))


def apply_merge(conn: Connection, merged_id: str, survivor_id: str) -> str | None:
    """Merge ``merged_id`` into ``survivor_id`` in the local store (inside the caller's
    transaction, foreign keys off); the Chinese notice when this desk had not applied it yet."""
    if merged_id == survivor_id:
        return None
    conn.exec_driver_sql(
        "UPDATE persons SET deleted = 1, merged_into = ? WHERE id = ?", (survivor_id, merged_id)
    )
    for table, column, entity in PERSON_REFS:
        conn.exec_driver_sql(
            f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (survivor_id, merged_id)
        )
        conn.exec_driver_sql(
            f"UPDATE outbox SET payload = json_set(payload, '$.{column}', ?) "
            f"WHERE entity = ? AND state IN {sql_in(UNSENT)} "
            f"AND json_extract(payload, '$.{column}') = ?",
            (survivor_id, entity, merged_id),
        )
    row = conn.exec_driver_sql(
        "SELECT household_id, name, id_number FROM persons WHERE id IN (?, ?) ORDER BY id = ? DESC",
        (survivor_id, merged_id, survivor_id),
    ).first()
    if row is None:
        return None
    household_id, name, number = row
    summary = f"{MERGE_NOTICE}：{name}（{mask_id(number)}）"
    data = (
        '{"merged_id":"%s","survivor_id":"%s"}' % (merged_id, survivor_id)  # noqa: UP031
    )
    done = conn.exec_driver_sql(
        _AUDIT,
        (
            merge_audit_id(merged_id),
            datetime.now().isoformat(sep=" ", timespec="seconds"),
            MERGE_ACTION,
            household_id,
            summary[:300],
            data,
        ),
    )
    return summary if done.rowcount else None
