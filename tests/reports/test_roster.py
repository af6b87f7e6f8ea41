"""发放花名册: masked ID, the account in full (payer document), signature column, totals, pages."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.errors import ReportError, ValidationError
from desktop.money import fmt_yuan
from reports.privacy import mask_account, mask_id
from reports.roster import render_payment_roster
from reports.samples import sample_roster


def test_roster_masks_and_totals(pdf_text, pdf_pages, pdf_reader) -> None:
    roster = sample_roster(60)
    pdf = render_payment_roster(roster)
    text = pdf_text(pdf)
    for row in roster.rows:
        assert row.id_number not in text and mask_id(row.id_number) in text
        assert row.bank_account in text  # the bank pays from it: every digit
        assert mask_account(row.bank_account) not in text
    total = sum(r.amount for r in roster.rows)
    people = sum(r.family_size for r in roster.rows)
    assert f"合计60户{people}人{fmt_yuan(total)}" in text
    assert "领取人签字" in text and "分类汇总" in text and "制表人：孙雅琴" in text
    pages = pdf_pages(pdf)
    assert len(pages) > 1
    for k, page in enumerate(pages, 1):
        assert f"第{k}页/共{len(pages)}页" in "".join(page.split())
        if "********" in page:  # every page with payees repeats the header
            assert "领取人签字" in "".join(page.split())
    box = pdf_reader(pdf).pages[0].mediabox
    assert box.width > box.height


def test_roster_errors_name_the_field() -> None:
    roster = sample_roster(3)
    with pytest.raises(ReportError, match="花名册为空"):
        render_payment_roster(dataclasses.replace(roster, rows=()))
    bad = dataclasses.replace(roster.rows[1], bank_account="")
    with pytest.raises(ValidationError) as err:
        render_payment_roster(dataclasses.replace(roster, rows=(roster.rows[0], bad)))
    assert err.value.field == "银行账号"
