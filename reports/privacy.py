"""Masking on every printed document: the core's one masking (``desktop.domain.ids`` and
``desktop.domain.bank``), refusing a value that cannot be what the page says it is."""

from __future__ import annotations

from desktop.domain import ids
from desktop.domain.bank import mask_account as core_mask_account
from desktop.errors import ValidationError


def _compact(value: str) -> str:
    return "".join(value.split()).upper()


def mask_id(id_number: str, field: str = "公民身份号码") -> str:
    """First 6 + last 4 characters, the rest as ``*``: ``120101********1239``."""
    raw = _compact(id_number)
    if len(raw) not in (15, 18) or not raw[:-1].isdigit():
        raise ValidationError(field, f"“{id_number}”不是 15 位或 18 位的身份证号码")
    return ids.mask_id(raw)


def mask_phone(phone: str, field: str = "联系电话") -> str:
    """Mobile ``138****5678``; landline keeps its area code and last 4: ``022-****1234``."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        raise ValidationError(field, f"“{phone}”不是有效的电话号码")
    return ids.mask_phone(phone)


def mask_account(account: str, field: str = "银行账号") -> str:
    """Bank account: first 4 and last 4 digits kept, ``6217 **** **** 0123`` (the core's
    ``desktop.domain.bank.mask_account``; refused when it cannot be an account number)."""
    digits = "".join(ch for ch in account if ch.isdigit())
    if len(digits) < 10:
        raise ValidationError(field, f"“{account}”不是有效的银行账号")
    return core_mask_account(digits)
