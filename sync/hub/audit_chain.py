"""The hub's copy of every desk's audit chain: it re-checks the links of the audit events a
device pushed, takes the device's periodic checkpoint (link number + hash) only when its own
copy agrees, and gives the device its links back so a local edit shows against the hub."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Float,
    String,
    Table,
    Text,
    select,
    text,
)
from starlette.concurrency import run_in_threadpool

from desktop.domain.audit_chain import ChainReport, verify_chain
from desktop.domain.policy.integrity import (
    PolicyCheck,
    RecordedDigest,
    check_digest,
    latest_recorded,
)
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


# How far the hub has verified each device's chain, so a checkpoint reads only the links the
# device pushed since (a sync storm of desks with long chains stays a few indexed reads each).
audit_heads = Table(
    "hub_audit_heads",
    db.metadata,
    Column("device_id", String(36), primary_key=True),
    Column("chain_seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("checked", BigInteger, nullable=False),
    # The newest hub seq among the device's audit events when the head was taken: any event
    # written since (a new link, or an old one changed or deleted: each takes a new seq) is
    # read at the next checkpoint.
    Column("record_seq", BigInteger, nullable=False),
    Column("policy_seq", BigInteger),
    Column("policy_digest", String(64)),
    Column("policy_action", String(40)),
)


def create_tables(conn: Connection) -> None:
    """Hub schema step 7."""
    audit_checkpoints.create(conn)


def create_heads(conn: Connection) -> None:
    """Hub schema step 12: verified chain heads and the index of each device's audit events."""
    audit_heads.create(conn, checkfirst=True)
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_hub_records_audit_device ON hub_records "
        "(updated_by, seq) WHERE entity = 'audit_event'"
    )


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


# The literal entity matches the partial index ix_hub_records_audit_device (a bound parameter
# would not: SQLite uses a partial index only for the very term in its WHERE).
_LINKS_SQL = (
    "SELECT payload, seq FROM hub_records WHERE entity = 'audit_event' AND updated_by = :device "
    "AND seq > :after"
)


def device_links(conn: Connection, device_id: str, after: int = 0) -> list[dict[str, Any]]:
    """The audit events this device pushed, as chain rows in link order (each with the hub
    ``record_seq`` it was stored under); ``after`` keeps those stored after that hub seq."""
    rows = []
    query = text(_LINKS_SQL)
    for payload, record_seq in conn.execute(query, {"device": device_id, "after": after}):
        p = json.loads(payload)
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
                "record_seq": int(record_seq),
            }
        )
    rows.sort(key=lambda r: int(r["chain_seq"] or 0))
    return rows


def _up_to(rows: list[dict[str, Any]], seq: int) -> list[dict[str, Any]]:
    """The links a checkpoint at ``seq`` covers (a row without a link number is kept: it is
    reported as inserted off the chain)."""
    return [r for r in rows if r["chain_seq"] is None or int(r["chain_seq"]) <= seq]


@dataclass(frozen=True)
class _Checked:
    """A checkpoint's verdict, and the head to keep when the chain ended where it said."""

    report: ChainReport
    policy: PolicyCheck | None
    head: dict[str, Any] | None


def _verdict(
    point: Checkpoint, report: ChainReport, policy: PolicyCheck | None
) -> tuple[ChainReport, bool]:
    if report.ok and (report.head_seq, report.head_hash) != (point.seq, point.hash):
        return (
            ChainReport(
                report.checked,
                report.head_seq,
                report.head_hash,
                report.head_seq + 1,
                "",
                "平台保存的日志与本机所报链尾不一致（本机日志被改写，或尚未同步完）",
            ),
            False,
        )
    return report, report.ok


def _head_row(
    device_id: str, report: ChainReport, links: list[dict[str, Any]], mark: int,
    recorded: RecordedDigest | None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "device_id": device_id,
        "chain_seq": report.head_seq,
        "hash": report.head_hash,
        "checked": report.checked,
        "record_seq": max([mark, *(int(r["record_seq"]) for r in links)]),
        "policy_seq": recorded.seq if recorded else None,
        "policy_digest": recorded.digest if recorded else None,
        "policy_action": recorded.action if recorded else None,
    }


