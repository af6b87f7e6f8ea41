"""Device settings and sync state kept in the encrypted store's ``settings`` table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Connection, text

from desktop.store.store import Store

HUB_URL = "sync.hub_url"
DEVICE_ID = "sync.device_id"
DEVICE_NAME = "sync.device_name"
TOKEN = "sync.token"
OFFICE_CODE = "sync.office_code"
CURSOR = "sync.cursor"
LAST_SYNC_AT = "sync.last_sync_at"
LAST_RESULT = "sync.last_result"
PENDING_TOKEN = "sync.pending_token"  # the token of a registration not yet answered
QUARANTINE = "sync.quarantine"  # pulled records refused as invalid (sync.apply)
PENDING_DOWNLOADS = "sync.pending_downloads"

_UPSERT = (
    "INSERT INTO settings (key, value) VALUES (:k, :v) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
)


def get(store: Store, key: str, default: str | None = None) -> str | None:
    """One setting's text, or ``default``."""
    return get_many(store, [key]).get(key, default)


def get_many(store: Store, keys: list[str]) -> dict[str, str]:
    """The settings among ``keys`` that exist (one plain query: a no-op sync reads several)."""
    if not keys:
        return {}
    marks = ",".join("?" for _ in keys)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT key, value FROM settings WHERE key IN ({marks})", tuple(keys)
        )
        return {k: v for k, v in rows}


def put(conn: Connection, key: str, value: str) -> None:
    """Write one setting inside the caller's transaction."""
    conn.execute(text(_UPSERT), {"k": key, "v": value})


def put_many(store: Store, values: dict[str, str]) -> None:
    """Write settings in one transaction."""
    with store.engine.begin() as conn:
        for key, value in values.items():
            put(conn, key, value)


def get_json(store: Store, key: str, default: Any) -> Any:
    """A setting holding JSON."""
    raw = get(store, key)
    return default if raw is None else orjson.loads(raw)


def put_json(store: Store, key: str, value: Any) -> None:
    """Store a JSON value."""
    put_many(store, {key: orjson.dumps(value).decode()})


@contextmanager
def relaxed(store: Store, foreign_keys: bool = True) -> Iterator[Connection]:
    """A write transaction of the sync bookkeeping, committed without waiting for the disk.

    Safe because every sync write is repeatable: WAL keeps each commit atomic, and a commit
    lost to a power cut only means an entry is resent (the hub answers from its change log)
    or a page is pulled again (its cursor was in the same lost commit).
    """
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA synchronous = NORMAL")
        if not foreign_keys:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.commit()
        try:
            with conn.begin():
                yield conn
        finally:
            conn.exec_driver_sql("PRAGMA synchronous = FULL")
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            conn.commit()
