"""Device registration with the municipal hub and the sync status shown to people."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select

from desktop.errors import ValidationError
from desktop.services.base import Actor, Role, Scope, require_text, service, unit_of_work
from desktop.store import number_blocks
from desktop.store.models import OutboxEntry
from desktop.store.outbox import STATE_LABELS, OutboxState
from desktop.store.store import Store
from desktop.store.sync_models import SyncConflict
from sync import state
from sync.directory import refill_numbers
from sync.hub_client import HubApi
from sync.transport import HubError, SyncCancelled

OUTBOX_STATES = STATE_LABELS
ENTITY_LABELS = {
    "office": "街道",
    "household": "家庭",
    "person": "家庭成员",
    "income_item": "收入",
    "asset": "财产",
    "application": "救助申请",
    "document": "材料",
    "audit_event": "操作日志",
    "attachment_meta": "附件信息",
    "check_request": "核对申请",
    "warning_disposal": "预警处置",
    "home_survey": "入户调查表",
    "timeline_event": "办理记录",
    "home_visit": "走访记录",
    "visit_problem": "走访发现问题",
}


@dataclass(frozen=True)
class SyncStatus:
    """Whether the desk is registered, when it last synced, and what waits."""

    hub_url: str
    device_id: str
    device_name: str
    office_code: str
    registered: bool
    last_sync_at: str
    last_ok: bool | None
    last_text: str
    unsynced: int
    by_state: dict[str, int]
    open_conflicts: int


@dataclass(frozen=True)
class OutboxView:
    """One outbox entry as listed in the sync panel."""

    seq: int
    change_id: str
    entity: str
    entity_label: str
    entity_id: str
    op: str
    state: str
    state_label: str
    attempts: int
    reason: str


def _check_url(hub_url: str) -> str:
    url = require_text(hub_url, "市级平台地址", max_len=200).rstrip("/")
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ValidationError("市级平台地址", "须以 https:// 开头（本机测试可用 http://127.0.0.1）")
    return url


@service(
    scope=Scope.NONE("enrols this desk with the hub, no family"),
    roles={Role.ADMIN},
    changes={"sync"},
)
def register_device(
    store: Store,
    actor: Actor,
    hub_url: str,
    enrol_code: str,
    device_name: str,
    http: Any = None,
    run_db: Callable[..., Any] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SyncStatus:
    """Enrol this desk for the actor's office with a one-time code; keep the token encrypted.

    The request runs in the calling thread; the store steps go through ``run_db(fn, *args)``
    when given (the window: network pool for the request, writer thread for the steps).
    """

    run = run_db or (lambda fn, *args: fn(*args))
    url = _check_url(hub_url)
    code = require_text(enrol_code, "注册码", max_len=64)
    name = require_text(device_name, "终端名称", max_len=64)
    known = run(state.get_many, store, [state.DEVICE_ID, state.HUB_URL, state.PENDING_TOKEN])
    device_id = uuid.UUID(known[state.DEVICE_ID]) if state.DEVICE_ID in known else uuid.uuid4()
    pending = known.get(state.PENDING_TOKEN) or secrets.token_urlsafe(32)
    # kept before the request: a try whose answer was lost is repeated with the same body
    run(state.put_many, store, {state.DEVICE_ID: str(device_id), state.PENDING_TOKEN: pending})
    api = HubApi(url, http=http)
    token = api.register(
        actor.office_code, code, name, device_id, cancelled=cancelled, token=pending
    )
    device_code = api.registration.device_code if api.registration else None
    values = {
        state.HUB_URL: url,
        state.DEVICE_ID: str(device_id),
        state.DEVICE_NAME: name,
        state.TOKEN: token,
        state.PENDING_TOKEN: "",
        state.OFFICE_CODE: actor.office_code,
    }
    if device_code:  # the code in this desk's offline case numbers
        values[number_blocks.DEVICE_CODE] = device_code
    if known.get(state.HUB_URL) != url:
        values[state.CURSOR] = "0"  # another hub: start its pull from the beginning
    status: SyncStatus = run(_keep_registration, store, actor, values)
    # a first block of case numbers while online; else the first sync leases it
    with contextlib.suppress(HubError, SyncCancelled):
        refill_numbers(store, api, cancelled=cancelled, run_db=run)
    return status


def _keep_registration(store: Store, actor: Actor, values: dict[str, str]) -> SyncStatus:
    """Store the registration (one audited transaction) and return the new status."""
    with unit_of_work(store, actor) as uow:
        for key, value in values.items():
            state.put(uow.session.connection(), key, value)
        name = values[state.DEVICE_NAME]
        uow.audit(
            "register_device", "device", values[state.DEVICE_ID], f"本机注册到市级平台：{name}"
        )
    return sync_status(store)


@dataclass(frozen=True)
class QuarantinedView:
    """A pulled record the desk refused as invalid (隔离), as listed in the sync panel."""

    entity: str
    record_id: str
    rev: int | None
    reason: str
    at: str


def list_quarantined(store: Store) -> list[QuarantinedView]:
    """Pulled records kept out of the store for their content, newest first."""
    raw = state.get_many(store, [state.QUARANTINE]).get(state.QUARANTINE)
    entries = orjson.loads(raw) if raw else []
    return [
        QuarantinedView(
            str(e.get("entity", "")),
            str(e.get("id", "")),
            e.get("rev"),
            str(e.get("reason", "")),
            str(e.get("at", "")),
        )
        for e in reversed(entries)
    ]


def sync_status(store: Store) -> SyncStatus:
    """Registration, last result and the outbox counts by state."""
    keys = [
        state.HUB_URL,
        state.DEVICE_ID,
        state.DEVICE_NAME,
        state.TOKEN,
        state.OFFICE_CODE,
        state.LAST_SYNC_AT,
        state.LAST_RESULT,
    ]
    values = state.get_many(store, keys)
    with store.sessions.read() as s:
        counts = dict(
            s.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)).all()
        )
        conflicts = s.scalar(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.status == "open")
        )
    last = orjson.loads(values[state.LAST_RESULT]) if state.LAST_RESULT in values else None
    return SyncStatus(
        hub_url=values.get(state.HUB_URL, ""),
        device_id=values.get(state.DEVICE_ID, ""),
        device_name=values.get(state.DEVICE_NAME, ""),
        office_code=values.get(state.OFFICE_CODE, ""),
        registered=bool(values.get(state.TOKEN) and values.get(state.HUB_URL)),
        last_sync_at=values.get(state.LAST_SYNC_AT, ""),
        last_ok=None if last is None else bool(last.get("ok")),
        last_text="" if last is None else str(last.get("text", "")),
        unsynced=sum(v for k, v in counts.items() if k != OutboxState.APPLIED),
        by_state={k: int(v) for k, v in counts.items()},
        open_conflicts=int(conflicts or 0),
    )


def list_outbox(store: Store, states: tuple[str, ...] = (), limit: int = 500) -> list[OutboxView]:
    """Outbox entries, newest first, optionally only some states (rejected ones show why)."""
    query = select(OutboxEntry).order_by(OutboxEntry.seq.desc()).limit(limit)
    if states:
        query = query.where(OutboxEntry.state.in_(states))
    with store.sessions.read() as s:
        return [
            OutboxView(
                e.seq,
                e.change_id,
                e.entity,
                ENTITY_LABELS.get(e.entity, e.entity),
                e.entity_id,
                e.op,
                e.state,
                OUTBOX_STATES.get(e.state, e.state),
                e.attempts,
                e.last_error,
            )
            for e in s.scalars(query)
        ]
