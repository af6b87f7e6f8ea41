"""Money as ``Decimal`` yuan with two places: parsing, rounding and formatting."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

from desktop.errors import ValidationError

FEN = Decimal("0.01")
YUAN = Decimal("1")
ZERO = Decimal("0.00")

MINUS_SIGNS = "-－−‐–"
PLUS_SIGNS = "+＋"

_ROUNDING = {"half_up": ROUND_HALF_UP, "up": ROUND_UP, "down": ROUND_DOWN}


def to_money(value: object, field: str = "金额", *, allow_negative: bool = False) -> Decimal:
    """Parse a user or stored value into a 2-place Decimal; raise ValidationError naming ``field``."""
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "")
        if value == "":
            raise ValidationError(field, "不能为空", code="required")
        # A typed sign is refused, never dropped: "-500" must not become 500.00. Full-width and
        # typographic minus signs count as signs too.
        if value[0] in MINUS_SIGNS:
            if not allow_negative:
                raise ValidationError(field, f"不能为负数（填写的是“{value}”）", code="negative")
            value = "-" + value[1:]
        elif value[0] in PLUS_SIGNS:
            raise ValidationError(
                field, f"请直接填写金额，不要带正负号（填写的是“{value}”）", code="signed"
            )
    try:
        amount = Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(field, f"“{value}”不是有效的金额", code="not_a_number") from None
    if not amount.is_finite():
        raise ValidationError(field, "不是有效的金额", code="not_a_number")
    if amount < 0 and not allow_negative:
        raise ValidationError(field, "不能为负数", code="negative")
    if abs(amount) >= Decimal("100000000"):
        raise ValidationError(field, "金额过大", code="too_large")
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def round_money(amount: Decimal, rule: str = "half_up", unit: Decimal = FEN) -> Decimal:
    """Round ``amount`` to ``unit`` (fen or yuan) by a named rule: half_up, up or down."""
    try:
        mode = _ROUNDING[rule]
    except KeyError:
        raise ValueError(f"unknown rounding rule {rule!r}") from None
    return amount.quantize(unit, rounding=mode).quantize(FEN)


def fmt_yuan(amount: Decimal) -> str:
    """Format as ``1,045.00`` (no currency sign; documents add 元 themselves)."""
    return f"{amount.quantize(FEN, rounding=ROUND_HALF_UP):,.2f}"
