"""The hub's copy of every desk's audit chain: it re-checks the links of the audit events a
device pushed, takes the device's periodic checkpoint (link number + hash) only when its own
copy agrees, and gives the device its links back so a local edit shows against the hub."""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, Boolean, Column, Connection, Float, String, Table, Text, select
from starlette.concurrency import run_in_threadpool

from desktop.domain.audit_chain import ChainReport, verify_chain
from desktop.domain.policy.integrity import PolicyCheck, check_digest
from sync.hub import accounts, db
from sync.hub.db import Database

audit_checkpoints = Table(
    "hub_audit_checkpoints",
    db.metadata,
    Column("device_id", String(36), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("hash", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("message", Text, nullable=False),
)


def create_tables(conn: Connection) -> None:
    """Hub schema step 6."""
    audit_checkpoints.create(conn)


class Checkpoint(BaseModel):
    """What a desk says its chain ends with."""

    seq: int = Field(ge=0)
    hash: str = Field(min_length=64, max_length=64)
    policy_digest: str | None = Field(default=None, min_length=64, max_length=64)
    """The desk's policy table digest (absent from desks older than the policy check)."""


class CheckpointReport(BaseModel):
    """The hub's answer to a checkpoint: whether the chain it holds agrees."""

    ok: bool
    checked: int
    head_seq: int | None
    broken_seq: int | None
    message: str
    problem: str = ""
    """What is wrong at ``broken_seq`` (the message without the link number)."""
    policy_ok: bool | None = None
    """Whether the reported policy table is the one the chain last recorded (None: not
    reported)."""
    policy_message: str = ""


class AuditLinks(BaseModel):
    """The calling device's chain as the hub holds it: [link number, hash] pairs."""

    links: list[tuple[int, str]]


def device_links(conn: Connection, device_id: str) -> list[dict[str, Any]]:
    """The audit events this device pushed, as chain rows in link order."""
    t = db.records.c
    rows = []
    query = select(t.payload).where(t.entity == "audit_event", t.updated_by == device_id)
    for (text,) in conn.execute(query):
        p = json.loads(text)
        chain = p.get("chain")
        if not isinstance(chain, dict):
            continue  # an event written before the chain existed
        rows.append(
            {
                **p,
                "user_id": chain.get("user_id"),
                "office_id": chain.get("office_id"),
                "chain_seq": chain.get("seq"),
                "prev_hash": chain.get("prev"),
                "hash": chain.get("hash"),
            }
        )
    rows.sort(key=lambda r: int(r["chain_seq"] or 0))
    return rows


def check_checkpoint(
    database: Database, device_id: str, point: Checkpoint
) -> tuple[ChainReport, PolicyCheck | None]:
    """Verify the hub's copy up to ``point.seq`` and that it ends in ``point.hash``, and the
    reported policy digest against the digest the last policy event the hub holds recorded;
    record the checkpoint with the verdict either way."""
    with database.engine.begin() as conn:
        rows = [r for r in device_links(conn, device_id) if int(r["chain_seq"]) <= point.seq]
        report = verify_chain(rows)
        policy = (
            None
            if point.policy_digest is None
            else check_digest(point.policy_digest, rows, chain_empty=not rows)
        )
        if report.ok and (report.head_seq, report.head_hash) != (point.seq, point.hash):
            report = ChainReport(
                report.checked,
                report.head_seq,
                report.head_hash,
                report.head_seq + 1,
                "",
                "平台保存的日志与本机所报链尾不一致（本机日志被改写，或尚未同步完）",
            )
        c = audit_checkpoints.c
        conn.execute(audit_checkpoints.delete().where(c.device_id == device_id, c.seq == point.seq))
        conn.execute(
            audit_checkpoints.insert().values(
                device_id=device_id,
                seq=point.seq,
                hash=point.hash,
                at=time.time(),
                ok=report.ok and (policy is None or policy.ok),
                message="；".join(
                    [report.message()] + ([policy.message()] if policy and not policy.ok else [])
                ),
            )
        )
    return report, policy


def _report_json(report: ChainReport, policy: PolicyCheck | None) -> dict[str, Any]:
    return CheckpointReport(
        ok=report.ok,
        checked=report.checked,
        head_seq=report.head_seq,
        broken_seq=report.broken_seq,
        message=report.message(),
        problem=report.problem,
        policy_ok=None if policy is None else policy.ok,
        policy_message="" if policy is None or policy.ok else "市级平台核对：" + policy.message(),
    ).model_dump()


def add_routes(app: FastAPI, database: Database) -> None:
    """``POST /v1/audit/checkpoint`` and ``GET /v1/audit/links`` for the calling device."""

    async def device(request: Request) -> accounts.Device:
        header = request.headers.get("authorization")
        return await run_in_threadpool(accounts.authenticate, database, header)

    @app.post("/v1/audit/checkpoint")
    async def checkpoint(request: Request) -> Response:
        who = await device(request)
        point = Checkpoint.model_validate_json(await request.body())
        report, policy = await run_in_threadpool(check_checkpoint, database, who.id, point)
        return Response(json.dumps(_report_json(report, policy)), media_type="application/json")

    @app.get("/v1/audit/links")
    async def links(request: Request) -> Response:
        who = await device(request)

        def read() -> list[list[Any]]:
            with database.engine.connect() as conn:
                return [[r["chain_seq"], r["hash"]] for r in device_links(conn, who.id)]

        body = {"links": await run_in_threadpool(read)}
        return Response(json.dumps(body), media_type="application/json")
