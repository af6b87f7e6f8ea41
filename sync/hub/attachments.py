"""Content-addressed attachments: resumable chunked upload, hash check on commit, ranged reads.

Access follows records, never possession of a hash: an office may read an attachment whose
bytes one of its devices uploaded and verified, and an office is given an attachment by an
``attachment_meta`` record naming it only when that record was sent by an office that may
already read it. An unfinished upload belongs to the device that declared it: another
device's different declaration, or a stale one, replaces it. Status answers only for what the
caller may read or has itself declared.
"""

from __future__ import annotations

import hashlib
import json
import time

from sqlalchemy import Connection, delete, select

from sync.hub import db
from sync.hub.accounts import Device
from sync.hub.errors import HubRefusal
from sync.protocol import ATTACHMENT_META, AttachmentStatus


def _status(row: object | None, sha256: str) -> AttachmentStatus:
    if row is None:
        return AttachmentStatus(sha256=sha256, size=None, received=0, complete=False)
    return AttachmentStatus(
        sha256=sha256,
        size=int(row.size),  # type: ignore[attr-defined]
        received=int(row.received),  # type: ignore[attr-defined]
        complete=bool(row.complete),  # type: ignore[attr-defined]
    )


def _row(conn: Connection, sha256: str) -> object | None:
    return conn.execute(select(db.attachments).where(db.attachments.c.sha256 == sha256)).first()


def grant(conn: Connection, sha256: str, offices: list[str]) -> None:
    """Let these offices read the attachment (idempotent)."""
    g = db.attachment_grants.c
    have = set(
        conn.execute(
            select(g.office_code).where(g.sha256 == sha256, g.office_code.in_(offices))
        ).scalars()
    )
    new = [{"sha256": sha256, "office_code": o} for o in dict.fromkeys(offices) if o not in have]
    if new:
        conn.execute(db.attachment_grants.insert(), new)


STALE_UPLOAD_S = 24 * 3600.0


def _granted(conn: Connection, sha256: str) -> set[str]:
    g = db.attachment_grants.c
    return set(conn.execute(select(g.office_code).where(g.sha256 == sha256)).scalars())


def _visible(conn: Connection, row: object | None, device: Device, sha256: str) -> bool:
    if row is None:
        return False
    if getattr(row, "declared_by", None) == device.id:
        return True
    return device.office_code in _granted(conn, sha256)


def share_through_records(conn: Connection, sha256: str) -> None:
    """Grant the offices of every ``attachment_meta`` record naming ``sha256`` whose sender's
    office may already read it (a record from anyone else grants nothing)."""
    granted = _granted(conn, sha256)
    if not granted:
        return
    t, d = db.records.c, db.devices.c
    query = (
        select(t.offices, t.payload, d.office_code)
        .select_from(db.records.outerjoin(db.devices, d.id == t.updated_by))
        .where(t.entity == ATTACHMENT_META, t.payload.like(f"%{sha256}%"))
    )
    for offices, payload, sender_office in conn.execute(query):
        if sender_office not in granted or json.loads(payload).get("sha256") != sha256:
            continue
        grant(conn, sha256, list(json.loads(offices)))


def status(database: db.Database, device: Device, sha256: str) -> AttachmentStatus:
    """How much of the attachment the hub holds, as far as the caller may know."""
    with database.read() as conn:
        row = _row(conn, sha256)
        return _status(row if _visible(conn, row, device, sha256) else None, sha256)


def _discard(conn: Connection, sha256: str) -> None:
    conn.execute(delete(db.attachment_chunks).where(db.attachment_chunks.c.sha256 == sha256))
    conn.execute(delete(db.attachments).where(db.attachments.c.sha256 == sha256))


