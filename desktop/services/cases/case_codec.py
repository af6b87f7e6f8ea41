"""Case snapshot ↔ JSON for ``Application.workflow`` and domain events ↔ ``case_events`` rows.

The snapshot is stored without its event tuple (the events live in ``case_events``); every
other field is kept, so loading gives the same snapshot the machine returned.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from desktop.domain.workflow import AuditEvent, CaseSnapshot, Role, Side, State

_SKIP = frozenset({"events"})


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _encode(getattr(value, name)) for name in _encoded_fields(type(value))}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__}")


@cache
def _encoded_fields(cls: type) -> tuple[str, ...]:
    """The fields of a dataclass that are stored, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.name not in _SKIP)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, raw: Any) -> Any:
    if raw is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], raw)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        return tuple(_decode(item, v) for v in raw)
    if origin is not None:  # Mapping[str, Any] and similar: kept as given
        return raw
    if dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, raw)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(raw)
    if tp is date:
        return date.fromisoformat(raw)
    if tp is Decimal:
        return Decimal(raw)
    return raw


def _decode_dataclass(cls: Any, raw: dict[str, Any]) -> Any:
    hints = _hints(cls)
    kwargs = {
        f.name: _decode(hints[f.name], raw[f.name])
        for f in dataclasses.fields(cls)
        if f.name in raw and f.name not in _SKIP
    }
    return cls(**kwargs)


def snapshot_to_json(snapshot: CaseSnapshot) -> dict[str, Any]:
    """JSON-safe dict of the snapshot (without events)."""
    encoded: dict[str, Any] = _encode(snapshot)
    return encoded


def snapshot_from_json(raw: dict[str, Any]) -> CaseSnapshot:
    """The snapshot stored by ``snapshot_to_json``."""
    snapshot: CaseSnapshot = _decode_dataclass(CaseSnapshot, raw)
    return snapshot


def event_from_row(
    action: str,
    label: str,
    from_state: str | None,
    to_state: str,
    role: str,
    office_code: str,
    side: str,
    on: date,
    data: dict[str, Any],
) -> AuditEvent:
    """A domain event rebuilt from a ``case_events`` row (for ``replay``)."""
    return AuditEvent(
        action,
        label,
        State(from_state) if from_state else None,
        State(to_state),
        Role(role),
        office_code,
        Side(side),
        on,
        data,
    )
