"""Letters: approval, refusal with appeal deadlines, 增发/减发/停发, 一次性告知书."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.calendar import add_months
from desktop.errors import ValidationError
from desktop.money import fmt_yuan
from reports.letters import (
    render_approval_letter,
    render_change_notice,
    render_missing_documents,
    render_refusal_letter,
)
from reports.privacy import mask_id
from reports.samples import approval_sample, sample_change, sample_missing_documents, sample_refusal


def test_approval_letter_amount_start_and_review_cycle(pdf_pages, pdf_text) -> None:
    letter = approval_sample(2)
    pdf = render_approval_letter(letter)
    assert len(pdf_pages(pdf)) == 1
    text = pdf_text(pdf)
    case = letter.case
    assert f"月救助金额{fmt_yuan(case.amount)}元" in text
    assert "发放起始日期2025年10月10日" in text and "每12个月核查一次" in text
    assert f"保障人数{case.family_size}人" in text and "最低生活保障" in text
    assert mask_id(case.applicant.id_number) in text and case.applicant.id_number not in text


def test_refusal_letter_reasons_rights_and_deadlines(pdf_text) -> None:
    letter = sample_refusal()
    text = pdf_text(render_refusal_letter(letter))
    for reason in letter.reasons:
        assert "".join(reason.split()) in text
    assert "60日内向天津市河西区人民政府申请行政复议" in text
    assert "6个月内向天津市河西区人民法院提起行政诉讼" in text
    assert "申请行政复议的期限至2025年12月9日" in text
    assert "提起行政诉讼的期限至2026年4月10日" in text


def test_refusal_without_reasons_names_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        render_refusal_letter(dataclasses.replace(sample_refusal(), reasons=()))
    assert err.value.field == "不予救助理由"


@pytest.mark.parametrize(
    ("kind", "label"), [("increase", "增发"), ("decrease", "减发"), ("stop", "停发")]
)
def test_change_notice_titles_and_amounts(kind: str, label: str, pdf_text) -> None:
    notice = sample_change(kind)
    text = pdf_text(render_change_notice(notice))
    assert f"社会救助金{label}通知书" in text
    assert "自2025年11月1日起" in text and f"予以{label}" in text
    assert fmt_yuan(notice.old_amount) in text and fmt_yuan(notice.new_amount) in text
    assert f"{notice.new_amount - notice.old_amount:+,.2f}" in text


def test_change_notice_inconsistent_amount_is_refused() -> None:
    notice = dataclasses.replace(sample_change("stop"), new_amount=Decimal("100.00"))
    with pytest.raises(ValidationError) as err:
        render_change_notice(notice)
    assert err.value.field == "调整后金额"
    with pytest.raises(ValidationError) as err:
        render_change_notice(dataclasses.replace(notice, kind="pause"))
    assert err.value.field == "调整类型"


def test_missing_documents_lists_every_item_and_deadline(pdf_text) -> None:
    notice = sample_missing_documents()
    text = pdf_text(render_missing_documents(notice))
    assert "一次性告知书" in text and "一次性告知如下" in text
    for item in notice.items:
        assert item.name in text and "".join(item.note.split()) in text
    assert "请于2025年9月17日前" in text and "022-28137712" in text


def test_missing_documents_without_items_or_with_past_deadline() -> None:
    with pytest.raises(ValidationError) as err:
        render_missing_documents(dataclasses.replace(sample_missing_documents(), items=()))
    assert err.value.field == "需补充的材料"
    with pytest.raises(ValidationError) as err:
        render_missing_documents(
            dataclasses.replace(sample_missing_documents(), deadline=date(2025, 9, 1))
        )
    assert err.value.field == "补齐期限"


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2025, 10, 10), 6) == date(2026, 4, 10)
