"""What a synced record may hold: one check used by the hub (on push) and the desk (on pull).

The field kinds of every entity come from the desk's tables (``sync.codecs.entity_schema``) and
are kept in ``entity_schema.json`` beside this module, so the hub checks records without the
desk's code. A record that fails gets a Chinese reason naming the field; the hub refuses it
and the desk quarantines it (``sync.apply``), and neither lets it stop the rest of a page.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from sync.protocol import OFFICE_CODE_RE as OFFICE_RE
from sync.protocol import SHA256_RE as SHA256_FIELD_RE

SCHEMA_FILE = Path(__file__).resolve().parent / "entity_schema.json"
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MONEY_LIMIT = Decimal("1e12")
ID_MAX = 36
MAX_DEPTH = 20
#: Fields that name attachment files: 64 lowercase hex digits or empty.
SHA_FIELDS = frozenset({"sha256"})
#: Entities the desk keeps outside ``entity_schema.json`` (hand-written field kinds).
EXTRA_ENTITIES: dict[str, dict[str, dict[str, Any]]] = {
    "audit_event": {
        "at": {"kind": "datetime", "nullable": True},
        "actor_name": {"kind": "text", "length": 40, "nullable": True},
        "role": {"kind": "text", "length": 20, "nullable": True},
        "office_code": {"kind": "text", "length": 12, "nullable": True},
        "action": {"kind": "text", "length": 40, "nullable": True},
        "entity": {"kind": "text", "length": 30, "nullable": True},
        "entity_id": {"kind": "text", "length": 36, "nullable": True},
        "summary": {"kind": "text", "length": 300, "nullable": True},
        "data": {"kind": "json", "nullable": True},
    },
    "timeline_event": {
        "application_id": {"kind": "text", "length": 36, "nullable": False},
        "seq": {"kind": "int", "nullable": True},
        "at": {"kind": "datetime", "nullable": True},
        "on": {"kind": "date", "nullable": True},
        "action": {"kind": "text", "length": 30, "nullable": True},
        "label": {"kind": "text", "length": 40, "nullable": True},
        "to_state": {"kind": "text", "length": 40, "nullable": True},
        "from_state": {"kind": "text", "length": 40, "nullable": True},
        "actor_name": {"kind": "text", "length": 40, "nullable": True},
        "role": {"kind": "text", "length": 20, "nullable": True},
        "office_code": {"kind": "text", "length": 12, "nullable": True},
        "side": {"kind": "text", "length": 10, "nullable": True},
        "data": {"kind": "json", "nullable": True},
    },
}


@cache
def schema() -> dict[str, dict[str, dict[str, Any]]]:
    """Field kinds by entity and field name."""
    loaded: dict[str, dict[str, dict[str, Any]]] = json.loads(SCHEMA_FILE.read_text("utf-8"))
    return {**loaded, **EXTRA_ENTITIES}


def _json_ok(value: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return True
    if isinstance(value, int):
        return INT_MIN <= value <= INT_MAX
    if isinstance(value, list):
        return all(_json_ok(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_ok(v, depth + 1) for k, v in value.items())
    return False


def _field_problem(name: str, spec: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` cannot be field ``name`` of kind ``spec``, or None."""
    if value is None:
        return None  # a column that needs a value gets its default instead (sync.codecs)
    kind = spec["kind"]
    if name in SHA_FIELDS:
        ok = isinstance(value, str) and (value == "" or bool(SHA256_FIELD_RE.match(value)))
        return None if ok else "不是有效的 sha256（64 位十六进制）"
    if kind == "text":
        if not isinstance(value, str):
            return "应为文字"
        length = spec.get("length")
        if length and len(value) > length:
            return f"超过{length}个字"
        return None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "应为整数"
        return None if INT_MIN <= value <= INT_MAX else "超出整数范围"
    if kind == "bool":
        return None if isinstance(value, bool) or value in (0, 1) else "应为是或否"
    if kind == "money":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return "应为金额"
        if value == "":
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return "不是有效的金额"
        if not amount.is_finite() or abs(amount) >= MONEY_LIMIT:
            return "不是有效的金额"
        return None
    if kind in {"date", "datetime"}:
        if not isinstance(value, str):
            return "应为日期"
        if value == "" and kind == "date":
            return None
        try:
            (date if kind == "date" else datetime).fromisoformat(value)
        except ValueError:
            return "不是有效的日期"
        return None
    if kind == "json":
        return None if _json_ok(value) else "内容无法保存（层次过深或数字超出范围）"
    return None


def payload_problem(entity: str, payload: Any) -> str | None:
    """A Chinese reason why ``payload`` is not a valid ``entity`` record, or None."""
    if not isinstance(payload, dict):
        return "记录内容不是对象"
    fields = schema().get(entity)
    if fields is None:
        return None if _json_ok(payload) else "记录内容无法保存（数字超出范围）"
    for name, value in payload.items():
        spec = fields.get(name)
        if spec is None:
            if not _json_ok(value):
                return f"字段“{name}”无法保存"
            continue
        problem = _field_problem(name, spec, value)
        if problem is not None:
            return f"字段“{name}”{problem}"
    return None


def record_problem(record: Any) -> str | None:
    """A Chinese reason why a pulled record (entity, id, rev, deleted, payload) is unusable."""
    if not isinstance(record, dict):
        return "记录不是对象"
    rid, rev = record.get("id"), record.get("rev")
    if not isinstance(record.get("entity"), str) or not isinstance(rid, str):
        return "记录缺少类型或编号"
    if not rid or len(rid) > ID_MAX:
        return "记录编号不正确"
    if isinstance(rev, bool) or not isinstance(rev, int) or not 1 <= rev <= INT_MAX:
        return "记录版本号不正确"
    if not isinstance(record.get("deleted"), bool):
        return "记录删除标记不正确"
    offices = record.get("offices", [])
    if not isinstance(offices, list) or not all(
        isinstance(c, str) and OFFICE_RE.match(c) for c in offices
    ):
        return "记录的街道范围不正确"
    return payload_problem(record["entity"], record.get("payload"))
