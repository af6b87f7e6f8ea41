"""Case numbers (案件编号) that never collide across devices and offices, offline included.

A registered desk numbers its office's cases from blocks of plain numbers the hub leased to
this device (``120103001-2026-00051``), kept in the store as a reserve. Offline with an empty
reserve it numbers with its own device code (``120103001-2026-KXA-0001``), unique because the
hub gives every device a different code. A number, once given, never changes. A desk never
registered numbers after the highest plain number it holds (it is the only device).
"""

from __future__ import annotations

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.errors import DUPLICATE_NUMBER_REASON, NotFound, ValidationError
from desktop.services.base import Actor, Role, Scope, service, unit_of_work
from desktop.store.models import Application, Office, OutboxEntry
from desktop.store.number_blocks import (
    DEVICE_CODE,
    NUMBER_BLOCKS,
    blocks,
    highest_plain,
    put_setting_text,
    setting_text,
)
from desktop.store.outbox import OutboxState
from desktop.store.store import Store


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
                put_setting_text(conn, NUMBER_BLOCKS, orjson.dumps(kept).decode())
                return number
    return None


def next_number(session: Session, office: Office, year: int) -> str:
    """The number of a case filed now at ``office`` for ``year`` (inside the filing's
    transaction: the reserve is spent together with the case)."""
    leased = _from_block(session, office, year)
    if leased is not None:
        return leased
    code = setting_text(session.connection(), DEVICE_CODE)
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
    last = session.scalars(
        select(OutboxEntry)
        .where(OutboxEntry.entity_id == application_id, OutboxEntry.entity == "application")
        .order_by(OutboxEntry.seq.desc())
    ).first()
    return (
        last is not None
        and last.state == OutboxState.REJECTED
        and DUPLICATE_NUMBER_REASON in last.last_error
    )


def renumberable_cases(store: Store) -> dict[str, str]:
    """Application id → number of every case ``renumber_refused_case`` would renumber: the
    last upload refused for a duplicate number, never accepted by the hub."""
    with store.sessions.read() as s:
        candidates = s.execute(
            select(Application.id, Application.number)
            .join(OutboxEntry, OutboxEntry.entity_id == Application.id)
            .where(
                OutboxEntry.entity == "application",
                OutboxEntry.state == "rejected",
                Application.rev == 0,
                Application.deleted.is_(False),
            )
            .distinct()
        ).all()
        return {i: n for i, n in candidates if _refused_for_number(s, i)}


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
