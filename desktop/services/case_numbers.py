"""Case numbers (案件编号) that never collide across devices and offices, offline included.

A registered desk numbers its office's cases from blocks of plain numbers the hub leased to
this device (``120103001-2026-00051``), kept in the store as a reserve. Offline with an empty
reserve it numbers with its own device code (``120103001-2026-KXA-0001``), unique because the
hub gives every device a different code. A number, once given, never changes. A desk never
registered numbers after the highest plain number it holds (it is the only device).
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from desktop.errors import NotFound, ValidationError
from desktop.services.base import Actor, Role, Scope, service, unit_of_work
from desktop.store.models import Application, Office, OutboxEntry
from desktop.store.store import Store

NUMBER_BLOCKS = "sync.number_blocks"
"""Settings key: the leased blocks, ``[{"office", "year", "next", "last"}]``."""
DEVICE_CODE = "sync.device_code"
"""Settings key: this device's code in offline numbers, given by the hub."""
_DIGITS5 = "[0-9]" * 5


def _setting(conn: Connection, key: str) -> str | None:
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (key,)).first()
    return None if row is None else str(row[0])


def _put(conn: Connection, key: str, value: str) -> None:
    conn.exec_driver_sql(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def blocks(conn: Connection) -> list[dict[str, Any]]:
    """The leased blocks kept on this desk (spent ones included until they are dropped)."""
    raw = _setting(conn, NUMBER_BLOCKS)
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
    _put(conn, NUMBER_BLOCKS, orjson.dumps(kept).decode())


def set_device_code(conn: Connection, code: str) -> None:
    """Remember the device code the hub gave this desk."""
    if code:
        _put(conn, DEVICE_CODE, code)


def highest_plain(conn: Connection, office_code: str, year: int) -> int:
    """The highest plain sequence this desk holds for an office and year (0 if none)."""
    prefix = f"{office_code}-{year}-"
    last = conn.execute(
        select(func.max(Application.number)).where(Application.number.op("GLOB")(prefix + _DIGITS5))
    ).scalar()
    return int(str(last).rsplit("-", 1)[1]) if last else 0


def _taken(session: Session, number: str) -> bool:
    return session.scalar(select(Application.id).where(Application.number == number)) is not None


def _from_block(session: Session, office: Office, year: int) -> str | None:
    conn = session.connection()
    kept = blocks(conn)
    for block in kept:
        if block["office"] != office.code or int(block["year"]) != year:
            continue
        while int(block["next"]) <= int(block["last"]):
            seq = int(block["next"])
            block["next"] = seq + 1
            number = f"{office.code}-{year}-{seq:05d}"
            if not _taken(session, number):
                _put(conn, NUMBER_BLOCKS, orjson.dumps(kept).decode())
                return number
    return None


def next_number(session: Session, office: Office, year: int) -> str:
    """The number of a case filed now at ``office`` for ``year`` (inside the filing's
    transaction: the reserve is spent together with the case)."""
    leased = _from_block(session, office, year)
    if leased is not None:
        return leased
    code = _setting(session.connection(), DEVICE_CODE)
    if code:
        prefix = f"{office.code}-{year}-{code}-"
        last = session.scalar(
            select(func.max(Application.number)).where(
                Application.number.op("GLOB")(prefix + "[0-9]*")
            )
        )
        seq = int(str(last).rsplit("-", 1)[1]) + 1 if last else 1
        return f"{prefix}{seq:04d}"
    seq = highest_plain(session.connection(), office.code, year) + 1
    return f"{office.code}-{year}-{seq:05d}"


def _refused_for_number(session: Session, application_id: str) -> bool:
    from sync.protocol import REJECT_REASONS  # the hub's wording of the refusal

    last = session.scalars(
        select(OutboxEntry)
        .where(OutboxEntry.entity_id == application_id, OutboxEntry.entity == "application")
        .order_by(OutboxEntry.seq.desc())
    ).first()
    return (
        last is not None
        and last.state == "rejected"
        and REJECT_REASONS["duplicate_number"] in last.last_error
    )


@service(
    scope=Scope.APPLICATION("application_id"),
    roles={Role.SUPERVISOR, Role.ADMIN},
    changes={"cases", "sync"},
)
def renumber_refused_case(store: Store, actor: Actor, application_id: str) -> str:
    """Give a new number to a case the hub refused because another case holds its number
    (both numbered before leasing existed) and that never reached the hub; returns it.

    The person decides: a number already printed on paper is changed only knowingly, and the
    change is in the audit log with both numbers.
    """
    with unit_of_work(store, actor) as uow:
        s = uow.session
        app = s.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该案件不存在或已删除")
        if app.rev or not _refused_for_number(s, application_id):
            raise ValidationError(
                "案件编号", "只有因编号重复被市级平台拒绝、且从未上传成功的案件才能重新编号"
            )
        office = s.get(Office, app.filed_at_office_id)
        assert office is not None
        old = app.number
        app.number = next_number(s, office, app.applied_on.year)
        uow.record(
            app,
            action="renumber_case",
            summary=f"案件编号由 {old} 改为 {app.number}（与市级平台上的另一案件重复）",
            data={"old": old, "new": app.number},
        )
        return app.number
