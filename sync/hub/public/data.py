"""What the public pages read and write in the hub's database: the window directory, the
policy in force (the same default rows the desks start from), pre-applications as
``service_request`` records addressed to an office, and the progress of one reference."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from desktop.domain.policy.plain import PlainPolicy, plain_policy
from desktop.domain.policy.tables import PolicySet
from desktop.domain.workflow import STATE_LABELS, State
from sync.hub import db, requests
from sync.hub.city_policy import city_policy
from sync.hub.records import dumps, upsert_hub_records
from sync.protocol import PLAIN_NUMBER_RE, SERVICE_REQUEST

REQUEST_NAMESPACE = uuid.UUID("5f0e6c1a-8d2b-4c7e-9a31-2b7d4e8f6c05")
REFERENCE_PREFIX = "MB"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I/O/0/1
REFERENCE_LENGTH = 10
CHANNEL = "qr"


@dataclass(frozen=True)
class Window:
    """One street office's social-assistance window as the public sees it."""

    code: str
    name: str
    district: str
    phone: str
    address: str


def windows(database: db.Database) -> list[Window]:
    """Every registered office, with the phone and address its desk published (if any)."""
    with database.read() as conn:
        offices = conn.execute(
            select(db.offices.c.code, db.offices.c.name, db.offices.c.district).order_by(
                db.offices.c.district, db.offices.c.code
            )
        ).all()
        published = conn.execute(
            select(db.records.c.payload).where(
                db.records.c.entity == "office", db.records.c.deleted.is_(False)
            )
        ).scalars()
        details: dict[str, dict[str, Any]] = {}
        for text in published:
            payload = json.loads(text)
            details[str(payload.get("code", ""))] = payload
    return [Window(code, name, district, *_contact(details.get(code, {})))
            for code, name, district in offices]  # fmt: skip


def _contact(office: dict[str, Any]) -> tuple[str, str]:
    """The window's public phone and address: what the desk published from its settings,
    else the office's registered ones (desktop ``window_contact`` is the same rule)."""
    phone = office.get("window_phone") or office.get("phone") or ""
    address = office.get("window_address") or office.get("address") or ""
    return str(phone), str(address)


def policy(database: db.Database) -> PolicySet:
    """The policy rows the pages use: the city's table loaded on the hub, else the defaults
    module every desk store starts from."""
    return city_policy(database)


def plain(database: db.Database, day: date) -> PlainPolicy:
    """The policy in force on ``day`` in plain words (the 明白纸 text)."""
    return plain_policy(policy(database).for_month(day.replace(day=1)))


def new_reference() -> str:
    """A reference code a resident can read out on the phone (about 50 bits of chance)."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return REFERENCE_PREFIX + body


def request_id(reference: str) -> str:
    """The record id of a reference (so a look-up is one primary-key read, no index of codes)."""
    return str(uuid.uuid5(REQUEST_NAMESPACE, reference))


def reply_due(database: db.Database, received: date) -> date:
    """The reply deadline of a 码上办 request: the channel's working days after ``received``."""
    return requests.reply_due(policy(database), CHANNEL, received)


def reply_days(database: db.Database, received: date) -> int:
    """Working days an office has to answer a 码上办 request (shown on the form)."""
    return requests.reply_days(policy(database), CHANNEL, received)


def submit_pre_application(
    database: db.Database, office_code: str, payload: dict[str, Any], today: date
) -> str:
    """Store a pre-application as a 待受理 request of ``office_code``; return its reference."""
    reference = new_reference()
    record = {
        **payload,
        "reference": reference,
        "channel": CHANNEL,
        "office_code": office_code,
        "urgency": "normal",
        "received_on": today.isoformat(),
        "reply_due": reply_due(database, today).isoformat(),
        "status": "open",
        "handler": "",
        "reply": "",
        "replied_on": None,
        "outcome": "",
        "household_id": None,
        "application_id": None,
    }
    rid = request_id(reference)
    with database.write() as conn:
        upsert_hub_records(conn, [(SERVICE_REQUEST, rid, dumps(record), [office_code])])
    return reference


@dataclass(frozen=True)
class Progress:
    """What 码上查 shows: the step, its dates and the next deadline — nothing else."""

    step: str
    dates: tuple[tuple[str, str], ...]
    next_deadline: str
    next_step: str


def _payload(conn: Any, entity: str, rid: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(db.records.c.payload, db.records.c.deleted).where(
            db.records.c.entity == entity, db.records.c.id == rid
        )
    ).first()
    if row is None or row.deleted:
        return None
    found: dict[str, Any] = json.loads(row.payload)
    return found


def _suffix_ok(id_number: str, suffix: str) -> bool:
    return len(id_number) == 18 and secrets.compare_digest(id_number[-6:], suffix)


def _application_progress(app: dict[str, Any], accepted_on: str | None) -> Progress:
    try:
        step = STATE_LABELS[State(str(app.get("state", "")))]
    except ValueError:
        step = "办理中"
    dates = [("申请日期", str(app.get("applied_on") or ""))]
    if accepted_on:
        dates.append(("受理日期", accepted_on))
    deadline = str(app.get("next_deadline") or "")
    return Progress(step, tuple(dates), deadline, str(app.get("deadline_step") or ""))


def lookup(database: db.Database, number: str, suffix: str) -> Progress | None:
    """Progress of a reference (MB…) or a case number, when ``suffix`` is the last 6 characters
    of the applicant's ID number; None for anything else, whichever part was wrong."""
    with database.read() as conn:
        if number.startswith(REFERENCE_PREFIX):
            req = _payload(conn, SERVICE_REQUEST, request_id(number))
            if req is None or not _suffix_ok(str(req.get("id_number", "")), suffix):
                return None
            app_id = req.get("application_id")
            app = _payload(conn, "application", str(app_id)) if app_id else None
            if app is None:
                dates = (("提交日期", str(req.get("received_on", ""))),)
                return Progress("待受理", dates, str(req.get("reply_due") or ""), "街道受理")
            return _application_progress(app, req.get("replied_on"))
        if not PLAIN_NUMBER_RE.match(number) and len(number) > 40:
            return None
        app_id = conn.execute(
            select(db.case_numbers.c.application_id).where(db.case_numbers.c.number == number)
        ).scalar()
        app = _payload(conn, "application", str(app_id)) if app_id else None
        if app is None:
            return None
        person = _payload(conn, "person", str(app.get("applicant_id", "")))
        if person is None or not _suffix_ok(str(person.get("id_number", "")), suffix):
            return None
        return _application_progress(app, None)
