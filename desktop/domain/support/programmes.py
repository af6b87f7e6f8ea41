"""Group programmes (insurance bought for the families, holiday or hardship relief): the
category of each person and the amount per category, with the checks on a programme's rates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop.errors import ValidationError

PROGRAMME_KINDS: dict[str, str] = {"insurance": "保险", "relief": "慰问救助"}
CATEGORIES: dict[str, str] = {"adult": "成年人", "child": "未成年人", "tekun": "特困人员"}
RATE_FIELDS: dict[str, str] = {
    "adult": "成年人保费（元/人）",
    "child": "未成年人保费（元/人）",
    "tekun": "特困人员保费（元/人）",
}
RELIEF_FIELDS: dict[str, str] = {
    "adult": "成年人慰问金（元/人）",
    "child": "未成年人慰问金（元/人）",
    "tekun": "特困人员慰问金（元/人）",
}
# An amount per person above this is a typing slip, not a premium or a holiday grant.
MAX_PER_PERSON = Decimal("5000.00")
CHILD_AGE = 18


def rate_field(kind: str, category: str) -> str:
    """The Chinese field name of one category's amount."""
    return (RATE_FIELDS if kind == "insurance" else RELIEF_FIELDS)[category]


def check_rates(kind: str, rates: Mapping[str, object]) -> dict[str, Decimal]:
    """Every category's amount as a 2-place Decimal, 0 ≤ amount ≤ MAX_PER_PERSON."""
    out: dict[str, Decimal] = {}
    for category in CATEGORIES:
        field = rate_field(kind, category)
        raw = rates.get(category)
        if raw is None or str(raw).strip() == "":
            raise ValidationError(field, "不能为空（不适用请填0）", "required")
        if isinstance(raw, float):
            raise ValidationError(field, "金额不能用浮点数传入")
        try:
            amount = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError(field, f"“{raw}”不是有效金额") from None
        if not amount.is_finite():
            raise ValidationError(field, f"“{raw}”不是有效金额")
        if amount < 0:
            raise ValidationError(field, "不能为负数", "negative")
        if amount > MAX_PER_PERSON:
            raise ValidationError(
                field, f"{amount}元/人明显不合理（每人不超过{MAX_PER_PERSON}元）", "absurd"
            )
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(field, "金额最多两位小数")
        out[category] = amount.quantize(Decimal("0.01"))
    return out


def category_of(birth_date: date, on: date, tekun: bool) -> str:
    """特困 persons first (their own care insurance), then children under 18, then adults."""
    if tekun:
        return "tekun"
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return "child" if age < CHILD_AGE else "adult"
