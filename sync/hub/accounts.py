"""Offices, one-time enrolment codes, device registration, bearer-token checks, revocation.

A desk makes its own token and sends only its sha256, so registering is idempotent: a repeat
of the same body (a lost answer, a proxy's duplicate, a replay) is answered the same way and
never voids the desk's token, and whoever copies the body holds no working token. A new code
re-registers a known device of the same office (a new token replaces the old one). Wrong codes
are counted per caller: past ``ENROL_ATTEMPTS`` in ``ENROL_WINDOW_S`` the caller gets 429.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select

from sync.hub import db
from sync.hub.config import HubSettings
from sync.hub.errors import HubRefusal
from sync.protocol import (
    OFFICE_CODE_RE,
    DeviceInfo,
    OfficeDirectory,
    OfficeEntry,
    RegisterRequest,
    RegisterResponse,
)

_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud at a window
ENROL_ATTEMPTS = 10
ENROL_WINDOW_S = 300.0


class EnrolAttempts:
    """Wrong enrolment codes per caller in a sliding window (in memory, per hub process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, list[float]] = {}

    def check(self, caller: str, now: float) -> None:
        with self._lock:
            recent = [t for t in self._seen.get(caller, []) if now - t < ENROL_WINDOW_S]
            self._seen[caller] = recent
            if len(recent) >= ENROL_ATTEMPTS:
                raise HubRefusal("too_many_attempts", detail={"retry_after_s": ENROL_WINDOW_S})

    def failed(self, caller: str, now: float) -> None:
        with self._lock:
            self._seen.setdefault(caller, []).append(now)


@dataclass(frozen=True)
class Device:
    """The authenticated caller of a request."""

    id: str
    name: str
    office_code: str
    office_name: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _normalise_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def add_office(database: db.Database, code: str, name: str, district: str) -> None:
    """Create or rename an office (街道/乡镇)."""
    if not OFFICE_CODE_RE.match(code):
        raise ValueError(f"街道（乡镇）代码“{code}”应为9至12位数字")
    if not name.strip() or not district.strip():
        raise ValueError("街道（乡镇）名称和所属区不能为空")
    with database.write() as conn:
        found = conn.execute(select(db.offices.c.code).where(db.offices.c.code == code)).first()
        values = {"name": name.strip(), "district": district.strip()}
        if found:
            conn.execute(db.offices.update().where(db.offices.c.code == code).values(**values))
        else:
            conn.execute(db.offices.insert().values(code=code, **values))


