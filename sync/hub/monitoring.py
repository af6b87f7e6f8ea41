"""Monitoring warnings (监测预警): load an admin's CSV file into ``warning`` records.

Columns (UTF-8, header row required): office_code, id_number, name, warning_type, detail,
date (YYYY-MM-DD). A file with any bad row loads nothing. The record id is derived from the
row's content, so loading the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import select

from sync.hub import db
from sync.hub.records import dumps, upsert_hub_records
from sync.protocol import ID_NUMBER_RE, WARNING, WARNING_TYPES, WarningPayload

COLUMNS = ("office_code", "id_number", "name", "warning_type", "detail", "date")
WARNING_NAMESPACE = uuid.UUID("0b8e2a4c-53f1-4f6e-8a57-3d2c9b7e6a10")


class WarningFileError(ValueError):
    """The CSV file cannot be loaded; ``problems`` lists each bad row in Chinese."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def _row_problems(n: int, row: dict[str, str], offices: set[str]) -> list[str]:
    where = f"第{n}行"
    problems = []
    if row["office_code"] not in offices:
        problems.append(f"{where}：街道（乡镇）代码“{row['office_code']}”未登记")
    if not ID_NUMBER_RE.match(row["id_number"]):
        problems.append(f"{where}：公民身份号码格式不正确")
    if not row["name"]:
        problems.append(f"{where}：姓名不能为空")
    if row["warning_type"] not in WARNING_TYPES:
        problems.append(f"{where}：预警类型应为{'、'.join(WARNING_TYPES)}之一")
    try:
        date.fromisoformat(row["date"])
    except ValueError:
        problems.append(f"{where}：日期应为 YYYY-MM-DD 格式")
    return problems


def read_warnings(path: Path, offices: set[str]) -> list[WarningPayload]:
    """Parse and check the whole file; raise WarningFileError listing every bad row."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise WarningFileError([f"缺少列：{', '.join(missing)}"])
        problems: list[str] = []
        rows: list[WarningPayload] = []
        for n, raw in enumerate(reader, start=2):
            row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
            found = _row_problems(n, row, offices)
            problems.extend(found)
            if not found:
                rows.append(WarningPayload(**row))
    if problems:
        raise WarningFileError(problems)
    return rows


def warning_id(w: WarningPayload) -> str:
    """A stable id for one warning row."""
    key = "|".join((w.office_code, w.id_number, w.warning_type, w.date, w.detail))
    return str(uuid.uuid5(WARNING_NAMESPACE, key))


def load_warnings(database: db.Database, path: Path) -> tuple[int, int]:
    """Load the file; return (rows read, records added or changed)."""
    with database.read() as conn:
        offices = set(conn.execute(select(db.offices.c.code)).scalars())
    rows = read_warnings(path, offices)
    items = [(WARNING, warning_id(w), dumps(w.model_dump()), [w.office_code]) for w in rows]
    with database.write() as conn:
        changed = upsert_hub_records(conn, items)
    return len(rows), changed
