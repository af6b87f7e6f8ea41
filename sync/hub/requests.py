"""Requests (诉求) from the city's lines: a CSV of 12345 work orders, 津心办 or 直通车 submissions
loaded into ``service_request`` records addressed to the responsible office.

Columns (UTF-8, header row required): order_no, channel (12345 / portal / wechat / hotline),
office_code, caller_name, phone, need, received_on (YYYY-MM-DD), urgency (normal / urgent).
A file with any bad row loads nothing; the record id comes from the channel and the order
number, so loading the same file twice adds nothing."""

from __future__ import annotations

import csv
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.domain.calendar import WorkCalendar
from desktop.domain.policy.codes import REQUEST_CHANNELS, REQUEST_REPLY_DAYS
from desktop.domain.policy.tables import PolicySet
from desktop.errors import PolicyError
from sync.hub import db
from sync.hub.city_policy import city_policy
from sync.hub.monitoring import WarningFileError
from sync.hub.records import dumps, upsert_hub_records
from sync.protocol import SERVICE_REQUEST

COLUMNS = (
    "order_no",
    "channel",
    "office_code",
    "caller_name",
    "phone",
    "need",
    "received_on",
    "urgency",
)
HUB_CHANNELS = ("12345", "portal", "wechat", "hotline")
ORDER_NAMESPACE = uuid.UUID("c7a9e3d1-2f4b-4a58-9e61-0d3b5c7f8a22")


def reply_days(policy: PolicySet, channel: str, received: date) -> int:
    """Working days a channel's request has to be answered in (the city's policy rows)."""
    try:
        return int(str(policy.value(f"request.reply_days.{channel}", received)))
    except PolicyError:  # a period without the row: the documented default
        return REQUEST_REPLY_DAYS[channel]


def reply_due(policy: PolicySet, channel: str, received: date) -> date:
    """The channel's working days after ``received``."""
    return WorkCalendar().add_working_days(received, reply_days(policy, channel, received))


def _problems(n: int, row: dict[str, str], offices: set[str]) -> list[str]:
    where = f"第{n}行"
    found = []
    if not row["order_no"] or len(row["order_no"]) > 40:
        found.append(f"{where}：工单编号不能为空且不超过40个字符")
    if row["channel"] not in HUB_CHANNELS:
        found.append(f"{where}：渠道应为{'、'.join(HUB_CHANNELS)}之一")
    if row["office_code"] not in offices:
        found.append(f"{where}：街道（乡镇）代码“{row['office_code']}”未登记")
    if not row["caller_name"] or len(row["caller_name"]) > 40:
        found.append(f"{where}：来电人不能为空且不超过40个字")
    if not row["need"] or len(row["need"]) > 2000:
        found.append(f"{where}：诉求内容不能为空且不超过2000个字")
    if (row["urgency"] or "normal") not in ("normal", "urgent"):
        found.append(f"{where}：紧急程度应为 normal 或 urgent")
    try:
        date.fromisoformat(row["received_on"])
    except ValueError:
        found.append(f"{where}：受理日期应为 YYYY-MM-DD 格式")
    return found


def read_orders(path: Path, offices: set[str]) -> list[dict[str, Any]]:
    """Parse and check the whole file; WarningFileError lists every bad row."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise WarningFileError([f"缺少列：{', '.join(missing)}"])
        problems: list[str] = []
        rows = []
        for n, raw in enumerate(reader, start=2):
            row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
            bad = _problems(n, row, offices)
            problems.extend(bad)
            if not bad:
                rows.append(row)
    if problems:
        raise WarningFileError(problems)
    return rows


def _payload(row: dict[str, str], policy: PolicySet) -> dict[str, Any]:
    received = date.fromisoformat(row["received_on"])
    return {
        "reference": row["order_no"],
        "channel": row["channel"],
        "office_code": row["office_code"],
        "caller_name": row["caller_name"],
        "phone": row["phone"][:20],
        "id_number": "",
        "need": row["need"],
        "urgency": row["urgency"] or "normal",
        "received_on": received.isoformat(),
        "reply_due": reply_due(policy, row["channel"], received).isoformat(),
        "status": "open",
        "handler": "",
        "reply": "",
        "replied_on": None,
        "outcome": "",
        "household_id": None,
        "application_id": None,
        "details": {"source": REQUEST_CHANNELS[row["channel"]]},
    }


def load_orders(database: db.Database, path: Path) -> tuple[int, int]:
    """Load the file; return (rows read, records added). A record already there is kept as
    it is (the office may have answered it meanwhile)."""
    with database.read() as conn:
        offices = set(conn.execute(select(db.offices.c.code)).scalars())
    rows = read_orders(path, offices)
    policy = city_policy(database)
    items = []
    for row in rows:
        rid = str(uuid.uuid5(ORDER_NAMESPACE, f"{row['channel']}|{row['order_no']}"))
        items.append((SERVICE_REQUEST, rid, dumps(_payload(row, policy)), [row["office_code"]]))
    with database.write() as conn:
        known = set(
            conn.execute(
                select(db.records.c.id).where(
                    db.records.c.entity == SERVICE_REQUEST,
                    db.records.c.id.in_([i for _e, i, _p, _o in items]),
                )
            ).scalars()
        )
        changed = upsert_hub_records(conn, [it for it in items if it[1] not in known])
    return len(rows), changed