def put_chunk(
    database: db.Database,
    device: Device,
    sha256: str,
    offset: int,
    data: bytes,
    total: int,
    max_bytes: int,
    stale_s: float = STALE_UPLOAD_S,
) -> AttachmentStatus:
    """Append one chunk at ``offset`` (which must equal the bytes already received)."""
    if total > max_bytes:
        raise HubRefusal(
            "too_large", f"附件大小超过上限（{max_bytes // (1024 * 1024)} MiB）", {"max": max_bytes}
        )
    if total < 0 or offset < 0:
        raise HubRefusal("malformed", "附件大小或续传位置不能为负数")
    now = time.time()
    with database.write() as conn:
        row = _row(conn, sha256)
        if row is not None and not row.complete and int(row.size) != total:  # type: ignore[attr-defined]
            moved = row.touched_at or row.created_at  # type: ignore[attr-defined]
            if row.declared_by != device.id or now - moved > stale_s:  # type: ignore[attr-defined]
                _discard(conn, sha256)  # another device's (or a stale) declaration gives way
                row = None
        if row is None:
            conn.execute(
                db.attachments.insert().values(
                    sha256=sha256,
                    size=total,
                    received=0,
                    complete=False,
                    created_at=now,
                    declared_by=device.id,
                    touched_at=now,
                )
            )
            row = _row(conn, sha256)
        state = _status(row, sha256)
        if state.complete:
            return state
        if state.size != total:
            raise HubRefusal("malformed", "附件总大小与此前声明的不一致", {"size": state.size})
        if offset != state.received:
            raise HubRefusal("offset_mismatch", detail={"received": state.received})
        if not data or offset + len(data) > total:
            raise HubRefusal(
                "malformed", "附件分块为空或超出声明的总大小", {"received": state.received}
            )
        conn.execute(
            db.attachment_chunks.insert().values(
                sha256=sha256, offset=offset, length=len(data), data=data
            )
        )
        conn.execute(
            db.attachments.update()
            .where(db.attachments.c.sha256 == sha256)
            .values(received=offset + len(data), declared_by=device.id, touched_at=now)
        )
    return state.model_copy(update={"received": offset + len(data)})


def commit(database: db.Database, device: Device, sha256: str) -> AttachmentStatus:
    """Verify the sha256 of the received bytes; a mismatch discards the upload (422)."""
    with database.write() as conn:
        row = _row(conn, sha256)
        state = _status(row, sha256)
        if state.complete:
            if getattr(row, "declared_by", None) == device.id:  # a repeat of our own commit
                grant(conn, sha256, [device.office_code])
                share_through_records(conn, sha256)
            return state
        if getattr(row, "declared_by", None) != device.id:
            raise HubRefusal("not_complete", detail={"received": 0, "size": None})
        if state.size is None or state.received < state.size:
            raise HubRefusal(
                "not_complete", detail={"received": state.received, "size": state.size}
            )
        digest = hashlib.sha256()
        c = db.attachment_chunks.c
        for (data,) in conn.execute(select(c.data).where(c.sha256 == sha256).order_by(c.offset)):
            digest.update(data)
        if digest.hexdigest() != sha256:
            _discard(conn, sha256)
            mismatch = HubRefusal("hash_mismatch", detail={"actual": digest.hexdigest()})
        else:
            conn.execute(
                db.attachments.update()
                .where(db.attachments.c.sha256 == sha256)
                .values(complete=True)
            )
            grant(conn, sha256, [device.office_code])
            share_through_records(conn, sha256)
            return state.model_copy(update={"complete": True})
    raise mismatch  # raised after the transaction so the discard is committed


def read_range(
    database: db.Database, device: Device, sha256: str, start: int, end: int | None
) -> tuple[bytes, int]:
    """Bytes ``start``..``end`` (inclusive, None = to the end) and the total size."""
    with database.read() as conn:
        state = _status(_row(conn, sha256), sha256)
        if not state.complete or state.size is None:
            raise HubRefusal("not_found")
        g = db.attachment_grants.c
        allowed = conn.execute(
            select(g.sha256).where(g.sha256 == sha256, g.office_code == device.office_code)
        ).first()
        if allowed is None:
            raise HubRefusal("forbidden", "该附件不属于本街道（乡镇）的办理范围")
        size = state.size
        last = size - 1 if end is None else min(end, size - 1)
        if start < 0 or (size > 0 and start > last):
            raise HubRefusal("range_not_satisfiable", detail={"size": size})
        c = db.attachment_chunks.c
        query = (
            select(c.offset, c.data)
            .where(c.sha256 == sha256, c.offset <= last, (c.offset + c.length) > start)
            .order_by(c.offset)
        )
        parts = [bytes(data) for _off, data in conn.execute(query)]
        first_offset = (
            conn.execute(
                select(c.offset)
                .where(c.sha256 == sha256, c.offset <= start)
                .order_by(c.offset.desc())
                .limit(1)
            ).scalar()
            or 0
        )
    blob = b"".join(parts)
    return blob[start - first_offset : last + 1 - first_offset], size
