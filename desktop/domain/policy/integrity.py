"""The policy table held to the audit chain (政策参数防篡改): every change made through the
program records the digest of the whole table in its audit event, so a table that no longer
hashes to the digest of the latest such event was edited outside the program. The desk checks
it before any amount is computed; the hub checks the digest a desk reports against the events
it received from that desk."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from desktop.domain.policy.tables import PolicyRow

DIGEST_FIELD = "policy_digest"
"""The key in an audit event's data that carries the table's digest after the event."""

REVISION_FIELD = "schema_revision"
"""The key carrying the store's schema revision in the events that set a baseline."""

BASELINE_ACTIONS = frozenset({"first_run", "policy_baseline"})
"""Events that state the table as found (a new store, or the first start after an upgrade)."""

DIGEST_ACTIONS = BASELINE_ACTIONS | {"add_policy_row", "correct_policy_row", "adopt_city_policy"}
"""Every audit action whose data carries the table's digest."""


def policy_digest(rows: Iterable[PolicyRow]) -> str:
    """SHA-256 over the table's content (key, value, dates, district, source), order-free."""
    canon = sorted(
        [
            r.key,
            r.value,
            r.effective_from.isoformat(),
            r.effective_to.isoformat() if r.effective_to else "",
            r.district or "",
            r.source or "",
        ]
        for r in rows
    )
    text = json.dumps(canon, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RecordedDigest:
    """The latest digest the audit chain states, and the link that states it."""

    seq: int
    digest: str
    action: str


def latest_recorded(events: Iterable[Mapping[str, Any]]) -> RecordedDigest | None:
    """The digest of the highest-numbered event (``chain_seq``, ``action``, ``data``) that
    carries one; ``None`` when no event does."""
    best: RecordedDigest | None = None
    for e in events:
        data = e.get("data")
        if e.get("action") not in DIGEST_ACTIONS or not isinstance(data, Mapping):
            continue
        digest, seq = data.get(DIGEST_FIELD), e.get("chain_seq")
        if not isinstance(digest, str) or seq is None:
            continue
        if best is None or int(seq) > best.seq:
            best = RecordedDigest(int(seq), digest, str(e.get("action")))
    return best


@dataclass(frozen=True)
class PolicyCheck:
    """Whether the policy table is the one the audit chain last recorded."""

    actual: str
    recorded: RecordedDigest | None
    chain_empty: bool = False

    @property
    def ok(self) -> bool:
        if self.recorded is None:
            return self.chain_empty
        return self.recorded.digest == self.actual

    def message(self) -> str:
        if self.recorded is None:
            if self.chain_empty:
                return "政策参数：本机尚无操作日志，未核对"
            return "政策参数与操作日志不符：日志中没有政策参数的记录（日志可能被删改）"
        if self.ok:
            return f"政策参数与操作日志第 {self.recorded.seq} 条记录一致"
        return (
            f"政策参数与操作日志不符：操作日志第 {self.recorded.seq} 条之后，"
            "政策参数表被绕过本系统改动；在核对并经系统管理员更正之前不能计算金额"
        )


def check_digest(
    actual: str, events: Iterable[Mapping[str, Any]], *, chain_empty: bool
) -> PolicyCheck:
    """Compare a table's digest with the latest one the events record; ``chain_empty`` says
    the device has no chained event at all (a store not yet used: nothing to hold it to)."""
    return PolicyCheck(actual, latest_recorded(events), chain_empty=chain_empty)


def _row_text(r: PolicyRow) -> str:
    from desktop.domain.policy.keys import value_text

    end = f"至 {r.effective_to.isoformat()}" if r.effective_to else "起"
    where = f"（{r.district}）" if r.district else ""
    return f"{value_text(r.key, r.value)}{where}，{r.effective_from.isoformat()} {end}"


def policy_differences(local: Iterable[PolicyRow], city: Iterable[PolicyRow]) -> list[str]:
    """One Chinese line per policy key whose rows differ between this desk and the city's
    table, naming both sides (the source column is not compared)."""
    from desktop.domain.policy.keys import key_label

    def by_key(rows: Iterable[PolicyRow]) -> dict[str, set[PolicyRow]]:
        out: dict[str, set[PolicyRow]] = {}
        for r in rows:
            out.setdefault(r.key, set()).add(replace(r, source=""))
        return out

    mine, theirs = by_key(local), by_key(city)
    lines = []
    for key in sorted(mine.keys() | theirs.keys()):
        a, b = mine.get(key, set()), theirs.get(key, set())
        if a == b:
            continue
        here = "；".join(_row_text(r) for r in sorted(a - b, key=lambda r: r.effective_from))
        there = "；".join(_row_text(r) for r in sorted(b - a, key=lambda r: r.effective_from))
        lines.append(f"{key_label(key)}：本机 {here or '（无）'}，市级 {there or '（无）'}")
    return lines
