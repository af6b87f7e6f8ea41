"""A cheap reader of well-formed push bodies: orjson plus a hand check of every change.

It is strictly narrower than the pydantic models of sync.protocol: whatever it accepts,
``PushRequest`` accepts with the same values. Anything else (bad JSON, a wrong field, an
unusual but valid spelling of a UUID, …) returns None and the caller validates the body with
pydantic, which produces the usual 422 answer naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from sync.protocol import ENTITY_RE, MAX_OFFICES_PER_RECORD, MAX_PUSH_CHANGES, OFFICE_CODE_RE

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_KEYS = frozenset({"change_id", "entity", "id", "base_rev", "op", "payload", "offices"})
_OPS = frozenset({"upsert", "delete"})


@dataclass(slots=True)
class PushedChange:
    """One change of a push batch, ids as canonical lowercase UUID text."""

    change_id: str
    entity: str
    id: str
    base_rev: int | None
    op: str
    payload: dict[str, Any]
    offices: list[str]


def _offices_ok(offices: Any) -> bool:
    if type(offices) is not list or not 1 <= len(offices) <= MAX_OFFICES_PER_RECORD:
        return False
    match = OFFICE_CODE_RE.match
    return all(type(code) is str and match(code) for code in offices)


def _change(item: Any) -> PushedChange | None:
    """The change when every field is exactly what the protocol asks, else None."""
    if type(item) is not dict or item.keys() != _KEYS:
        return None
    change_id, rid, entity, base_rev = (
        item["change_id"],
        item["id"],
        item["entity"],
        item["base_rev"],
    )
    if not (
        type(change_id) is str
        and type(rid) is str
        and _UUID_RE.match(change_id)
        and _UUID_RE.match(rid)
        and type(entity) is str
        and ENTITY_RE.match(entity)
        and (base_rev is None or (type(base_rev) is int and base_rev >= 1))
        and type(item["op"]) is str
        and item["op"] in _OPS
        and type(item["payload"]) is dict
        and _offices_ok(item["offices"])
    ):
        return None
    return PushedChange(
        change_id, entity, rid, base_rev, item["op"], item["payload"], item["offices"]
    )


def read_push(body: bytes) -> list[PushedChange] | None:
    """The changes of a well-formed version-1 push body, or None (let pydantic explain)."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if type(doc) is not dict or not doc.keys() <= {"v", "changes"} or "changes" not in doc:
        return None
    version, items = doc.get("v", 1), doc["changes"]
    if type(version) is not int or version != 1:
        return None
    if type(items) is not list or len(items) > MAX_PUSH_CHANGES:
        return None
    out = []
    for item in items:
        change = _change(item)
        if change is None:
            return None
        out.append(change)
    return out


def from_model(change: Any) -> PushedChange:
    """A pydantic ``Change`` (validated the slow way) in the same plain form."""
    return PushedChange(
        str(change.change_id),
        change.entity,
        str(change.id),
        change.base_rev,
        change.op,
        change.payload,
        list(change.offices),
    )
