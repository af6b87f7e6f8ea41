"""Service plumbing: actors and roles, the role-checking decorator, and the unit of work that
writes a change, its audit event and its outbox entry in one transaction."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from desktop.errors import NotFound, PermissionDenied, ValidationError
from desktop.store import outbox
from desktop.store.models import (
    Application,
    AuditEvent,
    Household,
    Office,
    Synced,
)
from desktop.store.outbox import (  # noqa: F401  (re-exported: services name them from here)
    APPEND_ONLY_ENTITIES,
    ENTITY_NAMES,
    json_safe,
    payload_of,
)
from desktop.store.store import Store


class Role(StrEnum):
    CLERK = "clerk"
    SURVEYOR = "surveyor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    COORDINATOR = "coordinator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: "窗口受理员",
    Role.SURVEYOR: "入户调查员",
    Role.SUPERVISOR: "审核负责人",
    Role.ADMIN: "系统管理员",
    Role.COORDINATOR: "社区救助协理员",
}

ALL_ROLES = frozenset(Role)
# Roles that may see ID numbers and phone numbers in full; community coordinators, who only
# visit and report, see them masked.
FULL_PERSONAL_DATA_ROLES = frozenset({Role.CLERK, Role.SUPERVISOR, Role.ADMIN, Role.SURVEYOR})
# Roles that pay the benefit and so see the payee bank account in full; others see it masked.
PAYER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class Actor:
    """Who is acting: the logged-in user, their role and their office."""

    user_id: str
    username: str
    display_name: str
    role: Role
    office_id: str
    office_code: str
    office_name: str

    def sees_full_personal_data(self) -> bool:
        return self.role in FULL_PERSONAL_DATA_ROLES


P = ParamSpec("P")
R = TypeVar("R")


def service(
    *, roles: Iterable[Role], changes: Iterable[str] = ()
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare who may call a service and which kinds of data it changes (``fn.changes``).

    The decorated function's first two parameters are ``store`` and ``actor``.
    """
    allowed = frozenset(roles)

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = args[1] if len(args) > 1 else kwargs.get("actor")
            if not isinstance(actor, Actor):
                raise PermissionDenied("未登录，不能执行此操作")
            if actor.role not in allowed:
                names = "、".join(ROLE_LABELS[r] for r in Role if r in allowed)
                raise PermissionDenied(f"{actor.role.label}无权执行此操作（仅限：{names}）")
            return fn(*args, **kwargs)

        inner.changes = frozenset(changes)  # type: ignore[attr-defined]
        inner.roles = allowed  # type: ignore[attr-defined]
        return inner

    return wrap


class UnitOfWork:
    """One transaction of one actor: changed rows get an outbox entry and an audit event."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.now = datetime.now().replace(microsecond=0)
        self._office_codes: dict[str, str] = {}

    def office_code(self, office_id: str) -> str:
        if office_id not in self._office_codes:
            office = self.session.get(Office, office_id)
            if office is None:
                raise NotFound(f"街道不存在：{office_id}")
            self._office_codes[office_id] = office.code
        return self._office_codes[office_id]

    def scope_of(self, obj: Synced) -> list[str]:
        """Office codes a record belongs to (the hub sends it only to those offices)."""
        if isinstance(obj, Office):
            return [obj.code]
        own_scope = getattr(obj, "sync_offices", None)
        if own_scope is not None:  # records not tied to a household (e.g. warning disposals)
            return sorted(own_scope())
        if isinstance(obj, Household | Application):
            ids = [obj.residence_office_id, obj.hukou_office_id]
        else:
            household = self.session.get(Household, obj.household_id)  # type: ignore[attr-defined]
            if household is None:
                raise NotFound("家庭不存在")
            ids = [household.residence_office_id, household.hukou_office_id]
        return sorted({self.office_code(i) for i in ids})

    def record(
        self,
        obj: Synced,
        *,
        action: str,
        summary: str,
        op: str = "upsert",
        data: dict[str, Any] | None = None,
    ) -> None:
        """Mark ``obj`` changed: flush it, queue it for sync and audit it, all in this transaction."""
        obj.dirty = True
        if op == "delete":
            obj.deleted = True
        self.session.add(obj)
        self.session.flush()
        entity = ENTITY_NAMES[obj.__tablename__]  # type: ignore[attr-defined]
        if isinstance(obj, Office) and obj.code != self.actor.office_code:
            # another office's row is this desk's note of it; the hub's office directory,
            # not this desk, names it for every desk (sync/directory.py)
            self.audit(action, entity, obj.id, summary, data)
            return
        scope = self.scope_of(obj)
        outbox.queue(
            self.session,
            entity=entity,
            entity_id=obj.id,
            op=op,
            payload=payload_of(obj),
            offices=scope,
            base_rev=obj.rev or None,
        )
        # the audit line of a case's record travels with the case (both offices' timeline)
        shared = scope if self.actor.office_code in scope else None
        self.audit(action, entity, obj.id, summary, data, offices=shared)

    def append(self, entity: str, entity_id: str, payload: dict, offices: list[str]) -> None:
        """Queue an append-only record (e.g. a workflow timeline event) for sync as is."""
        outbox.queue(
            self.session,
            entity=entity,
            entity_id=entity_id,
            payload=json_safe(payload),
            offices=offices,
            fold=False,
        )

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: str,
        summary: str,
        data: dict[str, Any] | None = None,
        *,
        offices: list[str] | None = None,
    ) -> AuditEvent:
        """Append an audit event (also queued for sync as an append-only record)."""
        event = AuditEvent(
            at=self.now,
            user_id=self.actor.user_id,
            actor_name=self.actor.display_name,
            role=self.actor.role.value,
            office_id=self.actor.office_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            summary=summary[:300],
            data=json_safe(data or {}),
        )
        self.session.add(event)
        self.session.flush()
        payload = {
            "id": event.id,
            "at": event.at.isoformat(),
            "actor_name": event.actor_name,
            "role": event.role,
            "office_code": self.actor.office_code,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "summary": event.summary,
            "data": event.data,
        }
        outbox.queue(
            self.session,
            entity=outbox.AUDIT_ENTITY,
            entity_id=event.id,
            payload=payload,
            offices=offices or [self.actor.office_code],
            fold=False,
        )
        return event


@contextmanager
def unit_of_work(
    store: Store, actor: Actor, *, within: UnitOfWork | None = None
) -> Iterator[UnitOfWork]:
    """Open the one write transaction of a service call; a service called by another service
    with ``within`` joins the caller's transaction instead (all or nothing)."""
    if within is not None:
        yield within
        return
    with store.sessions.write() as session:
        yield UnitOfWork(session, actor)


def require_text(value: str | None, field: str, *, max_len: int, required: bool = True) -> str:
    """Trim a text field; check it is present and not over-long."""
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(field, "不能为空", code="required")
    if len(text) > max_len:
        raise ValidationError(field, f"不能超过{max_len}个字（当前{len(text)}个）", code="too_long")
    return text


def choice(value: str, field: str, options: dict[str, str]) -> str:
    """Check a code is one of ``options`` (code → Chinese label)."""
    if value not in options:
        allowed = "、".join(options.values())
        raise ValidationError(field, f"取值无效（可选：{allowed}）", code="choice")
    return value
