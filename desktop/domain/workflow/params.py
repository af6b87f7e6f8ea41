"""Reads action parameters, checks them and records the normalised values for the event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.errors import ValidationError, WorkflowError
from desktop.money import to_money


def _fail(field_cn: str, message: str) -> WorkflowError:
    return WorkflowError(f"{field_cn}：{message}")


class Params:
    """Typed access to an action's parameters.

    Every value read is stored JSON-safe in ``used`` (dates ISO, money as text, lists), which
    becomes the audit event's ``data``; feeding ``used`` back in reproduces the transition.
    Defaults computed from rules are recorded too, so a later change of rules never changes
    how an old event replays.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self.used: dict[str, Any] = {}

    def _get(self, key: str) -> Any:
        value = self._raw.get(key)
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                return None
        return value

    def peek(self, key: str) -> Any:
        """The raw value of ``key`` (blank text as None) without recording it."""
        return self._get(key)

    def record(self, key: str, value: Any) -> None:
        """Record a value the step decided itself (e.g. a rule that fixes the choice)."""
        self.used[key] = value

    def text(self, key: str, field_cn: str, *, required: bool = True) -> str:
        """A non-empty text (or "" when optional and absent)."""
        value = self._get(key)
        if value is None:
            if required:
                raise _fail(field_cn, "不能为空")
            value = ""
        if not isinstance(value, str):
            raise _fail(field_cn, "应为文字")
        self.used[key] = value
        return value

    def texts(self, key: str, field_cn: str, *, minimum: int = 0) -> tuple[str, ...]:
        """A list of distinct non-empty texts with at least ``minimum`` entries."""
        value = self._raw.get(key) or ()
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise _fail(field_cn, "应为列表")
        items: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise _fail(field_cn, "含有空白项")
            if item.strip() not in items:
                items.append(item.strip())
        if len(items) < minimum:
            raise _fail(field_cn, f"至少需要{minimum}项（不重复），现有{len(items)}项")
        self.used[key] = list(items)
        return tuple(items)

    def day(self, key: str, field_cn: str, *, default: date | None = None) -> date:
        """A date (``date`` or ISO text)."""
        value = self._get(key)
        if value is None:
            if default is None:
                raise _fail(field_cn, "不能为空")
            value = default
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise _fail(field_cn, f"“{value}”不是有效日期") from None
        if not isinstance(value, date):
            raise _fail(field_cn, "不是有效日期")
        self.used[key] = value.isoformat()
        return value

    def money(self, key: str, field_cn: str, *, positive: bool = False) -> Decimal:
        """A Decimal amount in yuan (2 places)."""
        value = self._get(key)
        if value is None:
            raise _fail(field_cn, "不能为空")
        try:
            amount = to_money(value, field_cn)
        except ValidationError as exc:
            raise WorkflowError(exc.message) from None
        if positive and amount <= 0:
            raise _fail(field_cn, "应大于零")
        self.used[key] = str(amount)
        return amount

    def integer(self, key: str, field_cn: str, *, default: int | None = None) -> int:
        """A whole number; ``default`` (recorded) when absent."""
        value = self._get(key)
        if value is None:
            if default is None:
                raise _fail(field_cn, "不能为空")
            value = default
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _fail(field_cn, "应为整数")
        try:
            number = int(value)
        except ValueError:
            raise _fail(field_cn, f"“{value}”不是整数") from None
        self.used[key] = number
        return number

    def flag(self, key: str, field_cn: str, *, default: bool = False) -> bool:
        """A yes/no value."""
        value = self._raw.get(key, default)
        if not isinstance(value, bool):
            raise _fail(field_cn, "应为是或否")
        self.used[key] = value
        return value

    def choice(self, key: str, field_cn: str, options: Mapping[str, str]) -> str:
        """One of ``options`` (code → Chinese label, labels listed in the error)."""
        value = self._get(key)
        if value is None:
            raise _fail(field_cn, "不能为空")
        if value not in options:
            allowed = "、".join(f"{label}（{code}）" for code, label in options.items())
            raise _fail(field_cn, f"“{value}”无效，应为：{allowed}")
        self.used[key] = str(value)
        return str(value)
