"""Archive dossier: cover, contents, outline, every document and image; batch with progress and cancel."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.errors import ReportError
from desktop.money import fmt_yuan
from reports.archive import render_archive, render_archive_batch
from reports.privacy import mask_id
from reports.samples import sample_archive_case

SECTIONS = [
    "1. 社会救助审核确认通知书",
    "2. 入户调查表",
    "3. 家庭经济状况核对授权书",
    "4. 救助金计算表",
    "5. 办理过程记录",
    "6. 附件 1：户口簿（首页）",
    "7. 附件 2：社区证明",
]


def test_dossier_outline_contents_and_documents(pdf_reader, pdf_pages) -> None:
    a = sample_archive_case(2)
    pdf = render_archive(a)
    reader = pdf_reader(pdf)
    outline = [item.title for item in reader.outline]
    assert outline == SECTIONS
    pages = ["".join(p.split()) for p in pdf_pages(pdf)]
    assert "社会救助家庭档案" in pages[0] and mask_id(a.case.applicant.id_number) in pages[0]
    assert a.case.applicant.id_number not in "".join(pages)
    contents = pages[1]
    for title in SECTIONS:
        page_no = reader.get_destination_page_number(
            next(item for item in reader.outline if item.title == title)
        )
        assert "".join(title.split()) in contents
        assert "".join(title.split()) in pages[page_no]
        # pypdf reads each dotted line's page number just before its title
        assert contents.split("".join(title.split()))[0].endswith(str(page_no + 1))
    text = "".join(pages)
    assert "社会救助审核确认通知书" in text and "天津市社会救助家庭入户调查表" in text
    assert f"核定月救助金额：{fmt_yuan(a.case.amount)}元" in text
    assert "受理申请" in text and "审核确认" in text
    images = sum(len(page.images) for page in reader.pages)
    assert images == len(a.attachments) + len(a.survey.signatures)
    assert f"第{len(pages)}页" in pages[-1] and f"案卷号{a.case.case_no}" in pages[-1]


def test_batch_reports_progress_and_renders_each_case(pdf_text) -> None:
    cases = [sample_archive_case(i) for i in range(4)]
    calls: list[tuple[int, int, str]] = []
    result = render_archive_batch(cases, progress=lambda d, t, s: calls.append((d, t, s)))
    assert not result.cancelled and result.done == result.total == 4
    assert [f.case_no for f in result.files] == [c.case.case_no for c in cases]
    assert [(d, t) for d, t, _ in calls] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    assert cases[3].case.case_no in calls[-1][2]
    assert cases[1].case.applicant.name in pdf_text(result.files[1].pdf)


def test_batch_cancel_returns_cleanly_with_partial_result() -> None:
    cases = [sample_archive_case(i) for i in range(5)]
    done: list[int] = []
    result = render_archive_batch(
        cases, progress=lambda d, t, s: done.append(d), cancelled=lambda: len(done) > 2
    )
    assert result.cancelled is True
    assert len(result.files) == 2 and result.total == 5 and result.failures == ()


def test_batch_keeps_going_past_a_case_missing_a_field() -> None:
    broken = dataclasses.replace(sample_archive_case(1), calculation=())
    result = render_archive_batch([sample_archive_case(0), broken, sample_archive_case(2)])
    assert len(result.files) == 2 and not result.cancelled
    assert len(result.failures) == 1 and result.failures[0].case_no == broken.case.case_no
    assert "救助金计算" in result.failures[0].message


def test_empty_batch_is_a_clear_error() -> None:
    with pytest.raises(ReportError, match="没有选择"):
        render_archive_batch([])


def test_dossier_is_deterministic_and_batch_carries_glyph_warnings(pdf_text) -> None:
    a = sample_archive_case(1)
    assert render_archive(a) == render_archive(a)
    case = dataclasses.replace(a.case, applicant=dataclasses.replace(a.case.applicant, name="刘䶮"))
    rare = dataclasses.replace(a, case=case, approval=dataclasses.replace(a.approval, case=case))
    result = render_archive_batch([rare])
    assert {w.char for w in result.files[0].warnings} == {"䶮"}
    assert "刘〓" in pdf_text(result.files[0].pdf)
