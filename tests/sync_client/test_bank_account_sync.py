"""The payee account travels with the household: through the hub to the other office and back."""

from __future__ import annotations

from desktop.services.family.households import BankInput, set_bank_account
from tests.sync_client.conftest import OFFICE_A, OFFICE_B
from tests.sync_client.helpers import household, new_household


def test_bank_account_reaches_the_other_office_and_edits_come_back(desk, desk_b, linker) -> None:  # type: ignore[no-untyped-def]
    a = linker(desk, OFFICE_A)
    b = linker(desk_b, OFFICE_B)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    set_bank_account(a.store, a.clerk, hid, BankInput("中国工商银行", "张三丰", "6217000099998888"))
    assert a.sync().ok
    assert b.sync().ok
    row = household(b.store, hid)
    assert row is not None and not row.dirty
    assert (row.bank_name, row.bank_holder, row.bank_account) == (
        "中国工商银行",
        "张三丰",
        "6217000099998888",
    )
    # the registration office (which pays) changes it to a passbook; the residence office sees it
    set_bank_account(b.store, b.clerk, hid, BankInput("天津农商银行", "张三丰", "12030100123456"))
    assert b.sync().ok
    assert a.sync().ok
    back = household(a.store, hid)
    assert back is not None and back.bank_account == "12030100123456"
    assert back.bank_name == "天津农商银行" and not back.dirty
