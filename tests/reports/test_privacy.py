"""Masking helpers: what is left visible of an ID number, a phone number and a bank account."""

from __future__ import annotations

import pytest

from desktop.errors import ValidationError
from reports.privacy import mask_account, mask_id, mask_phone


def test_id_keeps_first_six_and_last_four() -> None:
    assert mask_id("120101199001011239") == "120101********1239"
    assert mask_id("11010519491231002x") == "110105********002X"
    assert mask_id("120103 500101 001") == "120103*****1001"  # 15-digit legacy number


@pytest.mark.parametrize("bad", ["12010119900101", "ABCDEF199001011239", ""])
def test_bad_id_names_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        mask_id(bad, "申请人身份证号")
    assert err.value.field == "申请人身份证号"


def test_phone_and_account() -> None:
    assert mask_phone("13920001234") == "139****1234"
    assert mask_phone("022-28137712") == "022-****7712"
    assert mask_account("6217 0000 1234 5678 901") == "6217 **** **** 8901"
    with pytest.raises(ValidationError):
        mask_phone("12")
    with pytest.raises(ValidationError):
        mask_account("62170")
