"""Unfinished form entries (草稿) kept as JSON in the encrypted store, so a crash loses little.

A draft lives in the ``settings`` table under ``draft/<username>/<kind>/<key>``; it is local to
this computer, never synced and never audited (it is not yet a record of anything).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.errors import ValidationError
from desktop.services.base import ALL_ROLES, Actor, Scope, json_safe, service
from desktop.store.models import Setting
from desktop.store.store import Store

PREFIX = "draft"
_PART = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
KEY_MAX = 60  # the settings key column


@dataclass(frozen=True)
class DraftInfo:
    """One saved draft: what kind of form, which key, and when it was last saved."""

    kind: str
    key: str
    saved_at: datetime


def _setting_key(actor: Actor, kind: str, key: str) -> str:
    for value, field in ((kind, "草稿类型"), (key, "草稿编号")):
        if not _PART.match(value):
            raise ValidationError(field, "只能使用字母、数字、下划线、点和连字符（1–40个）")
    full = f"{PREFIX}/{actor.username}/{kind}/{key}"
    if len(full) > KEY_MAX:
        raise ValidationError("草稿编号", f"过长（最多{KEY_MAX}个字符）")
    return full


@service(roles=ALL_ROLES, scope=Scope.NONE("a draft is the user's own unsaved form on this desk"))
def save_draft(store: Store, actor: Actor, kind: str, key: str, data: dict[str, Any]) -> DraftInfo:
    """Save (or overwrite) the actor's draft ``kind``/``key``; returns when it was saved."""
    if not isinstance(data, dict):
        raise ValidationError("草稿内容", "应为字典")
    setting_key = _setting_key(actor, kind, key)
    saved_at = datetime.now().replace(microsecond=0)
    text = json.dumps(
        {"saved_at": saved_at.isoformat(), "data": json_safe(data)}, ensure_ascii=False
    )
    with store.sessions.write() as s:
        row = s.get(Setting, setting_key)
        if row is None:
            s.add(Setting(key=setting_key, value=text))
        else:
            row.value = text
    return DraftInfo(kind, key, saved_at)


def _decode(text: str) -> tuple[datetime, dict[str, Any]] | None:
    try:
        doc = json.loads(text)
        return datetime.fromisoformat(doc["saved_at"]), dict(doc["data"])
    except (ValueError, KeyError, TypeError):
        return None  # a damaged draft is treated as absent rather than blocking the form


@service(roles=ALL_ROLES, scope=Scope.NONE("a draft is the user's own unsaved form on this desk"))
def load_draft(store: Store, actor: Actor, kind: str, key: str) -> dict[str, Any] | None:
    """The saved data of the actor's draft, or None when there is none."""
    setting_key = _setting_key(actor, kind, key)
    with store.sessions.read() as s:
        row = s.get(Setting, setting_key)
        decoded = _decode(row.value) if row is not None else None
    return decoded[1] if decoded else None


@service(roles=ALL_ROLES, scope=Scope.NONE("a draft is the user's own unsaved form on this desk"))
def delete_draft(store: Store, actor: Actor, kind: str, key: str) -> bool:
    """Remove the draft (after a successful submit or when discarded); True if one existed."""
    setting_key = _setting_key(actor, kind, key)
    with store.sessions.write() as s:
        row = s.get(Setting, setting_key)
        if row is None:
            return False
        s.delete(row)
        return True


@service(roles=ALL_ROLES, scope=Scope.NONE("a draft is the user's own unsaved form on this desk"))
def list_drafts(store: Store, actor: Actor, kind: str | None = None) -> list[DraftInfo]:
    """The actor's drafts (optionally of one kind), newest first."""
    prefix = f"{PREFIX}/{actor.username}/" + (f"{kind}/" if kind else "")
    with store.sessions.read() as s:
        rows = s.scalars(
            select(Setting).where(Setting.key >= prefix, Setting.key < prefix + "\uffff")
        ).all()
        found = []
        for row in rows:
            decoded = _decode(row.value)
            if decoded is None:
                continue
            _draft, _user, row_kind, row_key = row.key.split("/", 3)
            found.append(DraftInfo(row_kind, row_key, decoded[0]))
    return sorted(found, key=lambda d: d.saved_at, reverse=True)


def discard_draft_within(session: Session, actor: Actor, kind: str, key: str) -> None:
    """Remove the actor's draft inside the caller's transaction, so a record submitted from
    it and the draft's removal commit together (or neither)."""
    row = session.get(Setting, _setting_key(actor, kind, key))
    if row is not None:
        session.delete(row)
