"""Service plumbing: actors and roles, the role-checking decorator, and the unit of work that
writes a change, its audit event and its outbox entry in one transaction."""

from __future__ import annotations

import functools
import inspect
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.audit_chain import GENESIS, event_hash
from desktop.errors import NotFound, PermissionDenied, ValidationError
from desktop.services.changes import Change, change_kinds
from desktop.services.scope import Scope, check_scope
from desktop.store import outbox
from desktop.store.models import (
    Application,
    AuditEvent,
    Household,
    Office,
    Synced,
    new_id,
)
from desktop.store.outbox import (  # noqa: F401  (re-exported: services name them from here)
    APPEND_ONLY_ENTITIES,
    ENTITY_NAMES,
    json_safe,
    payload_of,
)
from desktop.store.store import Store

__all__ = ["Change", "Scope"]


class Role(StrEnum):
    CLERK = "clerk"
    SURVEYOR = "surveyor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    PROVIDER = "provider"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: "窗口受理员",
    Role.SURVEYOR: "入户调查员",
    Role.SUPERVISOR: "审核负责人",
    Role.ADMIN: "系统管理员",
    Role.COORDINATOR: "社区救助协理员",
    Role.PROVIDER: "购买服务机构",
}

ALL_ROLES = frozenset(Role) - {Role.PROVIDER}
"""Every office staff role. A purchased-service provider (政府购买服务机构) is not staff: each
service it may call names it, and the scope check limits it to the families assigned to it."""
PROVIDER_ROLES = ALL_ROLES | {Role.PROVIDER}
"""Staff and the provider: what a provider may read or fill for its assigned families."""
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
    *, roles: Iterable[Role], scope: Scope, changes: Iterable[str] = ()
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare who may call a service, what family it reaches and what kinds of data it changes.

    The decorated function's first two parameters are ``store`` and ``actor``. ``scope``
    names the parameter that leads to the family (``Scope.HOUSEHOLD("household_id")``,
    ``Scope.APPLICATION("application_id")`` …) or says why none is reached
    (``Scope.NONE("…")``); the office/community check runs here, before the body, for every
    caller. ``changes`` are ``Change`` kinds (``fn.changes``), published to the screens.
    """
    allowed = frozenset(roles)
    kinds = change_kinds(changes)

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn)
        root = scope.param.split(".")[0]
        if scope.reaches_family and root not in signature.parameters:
            raise TypeError(f"{fn.__qualname__}: scope names unknown parameter {root!r}")

        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = args[1] if len(args) > 1 else kwargs.get("actor")
            if not isinstance(actor, Actor):
                raise PermissionDenied("未登录，不能执行此操作")
            if actor.role not in allowed:
                names = "、".join(ROLE_LABELS[r] for r in Role if r in allowed)
                raise PermissionDenied(f"{actor.role.label}无权执行此操作（仅限：{names}）")
            if scope.reaches_family:
                bound = signature.bind_partial(*args, **kwargs).arguments
                _check_declared_scope(bound, actor, scope, bound.get(root))
            return fn(*args, **kwargs)

        inner.changes = kinds  # type: ignore[attr-defined]
        inner.roles = allowed  # type: ignore[attr-defined]
        inner.scope = scope  # type: ignore[attr-defined]
        return inner

    return wrap


def _check_declared_scope(bound: dict[str, Any], actor: Actor, scope: Scope, value: Any) -> None:
    """Resolve the declared parameter inside the caller's transaction (``within``) when there
    is one, so records written earlier in it are seen; else in a read session."""
    within = bound.get("within")
    if isinstance(within, UnitOfWork):
        check_scope(within.session, actor, scope, value)
        return
    store = bound.get("store")
    if not isinstance(store, Store):
        raise PermissionDenied("未打开数据库，不能执行此操作")
    with store.sessions.read() as session:
        check_scope(session, actor, scope, value)


class UnitOfWork:
    """One transaction of one actor: changed rows get an outbox entry and an audit event."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.now = datetime.now().replace(microsecond=0)
        self._office_codes: dict[str, str] = {}
        self._chain_head: tuple[int, str] | None = None

    def _next_link(self) -> tuple[int, str]:
        """The next link number and the hash it chains to (read once per transaction; the
        unique ``chain_seq`` refuses a second writer racing for the same link)."""
        if self._chain_head is None:
            last = self.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.chain_seq.is_not(None))
                .order_by(AuditEvent.chain_seq.desc())
                .limit(1)
            ).first()
            self._chain_head = (last.chain_seq or 0, last.hash) if last else (0, GENESIS)
        seq, prev = self._chain_head
        return seq + 1, prev

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
        self._queue_and_audit(obj, entity, action, summary, op, data)

    def _queue_and_audit(
        self,
        obj: Synced,
        entity: str,
        action: str,
        summary: str,
        op: str,
        data: dict[str, Any] | None,
        known: dict[str, outbox.OutboxEntry] | None = None,
        flush: bool = True,
    ) -> None:
        """Queue ``obj`` for its offices and write its audit line (``record``'s last step)."""
        scope = self.scope_of(obj)
        outbox.queue(
            self.session,
            entity=entity,
            entity_id=obj.id,
            op=op,
            payload=payload_of(obj),
            offices=scope,
            base_rev=obj.rev or None,
            known=known,
        )
        # the audit line of a case's record travels with the case (both offices' timeline)
        shared = scope if self.actor.office_code in scope else None
        self.audit(action, entity, obj.id, summary, data, offices=shared, flush=flush)

    def record_each(
        self,
        items: Sequence[tuple[Synced, str]],
        *,
        action: str,
        op: str = "upsert",
        data: dict[str, Any] | None = None,
    ) -> None:
        """``record`` row by row for (row, summary) pairs: the plain form of ``record_many``."""
        for obj, summary in items:
            self.record(obj, action=action, summary=summary, op=op, data=data)

    def record_many(
        self,
        items: Sequence[tuple[Synced, str]],
        *,
        action: str,
        op: str = "upsert",
        data: dict[str, Any] | None = None,
    ) -> None:
        """``record`` for many (row, summary) pairs of one action: the same rows, outbox
        entries and audit events in the same order, with one flush of the rows, one read of
        their families and of their unsent entries, and one flush of the audit events,
        instead of each once per row (tests/beyond_cash/test_record_many.py)."""
        if any(isinstance(obj, Office) for obj, _ in items):
            self.record_each(items, action=action, op=op, data=data)
            return
        for obj, _ in items:
            obj.dirty = True
            if op == "delete":
                obj.deleted = True
            self.session.add(obj)
        self.session.flush()
        objs = [obj for obj, _ in items]
        held = [*self._households_of(objs), *self._reloaded(objs)]  # kept in the identity map
        known = outbox.pending_entries(self.session, [obj.id for obj in objs])
        for obj, summary in items:
            entity = ENTITY_NAMES[obj.__tablename__]  # type: ignore[attr-defined]
            self._queue_and_audit(obj, entity, action, summary, op, data, known, flush=False)
        self.session.flush()
        del held

    def _households_of(self, objs: list[Synced]) -> list[Household]:
        """The families of rows tied to one, read at once (``scope_of`` then finds them)."""
        ids = sorted(
            {
                hid
                for obj in objs
                if not isinstance(obj, Household | Application)
                and getattr(obj, "sync_offices", None) is None
                and (hid := getattr(obj, "household_id", None))
            }
        )
        out: list[Household] = []
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            out.extend(self.session.scalars(select(Household).where(Household.id.in_(part))))
        return out

    def _reloaded(self, objs: list[Synced]) -> list[Synced]:
        """The rows again after their flush, at once per table: the columns the database
        filled (times) are read here instead of one row at a time by ``payload_of``."""
        out: list[Synced] = []
        by_class: dict[type, list[str]] = {}
        for obj in objs:
            by_class.setdefault(type(obj), []).append(obj.id)
        for cls, ids in by_class.items():
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                out.extend(self.session.scalars(select(cls).where(cls.id.in_(part))))  # type: ignore[attr-defined]
        return out

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
        flush: bool = True,
    ) -> AuditEvent:
        """Append an audit event (also queued for sync as an append-only record); without
        ``flush`` it is written with the session's next flush."""
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
        event.id = event.id or new_id()
        seq, prev = self._next_link()
        event.chain_seq, event.prev_hash = seq, prev
        event.hash = event_hash(seq, prev, event.__dict__)
        self._chain_head = (seq, event.hash)
        self.session.add(event)
        if flush:
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
            "chain": {
                "seq": seq,
                "prev": prev,
                "hash": event.hash,
                "user_id": event.user_id,
                "office_id": event.office_id,
            },
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


# Characters no entered text may hold: control characters (NUL, escapes …; tab and newline
# are allowed in multi-line notes), zero-width characters and bidirectional overrides that
# make a name read differently on screen than it is stored.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width space/joiners, word joiner, BOM, soft hyphen
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"  # bidi
)


def check_plain_text(text: str, field: str, *, multiline: bool = False) -> str:
    """Refuse control, zero-width and bidirectional-override characters in entered text."""
    for ch in text:
        if multiline and ch in "\n\r\t":
            continue
        if ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
            name = unicodedata.name(ch, "控制字符")
            raise ValidationError(
                field,
                f"含有不可见或控制字符（U+{ord(ch):04X} {name}），请删除后重新输入",
                code="invisible_char",
            )
    return text


def require_text(
    value: str | None,
    field: str,
    *,
    max_len: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Trim a text field; check it is present, not over-long and free of hidden characters."""
    text = check_plain_text((value or "").strip(), field, multiline=multiline)
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
