"""The audit trail as a hash chain: each local event carries the hash of the one before it,
so a raw UPDATE, DELETE or INSERT in ``audit_events`` breaks a link that ``verify_chain``
finds (操作日志防篡改)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "id",
    "at",
    "user_id",
    "actor_name",
    "role",
    "office_id",
    "action",
    "entity",
    "entity_id",
    "summary",
    "data",
)


def _text(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="seconds")
    return value


def event_hash(seq: int, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the link number, the previous hash and the event's fields (canonical JSON)."""
    body = {k: _text(fields.get(k)) for k in HASHED_FIELDS}
    if isinstance(body["at"], str):
        body["at"] = body["at"].replace("T", " ")[:19]
    text = json.dumps(
        [seq, prev_hash, body], ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a check: how many links held and the first broken one (if any)."""

    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    broken_id: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    def message(self) -> str:
        if self.ok:
            return f"操作日志完整：共 {self.checked} 条，链尾第 {self.head_seq} 条"
        where = f"（记录 {self.broken_id}）" if self.broken_id else ""
        return f"操作日志第 {self.broken_seq} 条处断链：{self.problem}{where}"


def verify_chain(
    rows: Iterable[Mapping[str, Any]],
    *,
    after_seq: int = 0,
    after_hash: str = GENESIS,
    checked: int = 0,
) -> ChainReport:
    """Walk the chain in ``chain_seq`` order; each row has ``chain_seq``, ``prev_hash``,
    ``hash`` and the hashed fields. Rows without ``chain_seq`` that claim a local user are
    inserted off the chain and reported too (first).

    ``after_seq``/``after_hash``/``checked`` continue a chain already verified up to that link
    (``rows`` are then the links after it): the report is the one the whole walk would give."""
    prev = after_hash
    expected = after_seq + 1
    for row in rows:
        seq = row["chain_seq"]
        if seq is None:
            return ChainReport(
                checked, expected - 1, prev, 0, row["id"], "有一条记录不在链上（被插入）"
            )
        if seq != expected:
            problem = f"缺少第 {expected} 条（被删除）" if seq > expected else "序号重复"
            return ChainReport(checked, expected - 1, prev, expected, row["id"], problem)
        if row["prev_hash"] != prev:
            return ChainReport(checked, seq - 1, prev, seq, row["id"], "与上一条的链接不符")
        if event_hash(seq, prev, row) != row["hash"]:
            return ChainReport(checked, seq - 1, prev, seq, row["id"], "内容被修改")
        prev = row["hash"]
        expected += 1
        checked += 1
    return ChainReport(checked, expected - 1, prev)
