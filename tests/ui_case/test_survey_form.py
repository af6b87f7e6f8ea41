"""The 入户调查表: typed, signed with the mouse, photographed, autosaved, restored after the
window is gone, finalised and locked; then the case page records the survey from it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop.services.cases.workflow import case_timeline, get_case, get_survey
from desktop.services.family.documents import list_documents
from tests.ui_case.helpers import (
    INVESTIGATING,
    answer_message_box,
    case_id,
    commit_text,
    draw_stroke,
)
from ui.cases.case_page import CasePage
from ui.survey.form import SurveyForm

TEXTS = {
    "income": "夫妻二人养老金合计每月约三千元，与申报一致",
    "assets": "无存款以外的大额财产，无车辆",
    "housing": "自有住房五十平方米，家具陈旧",
    "neighbours": "走访邻居刘女士，反映情况属实",
    "findings": "家庭经济状况属实",
    "opinion": "建议按程序办理",
}


def _photo(folder: Path) -> Path:
    image = QImage(120, 90, QImage.Format.Format_RGB32)
    image.fill(QColor("#88aa66"))
    path = folder / "现场照片1.jpg"
    assert image.save(str(path))
    return path


def _fill(qtbot, form: SurveyForm, photo: Path) -> list[str]:  # type: ignore[no-untyped-def]
    form.surveyors.setFocus()
    form.surveyors.end(False)
    commit_text(form.surveyors, "、李娜")
    member = next(iter(form.present))
    form.present[member].setChecked(True)
    for key, text in TEXTS.items():
        commit_text(form.texts[key], text)
    assert form.photos.add_files([photo]).added
    signers = list(form.sign.boxes)
    for box in form.sign.boxes.values():
        canvas = box.pad.canvas
        draw_stroke(canvas, [(20, 30), (60, 70), (110, 40), (160, 80)])
        draw_stroke(canvas, [(40, 90), (140, 95)])
    return signers


def test_survey_autosaves_restores_finalises_and_is_recorded(
    desk, qtbot, sync_ops, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("surveyor")
    page = CasePage(store, actor, case_id(store, INVESTIGATING))
    qtbot.addWidget(page)
    page.show()
    assert page.survey_button.isEnabled()
    window = page.open_survey()
    assert window is not None
    form: SurveyForm = window.form  # type: ignore[attr-defined]
    signers = _fill(qtbot, form, _photo(tmp_path))
    # The two surveyors of the 安排入户调查 step come prefilled; a third was added.
    assert signers == [actor.display_name, "刘明", "李娜", next(iter(form.present))]
    # The debounce timer stores the draft (and each signature) without a button press.
    qtbot.waitUntil(lambda: not form.sign.dirty_boxes() and form.saves >= 2, timeout=5000)
    stored = get_survey(store, page.application_id)
    assert stored is not None and not stored.locked
    assert stored.sections["income"] == TEXTS["income"]
    assert set(stored.sections["signatures"]) == set(signers)
    assert len(stored.sections["photos"]) == 1
    kinds = [d.kind for d in list_documents(store, page.application_id)]
    assert kinds.count("signature") == 4 and kinds.count("photo") == 1

    # The window goes away without finalising (as a crash would); reopening restores it.
    window.deleteLater()
    QApplication.processEvents()
    page.survey_window = None
    again = SurveyForm(store, actor, page.data.overview)  # type: ignore[union-attr]
    qtbot.addWidget(again)
    assert again.surveyor_names() == [actor.display_name, "刘明", "李娜"]
    assert again.present_names() == signers[3:]
    assert {k: e.toPlainText() for k, e in again.texts.items()} == TEXTS
    assert all("签字已保存" in b.state.text() for b in again.sign.boxes.values())
    assert "已保存照片 1 张" in again.photo_state.text()

    asked = answer_message_box(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(again.finalize_button, Qt.MouseButton.LeftButton)
    assert asked and "不能再修改" in asked[0]
    assert again.locked and "已定稿" in again.status.text()
    assert again.texts["income"].isReadOnly() and not again.surveyors.isEnabled()
    assert get_survey(store, page.application_id).locked  # type: ignore[union-attr]

    # The case page now records the survey from the locked form.
    assert page.survey_button.text() == "查看入户调查表"
    steps = len(case_timeline(store, page.application_id))
    qtbot.mouseClick(page.step_panel.buttons["record_survey"], Qt.MouseButton.LeftButton)
    note = page.dialog.findChild(QLabel, "actionNote") if page.dialog else None
    assert note is not None and "已定稿的入户调查表" in note.text()
    qtbot.mouseClick(page.dialog.ok_button, Qt.MouseButton.LeftButton)
    survey = get_case(store, page.application_id).snapshot.survey
    assert survey is not None and set(survey.surveyors) == {actor.display_name, "刘明", "李娜"}
    assert len(case_timeline(store, page.application_id)) > steps


def test_finalise_refuses_an_incomplete_form_naming_the_field(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("surveyor")
    page = CasePage(store, actor, case_id(store, INVESTIGATING))
    qtbot.addWidget(page)
    form = SurveyForm(store, actor, page.data.overview)  # type: ignore[union-attr]
    qtbot.addWidget(form)
    form.surveyors.clear()
    commit_text(form.texts["income"], "收入属实")
    answer_message_box(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(form.finalize_button, Qt.MouseButton.LeftButton)
    assert not form.locked
    assert "不能定稿：调查人员" in form.status.text()
    assert not get_survey(store, page.application_id).locked  # type: ignore[union-attr]
