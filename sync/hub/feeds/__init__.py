"""Department feeds (部门数据比对): feed kinds are data — one JSON file per kind in ``kinds/``
naming its columns, codes and comparison rules (docs/feeds.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

KINDS_DIR = Path(__file__).with_name("kinds")
FIELDS = ("id_number", "name", "event_date", "code", "amount")
DIRECTIONS = {"check": "待遇核查", "lead": "发现线索"}
APPLIES = ("assisted", "unassisted", "all")


@dataclass(frozen=True)
class Rule:
    """One comparison rule of a feed kind: which registry persons, and the warning it makes."""

    id: str
    applies_to: str
    direction: str
    warning_type: str
    suggested_action: str
    deadline_working_days: int
    codes: tuple[str, ...] = ()
    amount_at_least: float | None = None


@dataclass(frozen=True)
class FeedKind:
    """A feed kind as declared in its JSON file."""

    kind: str
    label: str
    department: str
    columns: dict[str, tuple[str, ...]]  # canonical field → accepted header names
    required: tuple[str, ...]
    codes: dict[str, str]
    key: tuple[str, ...]
    rules: tuple[Rule, ...]


class FeedKindError(ValueError):
    """A feed-kind file is malformed."""


def _rule(kind: str, raw: dict[str, Any]) -> Rule:
    try:
        rule = Rule(
            id=str(raw["id"]),
            applies_to=str(raw["applies_to"]),
            direction=str(raw["direction"]),
            warning_type=str(raw["warning_type"]),
            suggested_action=str(raw["suggested_action"]),
            deadline_working_days=int(raw.get("deadline_working_days", 10)),
            codes=tuple(str(c) for c in raw.get("codes", ())),
            amount_at_least=(
                float(raw["amount_at_least"]) if raw.get("amount_at_least") is not None else None
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FeedKindError(f"{kind}: rule {raw!r}: {exc}") from None
    if rule.applies_to not in APPLIES or rule.direction not in DIRECTIONS:
        raise FeedKindError(f"{kind}: rule {rule.id}: applies_to/direction")
    return rule


def parse_kind(raw: dict[str, Any]) -> FeedKind:
    """A FeedKind from the decoded JSON of its file (FeedKindError when malformed)."""
    kind = str(raw.get("kind", ""))
    columns = {k: tuple(v) for k, v in dict(raw.get("columns", {})).items()}
    unknown = [c for c in columns if c not in FIELDS]
    required = tuple(raw.get("required", ()))
    if not kind or unknown or not {"id_number", "event_date"} <= set(required) <= set(columns):
        raise FeedKindError(f"feed kind {kind!r}: columns/required")
    return FeedKind(
        kind=kind,
        label=str(raw["label"]),
        department=str(raw["department"]),
        columns=columns,
        required=required,
        codes={str(k): str(v) for k, v in dict(raw.get("codes", {})).items()},
        key=tuple(raw.get("key", ("id_number", "event_date", "code"))),
        rules=tuple(_rule(kind, r) for r in raw.get("rules", ())),
    )


@cache
def load_kinds(folder: Path = KINDS_DIR) -> dict[str, FeedKind]:
    """Every feed kind of the folder, by kind code (file order)."""
    out: dict[str, FeedKind] = {}
    for path in sorted(folder.glob("*.json")):
        kind = parse_kind(json.loads(path.read_text(encoding="utf-8")))
        out[kind.kind] = kind
    return out


def feed_kind(kind: str) -> FeedKind:
    """The feed kind ``kind``; ValueError in Chinese naming the known kinds when unknown."""
    kinds = load_kinds()
    if kind not in kinds:
        raise ValueError(f"数据类别“{kind}”未定义，可用：{'、'.join(kinds)}")
    return kinds[kind]
