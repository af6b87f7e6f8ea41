"""Bank accounts the monthly benefit is paid into: checking a typed account and masking it."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.errors import ValidationError

# Chinese bank cards (借记卡, UnionPay) have 16–19 digits and a Luhn check digit. Passbook
# (存折) and other account numbers have other lengths and often no Luhn digit, so only a
# card-length number is Luhn-checked; anything that is certainly wrong (letters, too short or
# too long) is refused, the rest is accepted.
CARD_LENGTHS = range(16, 20)
MIN_DIGITS = 8
MAX_DIGITS = 30
_SEPARATORS = " -　"
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class BankAccount:
    """A payee account: the bank (开户银行), the holder (户名) and the number (账号)."""

    bank_name: str
    holder: str
    number: str

    @property
    def masked(self) -> str:
        return mask_account(self.number)


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every UnionPay card number carries in its last digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def normalise_account(raw: str, field: str = "银行账号") -> str:
    """The account number as digits only; ValidationError (Chinese, naming ``field``) when it
    is certainly wrong. Spaces and dashes people type between groups are dropped."""
    text = (raw or "").translate(_FULLWIDTH)
    for sep in _SEPARATORS:
        text = text.replace(sep, "")
    if not text:
        raise ValidationError(field, "不能为空", code="required")
    if not text.isdigit():
        raise ValidationError(field, "只能填写数字（可用空格分组）", code="chars")
    if not MIN_DIGITS <= len(text) <= MAX_DIGITS:
        raise ValidationError(
            field, f"应为{MIN_DIGITS}–{MAX_DIGITS}位数字（当前{len(text)}位）", code="length"
        )
    if len(text) in CARD_LENGTHS and not luhn_ok(text):
        raise ValidationError(
            field,
            f"校验位不符：按{len(text)}位银行卡号核验，最后一位与前面的数字对不上，请核对是否抄错"
            "（存折账号位数不同，不做此项核验）",
            code="check_digit",
        )
    return text


def mask_account(number: str | None) -> str:
    """First 4 and last 4 digits kept: ``6217 **** **** 0123`` ('' for none); the one masking
    of account numbers for screens and printed sheets."""
    digits = "".join(ch for ch in (number or "") if ch.isdigit())
    if not digits:
        return ""
    if len(digits) <= 8:
        return "*" * len(digits)
    return f"{digits[:4]} **** **** {digits[-4:]}"


def group_digits(number: str) -> str:
    """Digits in groups of four for reading aloud and for the payer's roster."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