def create_enrolment(database: db.Database, office_code: str, settings: HubSettings) -> str:
    """Make a one-time enrolment code for an office; only its hash is stored."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    now = time.time()
    with database.write() as conn:
        office = conn.execute(select(db.offices).where(db.offices.c.code == office_code)).first()
        if office is None:
            raise ValueError(f"街道（乡镇）代码“{office_code}”不存在，请先用 add-office 创建")
        conn.execute(
            db.enrolments.insert().values(
                code_hash=_hash(raw),
                office_code=office_code,
                created_at=now,
                expires_at=now + settings.enrol_valid_hours * 3600,
            )
        )
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def register(
    database: db.Database,
    req: RegisterRequest,
    settings: HubSettings,
    caller: str = "",
    attempts: EnrolAttempts | None = None,
) -> RegisterResponse:
    """Spend an enrolment code: the device is bound to the code's office with its token.

    With ``token_sha256`` (every current desk) a repeat of the same body is answered again and
    changes nothing. A body without it (older desks) gets a token made here; a repeat within
    ``register_replay_s`` then gets a new one.
    """
    now = time.time()
    counted = attempts or EnrolAttempts()
    counted.check(caller, now)
    try:
        return _register(database, req, settings, now)
    except HubRefusal as exc:
        if exc.code == "bad_enrol_code":
            counted.failed(caller, now)
        raise


def _register(
    database: db.Database, req: RegisterRequest, settings: HubSettings, now: float
) -> RegisterResponse:
    code_hash = _hash(_normalise_code(req.enrol_code))
    device_id = str(req.device_id)
    token = "" if req.token_sha256 else secrets.token_urlsafe(32)
    token_hash = req.token_sha256 or _hash(token)
    d = db.devices.c
    with database.write() as conn:
        row = conn.execute(
            select(db.enrolments).where(db.enrolments.c.code_hash == code_hash)
        ).first()
        if row is None or row.office_code != req.office_code or row.expires_at < now:
            raise HubRefusal("bad_enrol_code")
        office = conn.execute(select(db.offices).where(db.offices.c.code == row.office_code)).one()
        known = conn.execute(select(d.office_code, d.token_hash).where(d.id == device_id)).first()
        holder = conn.execute(select(d.id).where(d.token_hash == token_hash)).scalar()
        if holder is not None and holder != device_id:
            raise HubRefusal("bad_enrol_code", detail={"field": "token_sha256"})
        if row.used_at is None:
            if known is not None and known.office_code != row.office_code:
                raise HubRefusal("bad_enrol_code", detail={"field": "device_id"})
            conn.execute(
                db.enrolments.update()
                .where(db.enrolments.c.code_hash == code_hash)
                .values(used_at=now, device_id=device_id)
            )
            if known is None:
                conn.execute(
                    db.devices.insert().values(
                        id=device_id,
                        office_code=row.office_code,
                        name=req.device_name,
                        token_hash=token_hash,
                        created_at=now,
                    )
                )
            else:  # a new code re-registers a known device (e.g. after revocation)
                conn.execute(
                    db.devices.update()
                    .where(d.id == device_id)
                    .values(token_hash=token_hash, name=req.device_name, revoked_at=None)
                )
        elif row.device_id != device_id or known is None:
            raise HubRefusal("bad_enrol_code")
        elif req.token_sha256:
            if known.token_hash != token_hash:  # another body for a spent code: refused,
                raise HubRefusal("bad_enrol_code")  # and the desk's token stays valid
        elif now - row.used_at <= settings.register_replay_s:
            conn.execute(
                db.devices.update()
                .where(d.id == device_id)
                .values(token_hash=token_hash, name=req.device_name)
            )
        else:
            raise HubRefusal("bad_enrol_code")
        from sync.hub.numbers import assign_device_code  # local: numbers imports this module

        device_code = assign_device_code(conn, device_id)
    return RegisterResponse(
        token=token,
        device_id=req.device_id,
        office_code=office.code,
        office_name=office.name,
        device_code=device_code,
    )


def revoke_device(database: db.Database, device_id: str) -> str:
    """Stop a device's token (hub admin); returns the device's name. It may re-register."""
    d = db.devices.c
    with database.write() as conn:
        name = conn.execute(select(d.name).where(d.id == device_id)).scalar()
        if name is None:
            raise ValueError(f"终端“{device_id}”不存在")
        conn.execute(db.devices.update().where(d.id == device_id).values(revoked_at=time.time()))
    return str(name)


def rotate_token(database: db.Database, device: Device, token_sha256: str) -> None:
    """Replace the caller's token by one it made (the old one stops working)."""
    d = db.devices.c
    with database.write() as conn:
        holder = conn.execute(select(d.id).where(d.token_hash == token_sha256)).scalar()
        if holder is not None and holder != device.id:
            raise HubRefusal("malformed", "新令牌不可用，请重新生成")
        conn.execute(db.devices.update().where(d.id == device.id).values(token_hash=token_sha256))


def directory(database: db.Database) -> OfficeDirectory:
    """Every office the hub knows, by code (the names every desk shows)."""
    o = db.offices.c
    with database.engine.connect() as conn:
        rows = conn.execute(select(o.code, o.name, o.district).order_by(o.code)).all()
    return OfficeDirectory(offices=[OfficeEntry(code=c, name=n, district=d) for c, n, d in rows])


def authenticate(database: db.Database, authorization: str | None) -> Device:
    """Resolve an ``Authorization: Bearer`` header to its device, or refuse with 401."""
    if not authorization or not authorization.startswith("Bearer "):
        raise HubRefusal("unauthorized")
    token = authorization[7:].strip()
    if not token or len(token) > 200:
        raise HubRefusal("unauthorized")
    query = (
        select(
            db.devices.c.id,
            db.devices.c.name,
            db.devices.c.office_code,
            db.offices.c.name,
            db.devices.c.revoked_at,
        )
        .join(db.offices, db.offices.c.code == db.devices.c.office_code)
        .where(db.devices.c.token_hash == _hash(token))
    )
    with database.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise HubRefusal("unauthorized")
    if row[4] is not None:
        raise HubRefusal("revoked")
    return Device(id=row[0], name=row[1], office_code=row[2], office_name=row[3])


def device_info(device: Device) -> DeviceInfo:
    """The ``/v1/devices/me`` answer."""
    return DeviceInfo(
        device_id=UUID(device.id),
        device_name=device.name,
        office_code=device.office_code,
        office_name=device.office_name,
    )
