"""公示 and 审核确认公告: only the permitted columns, correct figures, pagination of 500 rows."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from desktop.errors import ReportError, ValidationError
from desktop.money import fmt_yuan
from reports.data import NoticeRow, assistance_name
from reports.notices import notice_rows, render_confirmation_announcement, render_public_notice
from reports.samples import sample_announcement, sample_case, sample_public_notice

ID_PATTERN = re.compile(r"\d{17}[\dX]|\d{6}\*+\d{3}[\dX]")


def test_notice_shows_only_what_may_be_published(pdf_text) -> None:
    cases = [sample_case(i) for i in range(12)]
    notice = dataclasses.replace(sample_public_notice(1), rows=notice_rows(cases))
    text = pdf_text(render_public_notice(notice))
    assert not ID_PATTERN.search(text)
    for case in cases:
        assert case.applicant.name in text
        for member in case.members:
            assert member.id_number not in text
            assert member.health in ("健康", "") or member.health not in text
        assert case.phone not in text and case.phone[:3] + "****" not in text
        assert case.address.replace(" ", "") not in text
        assert not case.illness or case.illness not in text
    assert "高血压" not in text and "尿毒症" not in text
    assert "公民身份号码" not in text and "住址" not in text


def test_notice_figures_dates_and_objection_contacts(pdf_text) -> None:
    notice = sample_public_notice(12)
    text = pdf_text(render_public_notice(notice))
    for row in notice.rows:
        assert (
            f"{row.name}{row.family_size}{assistance_name(row.assistance_type)}{fmt_yuan(row.amount)}"
            in text
        )
    total = sum(r.amount for r in notice.rows)
    assert f"合计12户{sum(r.family_size for r in notice.rows)}人{fmt_yuan(total)}" in text
    assert "自2025年9月15日至2025年9月21日" in text and "公示期为7天" in text
    assert "监督电话：022-28137712" in text and "平江道30号" in text
    assert "友谊路救公〔2025〕第9号" in text and "（盖章处）" in text


def test_500_row_notice_paginates_with_header_and_page_numbers(pdf_pages, pdf_reader) -> None:
    notice = sample_public_notice(500)
    pdf = render_public_notice(notice)
    pages = pdf_pages(pdf)
    n = len(pages)
    assert 15 <= n <= 30
    for k, page in enumerate(pages, 1):
        flat = "".join(page.split())
        assert f"第{k}页/共{n}页" in flat
        assert "姓名" in flat and "救助类别" in flat and "救助金额（元/月）" in flat
        if k > 1:
            assert "社会救助对象公示（续）" in flat
    numbers = [
        int(x) for page in pages for x in re.findall(r"^(\d+)\n", page, re.M) if int(x) <= 500
    ]
    assert set(range(1, 501)) <= set(numbers)
    last = "".join(pages[-1].split())
    assert "合计500户" in last and fmt_yuan(sum(r.amount for r in notice.rows)) in last
    box = pdf_reader(pdf).pages[0].mediabox
    assert box.width > box.height  # A4 landscape


def test_output_is_deterministic() -> None:
    notice = sample_public_notice(30)
    assert render_public_notice(notice) == render_public_notice(notice)


def test_long_name_and_community_wrap_instead_of_overflowing(pdf_text) -> None:
    long_name = "欧阳" + "娜" * 60
    community = "友谊路街道" + "特别长的名字" * 12 + "社区"
    notice = dataclasses.replace(
        sample_public_notice(3),
        community=community,
        rows=(NoticeRow(long_name, 4, "tekun", Decimal("1870.00")),),
    )
    text = pdf_text(render_public_notice(notice))
    assert long_name in text and community in text


def test_empty_batch_is_a_clear_error() -> None:
    with pytest.raises(ReportError, match="名单为空"):
        render_public_notice(dataclasses.replace(sample_public_notice(1), rows=()))


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (NoticeRow("张三", 2, "welfare", Decimal("10")), "救助类别"),
        (NoticeRow("张三", 0, "dibao", Decimal("10")), "家庭人口"),
        (NoticeRow("张三", 2, "dibao", Decimal("-1")), "救助金额"),
        (NoticeRow(" ", 2, "dibao", Decimal("1")), "姓名"),
    ],
)
def test_bad_rows_name_the_field(row: NoticeRow, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        render_public_notice(dataclasses.replace(sample_public_notice(1), rows=(row,)))
    assert err.value.field == field


def test_missing_objection_phone_names_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        render_public_notice(dataclasses.replace(sample_public_notice(2), objection_phone=""))
    assert err.value.field == "监督电话"


def test_announcement_has_a_copy_for_each_office(pdf_pages) -> None:
    ann = sample_announcement()
    pages = ["".join(p.split()) for p in pdf_pages(render_confirmation_announcement(ann))]
    assert len(pages) == 2
    assert "居住地张贴：天津市河西区友谊路街道办事处" in pages[0]
    assert "户籍地张贴：天津市和平区劝业场街道办事处" in pages[1]
    for page in pages:
        assert "审核确认公告" in page and "2025年10月10日" in page
        assert "自2025年10月11日至2025年10月17日" in page
        for row in ann.rows:
            assert f"{row.name}{row.family_size}" in page and fmt_yuan(row.amount) in page
        assert not ID_PATTERN.search(page)