def check_chain_whole(conn: Connection, device_id: str, point: Checkpoint) -> _Checked:
    """The checkpoint against every link the hub holds for the device (the reference path)."""
    links = device_links(conn, device_id)
    rows = _up_to(links, point.seq)
    policy = (
        None
        if point.policy_digest is None
        else check_digest(point.policy_digest, rows, chain_empty=not rows)
    )
    report, held = _verdict(point, verify_chain(rows), policy)
    head = None
    if held and len(rows) == len(links):
        head = _head_row(device_id, report, links, 0, latest_recorded(rows))
    return _Checked(report, policy, head)


def _check_from_head(conn: Connection, device_id: str, point: Checkpoint) -> _Checked | None:
    """The checkpoint from the verified head on, reading only the events stored since; None
    when the whole chain must be walked (no head, a checkpoint behind it, an event at or
    before it written again, or any problem: the reference path words the report)."""
    head = conn.execute(select(audit_heads).where(audit_heads.c.device_id == device_id)).first()
    if head is None or head.chain_seq > point.seq:
        return None
    links = device_links(conn, device_id, after=head.record_seq)
    if any(r["chain_seq"] is None or int(r["chain_seq"]) <= head.chain_seq for r in links):
        return None
    rows = _up_to(links, point.seq)
    chained = verify_chain(
        rows, after_seq=head.chain_seq, after_hash=head.hash, checked=head.checked
    )
    report, held = _verdict(point, chained, None)
    if not held:
        return None
    before = (
        RecordedDigest(head.policy_seq, head.policy_digest, head.policy_action)
        if head.policy_digest is not None
        else None
    )
    recorded = latest_recorded(rows) or before
    policy = (
        None
        if point.policy_digest is None
        else PolicyCheck(point.policy_digest, recorded, chain_empty=report.head_seq == 0)
    )
    keep = None
    if len(rows) == len(links):
        keep = _head_row(device_id, report, links, head.record_seq, recorded)
    return _Checked(report, policy, keep)


def check_checkpoint(
    database: Database, device_id: str, point: Checkpoint
) -> tuple[ChainReport, PolicyCheck | None]:
    """Verify the hub's copy up to ``point.seq`` and that it ends in ``point.hash``, and the
    reported policy digest against the digest the last policy event the hub holds recorded;
    record the checkpoint with the verdict either way. The links up to the head verified at
    the last good checkpoint are not read again (``check_chain_whole`` is the same verdict
    from every link, and words it when something is wrong)."""
    with database.read() as conn:
        found = _check_from_head(conn, device_id, point) or check_chain_whole(
            conn, device_id, point
        )
    report, policy = found.report, found.policy
    # A write of its own, taken up front (on SQLite a read turned write fails at once when
    # another process wrote in between); it takes no seq, so it does not wait for pushes.
    with database.engine.connect() as conn, conn.execution_options(hub_write=True).begin():
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
        if found.head is not None:
            h = audit_heads.c
            conn.execute(audit_heads.delete().where(h.device_id == device_id))
            conn.execute(audit_heads.insert().values(**found.head))
    return report, policy


@dataclass(frozen=True)
class DeviceChain:
    """One device's chain as the hub holds it, walked whole (``verify-audit``)."""

    device_id: str
    device_name: str
    report: ChainReport
    head_held: bool
    """Whether the walk passes through the head the checkpoints continue from."""

    def message(self) -> str:
        text = self.report.message()
        if self.report.ok and not self.head_held:
            return text + "；与上次核对通过的链尾不符（平台数据库中的日志被改动）"
        return text


def verify_all(database: Database) -> list[DeviceChain]:
    """Walk every device's whole chain on the hub, as a periodic audit of the hub's own copy:
    a checkpoint reads only what came after the last good one, so an edit made in the hub's
    database itself (not through a push, which gives a record a new seq) shows only here."""
    out = []
    with database.read() as conn:
        heads = {r.device_id: r for r in conn.execute(select(audit_heads))}
        devices = conn.execute(select(db.devices.c.id, db.devices.c.name)).all()
        for device_id, name in devices:
            links = device_links(conn, device_id)
            if not links and device_id not in heads:
                continue
            report = verify_chain(links)
            head = heads.get(device_id)
            held = head is None or (
                head.chain_seq == 0
                or any(r["chain_seq"] == head.chain_seq and r["hash"] == head.hash for r in links)
            )
            if report.ok and head is not None and head.chain_seq > report.head_seq:
                held = False
            out.append(DeviceChain(device_id, name, report, held))
    return out


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
