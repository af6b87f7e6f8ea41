"""The case page prints the real file of its case: the archive dossier (bookmarked) and the
filled 入户调查表, read back from the PDF; who may print is decided by the core."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.errors import PermissionDenied
from desktop.services.cases.surveys import save_survey_draft
from desktop.store.models import Application, AuditEvent, Person
from printing.case_files import render_case_dossier, render_case_survey
from tests.ui_case.helpers import INVESTIGATING, case_id, pdf_text
from ui.cases.case_page import CasePage
from ui.widgets.pdf_preview import PdfPreviewDialog

ARCHIVED = "120103001-2026-00002"  # 低保, 已归档, both offices are 河西区友谊路街道


def _applicant(store, application_id: str) -> Person:  # type: ignore[no-untyped-def]
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        person = s.get(Person, app.applicant_id)
        s.expunge(person)
        return person


def _page(qtbot, store, actor, number: str) -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(store, actor, case_id(store, number))
    qtbot.addWidget(page)
    page.show()
    assert page.data is not None
    return page


def test_dossier_preview_is_the_file_of_this_case(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    page = _page(qtbot, store, actor, ARCHIVED)
    button = page.file_buttons["dossier"]
    assert button.isEnabled() and button.text() == "打印社会救助家庭档案…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    preview = page.preview
    assert isinstance(preview, PdfPreviewDialog) and preview.isVisible()
    assert preview.file_name == f"社会救助家庭档案-{ARCHIVED}.pdf"
    reader = PdfReader(io.BytesIO(preview.pdf_bytes))
    text = pdf_text(preview.pdf_bytes)
    person = _applicant(store, page.application_id)
    assert ARCHIVED in text and person.name in text
    assert "社会救助家庭档案" in text and "救助金计算表" in text
    titles = [item.title for item in reader.outline]
    assert any("审核确认通知书" in t for t in titles) and any("办理过程记录" in t for t in titles)
    assert person.id_number not in text  # masked on every page
    assert person.id_number[:6] + "********" + person.id_number[-4:] in text
    with store.sessions.read() as s:
        printed = s.scalars(select(AuditEvent).where(AuditEvent.action == "print_archive")).all()
    assert [e.entity_id for e in printed] == [page.application_id]
    preview.close()


def test_dossier_needs_a_decision_and_a_role_that_may_print_it(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    page = _page(qtbot, store, actor, INVESTIGATING)
    assert not page.file_buttons["dossier"].isEnabled()
    assert "尚未审核确认" in page.file_buttons["dossier"].toolTip()
    c_store, coordinator = desk.as_user("coordinator")
    c_page = _page(qtbot, c_store, coordinator, ARCHIVED)
    assert not c_page.file_buttons["dossier"].isEnabled()
    with pytest.raises(PermissionDenied, match="社区救助协理员不能打印档案"):
        render_case_dossier(c_store, coordinator, c_page.application_id)


def test_survey_form_pdf_of_this_case(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("surveyor")
    app_id = case_id(store, INVESTIGATING)
    person = _applicant(store, app_id)
    page = _page(qtbot, store, actor, INVESTIGATING)
    assert not page.file_buttons["survey_form"].isEnabled()  # nothing filled in yet
    save_survey_draft(
        store, actor, app_id, visited_on=date.today(), surveyors=["王调查", "刘明"],
        members_present=[person.name],
        sections={"housing": "自有住房五十平方米\n家具陈旧，无大额消费品",
                  "neighbours": "走访邻居刘女士，反映情况属实", "findings": "家庭经济状况属实"},
    )  # fmt: skip
    page.refresh()
    button = page.file_buttons["survey_form"]
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert page.preview is not None
    text = pdf_text(page.preview.pdf_bytes)
    assert "天津市社会救助家庭入户调查表" in text and INVESTIGATING in text
    assert person.name in text and "王调查、刘明" in text
    assert "自有住房五十平方米" in text and "家具陈旧，无大额消费品" in text
    assert "走访邻居刘女士" in text and "家庭经济状况属实" in text
    assert "草稿" in text  # a draft prints marked as one
    assert person.id_number not in text
    page.preview.close()
    c_store, coordinator = desk.as_user("coordinator")
    with pytest.raises(PermissionDenied):
        render_case_survey(c_store, coordinator, app_id)
