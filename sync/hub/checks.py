"""Simulated municipal data sources: turn a ``check_request`` into a ``check_report``.

The real 家庭经济状况核对 queries 公安, 人社, 不动产 … systems. The reference hub derives
plausible, deterministic findings from a hash of each ID number, so tests and demos repeat.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Connection, select

from sync.hub import db
from sync.hub.records import dumps, upsert_hub_records
from sync.protocol import (
    CHECK_REPORT,
    CHECK_REQUEST,
    CheckItem,
    CheckMember,
    CheckMemberReport,
    CheckReportPayload,
    CheckRequestPayload,
)

REPORT_NAMESPACE = uuid.UUID("6f1c2f4e-7a43-4b8e-9d0e-2c5b1f0a9e11")
_CST = timezone(timedelta(hours=8))


def report_id(request_id: str) -> str:
    """The id of the report answering a request (stable, so a new rev replaces the old report)."""
    return str(uuid.uuid5(REPORT_NAMESPACE, request_id))


def _h(id_number: str, source: str) -> int:
    return int(hashlib.sha256(f"{source}|{id_number}".encode()).hexdigest()[:12], 16)


def _yuan(whole: int, h: int) -> str:
    return str(Decimal(whole) + Decimal(h % 100) / 100)


def _hukou(idn: str, h: int) -> CheckItem:
    status = "已迁出" if h % 25 == 0 else "正常"
    return CheckItem(
        source="公安户籍", summary=f"户籍登记地区划 {idn[:6]}，户籍状态{status}", amount=None
    )


def _employment(idn: str, h: int) -> CheckItem:
    if h % 3 == 0:
        return CheckItem(
            source="人社就业/社保", summary="无就业登记，无社保缴费记录", amount="0.00"
        )
    wage = 1900 + h % 6100
    return CheckItem(
        source="人社就业/社保", summary="有就业登记，社保缴费工资基数（月）", amount=_yuan(wage, h)
    )


def _property(idn: str, h: int) -> CheckItem:
    count = (h % 7) // 3  # 0, 1 or 2
    area = 0 if count == 0 else 45 + h % 80
    summary = f"登记房产{count}处" + (f"，合计建筑面积{area}平方米" if count else "")
    return CheckItem(source="不动产", summary=summary, amount=None, count=count)


def _vehicle(idn: str, h: int) -> CheckItem:
    count = 1 if h % 4 == 0 else 0
    amount = _yuan(20000 + h % 130000, h) if count else "0.00"
    summary = "登记机动车1辆（估值）" if count else "无机动车登记"
    return CheckItem(source="车辆", summary=summary, amount=amount, count=count)


def _deposit(idn: str, h: int) -> CheckItem:
    return CheckItem(source="银行存款", summary="各银行存款余额合计", amount=_yuan(h % 120000, h))


def _business(idn: str, h: int) -> CheckItem:
    if h % 9 != 0:
        return CheckItem(source="工商", summary="无工商登记", amount="0.00", count=0)
    return CheckItem(
        source="工商",
        summary="登记个体工商户1户（注册资金）",
        amount=_yuan(10000 + h % 90000, h),
        count=1,
    )


def _fund(idn: str, h: int) -> CheckItem:
    if h % 3 == 0:
        return CheckItem(source="公积金", summary="无住房公积金缴存", amount="0.00")
    return CheckItem(source="公积金", summary="住房公积金月缴存额", amount=_yuan(150 + h % 1500, h))


SOURCES: tuple[tuple[str, Callable[[str, int], CheckItem]], ...] = (
    ("公安户籍", _hukou),
    ("人社就业/社保", _employment),
    ("不动产", _property),
    ("车辆", _vehicle),
    ("银行存款", _deposit),
    ("工商", _business),
    ("公积金", _fund),
)


def member_report(member: CheckMember) -> CheckMemberReport:
    """All sources' findings for one member (deterministic in the ID number)."""
    idn = member.id_number
    items = [fn(idn, _h(idn, name)) for name, fn in SOURCES]
    return CheckMemberReport(name=member.name, id_number=idn, items=items)


def build_report(request_id: str, request: CheckRequestPayload, now: float) -> CheckReportPayload:
    """The check report for one request."""
    return CheckReportPayload(
        request_id=uuid.UUID(request_id),
        household_id=request.household_id,
        generated_at=datetime.fromtimestamp(now, _CST).isoformat(timespec="seconds"),
        members=[member_report(m) for m in request.members],
    )


def schedule(conn: Connection, request_id: str, request_rev: int, due_at: float) -> None:
    """(Re)plan the report of a request revision inside the push transaction."""
    t = db.check_jobs
    values = {"request_rev": request_rev, "due_at": due_at, "done": False}
    found = conn.execute(select(t.c.request_id).where(t.c.request_id == request_id)).first()
    if found:
        conn.execute(t.update().where(t.c.request_id == request_id).values(**values))
    else:
        conn.execute(t.insert().values(request_id=request_id, **values))


def pending(database: db.Database, now: float) -> bool:
    """Whether a report is due (a cheap indexed probe run before every pull)."""
    t = db.check_jobs.c
    query = select(t.request_id).where(t.done.is_(False), t.due_at <= now).limit(1)
    with database.engine.connect() as conn:
        return conn.execute(query).first() is not None


def run_due(database: db.Database, now: float | None = None) -> int:
    """Produce every report that is due; return how many were written."""
    now = time.time() if now is None else now
    if not pending(database, now):
        return 0
    t, r = db.check_jobs, db.records
    with database.write() as conn:
        jobs = (
            conn.execute(select(t.c.request_id).where(t.c.done.is_(False), t.c.due_at <= now))
            .scalars()
            .all()
        )
        items = []
        for request_id in jobs:
            req = conn.execute(
                select(r.c.payload, r.c.offices, r.c.deleted).where(
                    r.c.entity == CHECK_REQUEST, r.c.id == request_id
                )
            ).first()
            if req is not None and not req.deleted:
                payload = CheckRequestPayload.model_validate_json(req.payload)
                report = build_report(request_id, payload, now)
                items.append(
                    (
                        CHECK_REPORT,
                        report_id(request_id),
                        dumps(report.model_dump(mode="json")),
                        json.loads(req.offices),
                    )
                )
        upsert_hub_records(conn, items)
        conn.execute(t.update().where(t.c.request_id.in_(jobs)).values(done=True))
    return len(items)
