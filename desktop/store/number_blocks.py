"""Case-number blocks leased from the hub, kept in the settings table: how many are left, a
new block, this device's code and the highest plain number held (store steps on a plain
connection, shared by the numbering service and the sync client)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, func, select

from desktop.store.models import Application

NUMBER_BLOCKS = "sync.number_blocks"
"""Settings key: the leased blocks, ``[{"office", "year", "next", "last"}]``."""
DEVICE_CODE = "sync.device_code"
"""Settings key: this device's code in offline numbers, given by the hub."""
_DIGITS5 = "[0-9]" * 5


def setting_text(conn: Connection, key: str) -> str | None:
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (key,)).first()
    return None if row is None else str(row[0])


def put_setting_text(conn: Connection, key: str, value: str) -> None:
    conn.exec_driver_sql(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def blocks(conn: Connection) -> list[dict[str, Any]]:
    """The leased blocks kept on this desk (spent ones included until they are dropped)."""
    raw = setting_text(conn, NUMBER_BLOCKS)
    return list(orjson.loads(raw)) if raw else []


def remaining(conn: Connection, office_code: str, year: int) -> int:
    """How many leased numbers of ``office_code`` and ``year`` are still unused here."""
    return sum(
        max(0, int(b["last"]) - int(b["next"]) + 1)
        for b in blocks(conn)
        if b["office"] == office_code and int(b["year"]) == year
    )


def add_block(conn: Connection, office_code: str, year: int, first: int, last: int) -> None:
    """Keep a block leased by the hub (spent blocks are dropped)."""
    kept = [b for b in blocks(conn) if int(b["next"]) <= int(b["last"])]
    kept.append({"office": office_code, "year": year, "next": first, "last": last})
    put_setting_text(conn, NUMBER_BLOCKS, orjson.dumps(kept).decode())


def set_device_code(conn: Connection, code: str) -> None:
    """Remember the device code the hub gave this desk."""
    if code:
        put_setting_text(conn, DEVICE_CODE, code)


def highest_plain(conn: Connection, office_code: str, year: int) -> int:
    """The highest plain sequence this desk holds for an office and year (0 if none)."""
    prefix = f"{office_code}-{year}-"
    last = conn.execute(
        select(func.max(Application.number)).where(Application.number.op("GLOB")(prefix + _DIGITS5))
    ).scalar()
    return int(str(last).rsplit("-", 1)[1]) if last else 0
