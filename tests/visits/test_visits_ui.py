"""The 巡访走访 screen through real widgets (offscreen): the coordinator's plan, the visit form
with a photo and a drawn signature (a refusal names the field and keeps the draft; a form
reopened after a crash restores it), the problem assigned, handled, confirmed and closed from
the buttons, and the supervisor's coverage and ledger export read back with openpyxl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from desktop.services.family.drafts import load_draft
from desktop.services.outreach.visits import DRAFT_KIND
from tests.support import Desk
from tests.ui_fixtures import _ops_clean, sync_ops  # noqa: F401
from ui.visits.form import VisitForm
from ui.visits.panel import VisitsPanel

TODAY = date.today()


def _photo(tmp_path: Path) -> Path:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#8899aa"))
    path = tmp_path / "roof.png"
    assert image.save(str(path))
    return path


def _sign(qtbot: QtBot, form: VisitForm) -> None:
    canvas = form.signature.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(20, 40))
    qtbot.mouseMove(canvas, QPoint(120, 80))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(160, 60))
    assert not form.signature.is_empty()


def _fill(form: VisitForm, concern: str = "") -> None:
    form.met.setText("户主")
    for key, combo in form.answers.items():
        combo.setCurrentIndex(combo.findData("concern" if key == concern else "ok"))
    form.notes.setPlainText("屋顶漏雨，其余正常")


def test_the_coordinator_visits_and_the_problem_is_worked_to_closure(
    qtbot: QtBot, desk: Desk, tmp_path: Path, sync_ops  # noqa: F811
) -> None:  # fmt: skip
    store, coord = desk.as_user("coordinator")
    panel = VisitsPanel(store, coord)
    qtbot.addWidget(panel)
    panel.resize(1024, 700)  # a tablet in landscape
    assert panel.tabs.count() == 3, "coordinators have no coverage tab"
    assert panel.plan_table.rowCount() > 0 and "逾期" not in panel.plan_summary.text()[:2]
    assert "*" in panel.plan_table.item(0, 4).text(), "coordinators see ID numbers masked"
    panel.plan_table.setCurrentCell(0, 0)
    panel.visit_button.click()
    form = panel.form
    assert form is not None and panel.tabs.currentWidget() is panel.form_page
    household = form.target.household_id

    # a problem without a signature is refused naming the field; the draft is kept
    _fill(form, concern="housing_safety")
    form.problem_category.setCurrentIndex(form.problem_category.findData("housing"))
    form.problem_urgency.setCurrentIndex(form.problem_urgency.findData("urgent"))
    form.problem_text.setText("厨房屋顶漏雨")
    form.add_problem_button.click()
    assert form.problem_list.count() == 1
    form.photos.add_files([_photo(tmp_path)])
    form.submit_button.click()
    assert "被访人签字" in form.status.text()
    kept = load_draft(store, coord, DRAFT_KIND, household)
    assert kept is not None and kept["problems"][0]["description"] == "厨房屋顶漏雨"

    # the form reopened (as after a crash) restores the draft
    panel.plan_table.setCurrentCell(0, 0)
    form = panel.open_form()
    assert form is not None
    assert form.met.text() == "户主" and form.problem_list.count() == 1
    assert len(form.photos.photos()) == 1 and "恢复" in form.status.text()
    _sign(qtbot, form)
    form.signed_by.setText("户主")
    form.submit_button.click()
    assert "已提交" in form.status.text(), form.status.text()
    assert load_draft(store, coord, DRAFT_KIND, household) is None
    assert panel.problem_table.rowCount() == 1
    assert panel.problem_table.item(0, 0).text() == "待交办"

    # the supervisor assigns and records the handling from the buttons
    _s, sup = desk.as_user("supervisor")
    boss = VisitsPanel(store, sup)
    qtbot.addWidget(boss)
    assert boss.tabs.count() == 4
    boss.problem_table.setCurrentCell(0, 0)
    boss.handler.setText("区住房和建设委员会")
    boss.assign_button.click()
    assert "办理中" in boss.message.text() and "期限" in boss.message.text()
    boss.problem_table.setCurrentCell(0, 0)
    boss.problem_note.setText("已协调维修")
    boss.handle_button.click()
    assert "待确认" in boss.message.text()

    # the coordinator confirms; the supervisor closes
    panel.reload()
    panel.problem_table.setCurrentCell(0, 0)
    panel.problem_note.setText("复访确认已修好")
    panel.confirm_button.click()
    assert "已确认" in panel.message.text()
    boss.reload()
    boss.problem_table.setCurrentCell(0, 0)
    boss.close_button.click()
    assert "已办结" in boss.message.text()

    # coverage and the ledger, exported and read back
    assert "已走访 1 户" in boss.coverage_summary.text()
    assert "办结 1 个" in boss.coverage_summary.text()
    community = form.target.community
    boss.ledger_community.setCurrentText(community)
    out = tmp_path / "ledger.xlsx"
    boss.save_dialog = lambda _parent, _name, _kind: str(out)
    boss.export_button.click()
    assert boss.last_saved == out
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert community in rows[0][0] and rows[3][2] == form.target.name
    assert "*" in rows[3][3] and rows[3][8] == "住房安全" and rows[3][10] == "户主"
    pdf = tmp_path / "ledger.pdf"
    boss.save_dialog = lambda _parent, _name, _kind: str(pdf)
    boss.print_button.click()
    assert pdf.read_bytes().startswith(b"%PDF")
