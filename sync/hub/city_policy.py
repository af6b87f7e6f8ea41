"""The city's policy table on the hub (市级政策参数): loaded whole from a CSV or .xlsx file the
civil-affairs bureau issues, validated as one table, used by the residents' pages, and served
to the desks, which compare their own table with it and may adopt it."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel
from sqlalchemy import Column, Connection, Date, Integer, String, Table, Text, select
from starlette.concurrency import run_in_threadpool

from desktop.domain.policy.assess import default_policy
from desktop.domain.policy.defaults import DEFAULT_POLICY_ROWS
from desktop.domain.policy.integrity import policy_digest
from desktop.domain.policy.keys import choice_code
from desktop.domain.policy.tables import PolicyRow, PolicySet
from desktop.errors import PolicyError
from sync.hub import accounts, db
from sync.hub.db import Database
from sync.hub.feeds.reader import read_rows

policy_rows = Table(
    "hub_policy_rows",
    db.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(80), nullable=False),
    Column("value", Text, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date, nullable=True),
    Column("district", String(12), nullable=True),
    Column("source", Text, nullable=False, default=""),
)

COLUMNS = ("key", "value", "effective_from", "effective_to", "district", "source")
"""The file's columns, in this order (docs/city-policy.md)."""


def create_tables(conn: Connection) -> None:
    """Hub schema step: the city's policy table."""
    policy_rows.create(conn)


class PolicyFileError(ValueError):
    """A policy file that cannot be loaded, with every problem named."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def _day(text: str, line: int, column: str, problems: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        problems.append(f"第 {line} 行 {column}：日期“{text}”无效（应为 2026-01-01）")
        return None


def read_file(path: Path) -> list[PolicyRow]:
    """The rows of a policy file; the whole file is refused when a column or a row is bad."""
    header, rows, _encoding = read_rows(path)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise PolicyFileError([f"缺少列：{'、'.join(missing)}（应有 {','.join(COLUMNS)}）"])
    where = {c: header.index(c) for c in COLUMNS}
    problems: list[str] = []
    out: list[PolicyRow] = []
    for line, cells in rows:
        cell = {c: (cells[i].strip() if i < len(cells) else "") for c, i in where.items()}
        start = _day(cell["effective_from"], line, "effective_from", problems)
        end = _day(cell["effective_to"], line, "effective_to", problems)
        if not cell["key"] or not cell["value"]:
            problems.append(f"第 {line} 行：key 和 value 不能为空")
            continue
        if start is None:
            if not cell["effective_from"]:
                problems.append(f"第 {line} 行 effective_from：不能为空")
            continue
        value = choice_code(cell["key"], cell["value"])  # 元, 四舍五入 … stand for their codes
        out.append(
            PolicyRow(cell["key"], value, start, end, cell["district"] or None, cell["source"])
        )
    if problems:
        raise PolicyFileError(problems)
    if not out:
        raise PolicyFileError(["文件中没有政策参数行"])
    return out


def load(database: Database, rows: list[PolicyRow]) -> str:
    """Replace the city's table with ``rows`` after checking them as one table (unknown keys,
    bad values, overlapping periods are refused, nothing changes); returns the new digest."""
    try:
        PolicySet.from_rows(rows)
    except PolicyError as exc:
        raise PolicyFileError([str(exc)]) from exc
    with database.engine.begin() as conn:
        conn.execute(policy_rows.delete())
        conn.execute(
            policy_rows.insert(),
            [
                {
                    "key": r.key,
                    "value": r.value,
                    "effective_from": r.effective_from,
                    "effective_to": r.effective_to,
                    "district": r.district,
                    "source": r.source or "",
                }
                for r in rows
            ],
        )
    return policy_digest(rows)


def stored_rows(database: Database) -> list[PolicyRow]:
    """The city's table as loaded (empty when none has been loaded)."""
    t = policy_rows.c
    with database.engine.connect() as conn:
        found = conn.execute(select(policy_rows).order_by(t.key, t.effective_from)).mappings()
        return [
            PolicyRow(
                r["key"], r["value"], r["effective_from"], r["effective_to"], r["district"],
                r["source"],
            )
            for r in found
        ]  # fmt: skip


def city_policy(database: Database) -> PolicySet:
    """The policy the hub's own pages use: the loaded table, else the defaults every desk
    starts from."""
    rows = stored_rows(database)
    return PolicySet.from_rows(rows) if rows else default_policy()


def export(database: Database, path: Path) -> int:
    """Write the city's table (the defaults when none is loaded) as a UTF-8 CSV to edit."""
    rows: Iterable[PolicyRow] = stored_rows(database) or DEFAULT_POLICY_ROWS
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for r in rows:
            end = r.effective_to.isoformat() if r.effective_to else ""
            out.writerow(
                [r.key, r.value, r.effective_from.isoformat(), end, r.district or "", r.source]
            )
            count += 1
    return count


def rows_json(rows: Iterable[PolicyRow]) -> list[dict[str, Any]]:
    """Rows as the desks receive them."""
    return [
        {
            "key": r.key,
            "value": r.value,
            "effective_from": r.effective_from.isoformat(),
            "effective_to": r.effective_to.isoformat() if r.effective_to else None,
            "district": r.district,
            "source": r.source,
        }
        for r in rows
    ]


class CityPolicyRow(BaseModel):
    """One dated row of the city's table."""

    key: str
    value: str
    effective_from: date
    effective_to: date | None = None
    district: str | None = None
    source: str = ""


class CityPolicy(BaseModel):
    """The city's table and its digest (``None`` and no rows when none is loaded)."""

    digest: str | None
    rows: list[CityPolicyRow]
    unchanged: bool = False
    """True (and no rows) when the caller's ``have`` digest is the table's."""


def add_routes(app: FastAPI, database: Database) -> None:
    """``GET /v1/policy[?have=digest]``: the city's table and its digest (empty when none is
    loaded; only the digest when the caller already has that table)."""

    @app.get("/v1/policy")
    async def policy(request: Request) -> Response:
        header = request.headers.get("authorization")
        await run_in_threadpool(accounts.authenticate, database, header)
        rows = await run_in_threadpool(stored_rows, database)
        digest = policy_digest(rows) if rows else None
        if digest is not None and digest == request.query_params.get("have"):
            body: dict[str, Any] = {"digest": digest, "rows": [], "unchanged": True}
        else:
            body = {"digest": digest, "rows": rows_json(rows), "unchanged": False}
        return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")
