"""The survey window as the surveyor meets it: both scheduled surveyors prefilled, narratives
written over several lines, a question before the irreversible lock, and a locked form that
still closes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from desktop.services.cases.case_overview import case_overview, save_survey_signature
from desktop.services.cases.surveys import (
    TEXT_SECTIONS,
    finalize_survey,
    get_survey,
    save_survey_draft,
)
from desktop.services.cases.workflow import get_case
from printing.case_files import render_case_survey
from reports.samples import sample_image
from tests.ui_case.helpers import (
    INVESTIGATING,
    answer_message_box,
    case_id,
    commit_text,
    pdf_text,
)
from ui.cases.case_page import CasePage
from ui.survey.form import SurveyForm, SurveyWindow
from ui.theme import apply_theme


def _window(qtbot, store, actor) -> SurveyWindow:  # type: ignore[no-untyped-def]
    page = CasePage(store, actor, case_id(store, INVESTIGATING))
    qtbot.addWidget(page)
    page.show()
    window = page.open_survey()
    assert isinstance(window, SurveyWindow)
    return window


def test_both_scheduled_surveyors_are_prefilled(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("surveyor")
    plan = get_case(store, case_id(store, INVESTIGATING)).snapshot.survey_plan
    assert plan is not None and len(plan.surveyors) == 2
    form = _window(qtbot, store, actor).form
    assert form.surveyor_names() == list(plan.surveyors)
    assert list(form.sign.boxes) == list(plan.surveyors)  # one signature box each
    assert get_survey(store, form.application_id) is None  # nothing stored just by looking


@pytest.fixture
def themed() -> Iterator[None]:
    """The program's own style sheet, as the person sees the form."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    apply_theme(app)
    yield
    app.setStyleSheet(before)


def test_narratives_are_multi_line(desk, qtbot, sync_ops, themed) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("surveyor")
    window = _window(qtbot, store, actor)
    form = window.form
    QApplication.processEvents()
    assert set(form.texts) == set(TEXT_SECTIONS)
    for edit in form.texts.values():
        assert isinstance(edit, QPlainTextEdit)
        # Several lines stay visible with the theme applied (it once squeezed them to one).
        assert edit.height() >= 4 * edit.fontMetrics().lineSpacing()
    living = form.texts["housing"]
    commit_text(living, "自有住房五十平方米")
    qtbot.keyClick(living, Qt.Key.Key_Return)
    commit_text(living, "家具陈旧，生活困难")
    assert living.toPlainText() == "自有住房五十平方米\n家具陈旧，生活困难"
    form.save_now()
    stored = get_survey(store, form.application_id)
    assert stored is not None
    assert stored.sections["housing"] == "自有住房五十平方米\n家具陈旧，生活困难"


def test_answering_no_keeps_the_draft(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("surveyor")
    form = _window(qtbot, store, actor).form
    commit_text(form.texts["income"], "养老金每月约两千元")
    asked = answer_message_box(QMessageBox.StandardButton.No)
    qtbot.mouseClick(form.finalize_button, Qt.MouseButton.LeftButton)
    assert asked and "不能再修改" in asked[0]
    assert not form.locked and form.finalize_button.isVisible()
    assert form.status.text() == "仍为草稿，未锁定"
    assert not form.texts["income"].isReadOnly()
    stored = get_survey(store, form.application_id)
    assert stored is None or not stored.locked


def _finalised(store, actor) -> str:  # type: ignore[no-untyped-def]
    app_id = case_id(store, INVESTIGATING)
    member = case_overview(store, actor, app_id).members[0].name
    sections = {key: f"{label}：已核实" for key, label in TEXT_SECTIONS.items()}
    save_survey_draft(store, actor, app_id, visited_on=date.today(), surveyors=["王调查", "刘明"],
                      members_present=[member], sections=sections)  # fmt: skip
    for name in ("王调查", "刘明", member):
        save_survey_signature(store, actor, app_id, name, sample_image(name, 260, 70, True))
    finalize_survey(store, actor, app_id, date.today())
    return app_id


def test_a_locked_form_closes(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("surveyor")
    app_id = _finalised(store, actor)
    window = _window(qtbot, store, actor)
    form: SurveyForm = window.form
    assert form.locked and not form.finalize_button.isVisible()
    assert window.close_button.isVisible() and window.close_button.isEnabled()
    qtbot.mouseClick(window.close_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible()
    again = _window(qtbot, store, actor)
    assert again.form.locked
    assert again.close() and not again.isVisible()  # the title bar's close is not refused
    assert get_survey(store, app_id).locked  # type: ignore[union-attr]
    # The locked form prints as final, with the three drawn signatures.
    pdf = render_case_survey(store, actor, app_id)
    text = pdf_text(pdf)
    assert "王调查、刘明" in text and "七、签字" in text and "草稿" not in text
    assert "调查结论：调查结论：已核实" in text
    images = sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert images == 3
