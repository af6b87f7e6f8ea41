"""The case page shows what the services say and takes workflow steps through its dialogs."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.services.cases.assessment import assess_application
from desktop.services.cases.workflow import case_deadlines, case_timeline, get_case, perform
from desktop.store.models import Application, Asset, IncomeItem, Person
from tests.ui_case.helpers import (
    CONFIRMING,
    INVESTIGATING,
    SPLIT_PAYING,
    case_id,
    commit_text,
    pdf_text,
)
from ui import theme
from ui.cases.case_page import CasePage
from ui.widgets.fields import MoneyEdit


def _page(qtbot, store, actor, number: str) -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(store, actor, case_id(store, number))
    qtbot.addWidget(page)
    page.resize(1366, 800)
    page.show()
    return page


def test_summary_timeline_and_deadlines_match_the_services(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("clerk")
    page = _page(qtbot, store, actor, INVESTIGATING)
    app_id = page.application_id
    case = get_case(store, app_id)
    assert page.summary["number"].text() == INVESTIGATING
    assert page.state_label.text() == case.state_cn == "核对调查中"
    assert page.summary["type"].text() == "最低生活保障（低保）"
    assert "河西区友谊路街道" in page.summary["residence"].text()
    assert page.title.text().endswith(INVESTIGATING)
    timeline = case_timeline(store, app_id)
    assert page.timeline.rowCount() == len(timeline) >= 3
    assert [page.timeline.item(r, 2).text() for r in range(len(timeline))] == [
        t.summary for t in timeline
    ]
    deadlines = case_deadlines(store, app_id, date.today())
    assert page.deadlines.rowCount() == len(deadlines) >= 1
    for row, d in enumerate(deadlines):
        assert page.deadlines.item(row, 3).text() == d.due.isoformat()
        if d.overdue:
            assert page.deadlines.statuses[row] == theme.STATUS_OVERDUE
            assert "逾期" in page.deadlines.item(row, 4).text()
            assert page.state_label.property("status") == theme.STATUS_OVERDUE
    # A clerk sees ID numbers in full; household members listed.
    ids = [
        page.household.members.item(r, 1).text() for r in range(page.household.members.rowCount())
    ]
    assert ids and all("*" not in i and len(i) == 18 for i in ids)


def test_coordinator_sees_masked_ids_and_cannot_confirm(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("coordinator")
    page = _page(qtbot, store, actor, CONFIRMING)
    ids = [
        page.household.members.item(r, 1).text() for r in range(page.household.members.rowCount())
    ]
    assert ids and all("********" in i for i in ids)
    button = page.step_panel.buttons["confirm"]
    assert not button.isEnabled()
    reason = page.step_panel.reasons["confirm"].text()
    assert reason == button.toolTip() and "社区救助协理员" in reason
    assert page.open_action(next(o for o in page.data.actions if o.action == "confirm")) is None
    assert not page.assessment.run_button.isEnabled()


def test_clerk_cannot_take_a_supervisor_step(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("clerk")
    page = _page(qtbot, store, actor, CONFIRMING)
    button = page.step_panel.buttons["confirm"]
    assert not button.isEnabled()
    assert "审核负责人" in page.step_panel.reasons["confirm"].text()
    assert page.step_panel.buttons["return_for_supplement"].isEnabled()


def test_supervisor_confirms_through_the_dialog(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    app_id = case_id(store, CONFIRMING)
    with store.sessions.write() as s:  # a family with nothing: the calculation is positive
        household = s.get(Application, app_id).household_id  # type: ignore[union-attr]
        for model in (IncomeItem, Asset):
            for row in s.scalars(select(model).where(model.household_id == household)):
                row.deleted = True
        for p in s.scalars(select(Person).where(Person.household_id == household)):
            p.work_capacity, p.employment = "none", ""
    calculated = assess_application(store, actor, app_id).amount
    assert calculated > 0
    page = _page(qtbot, store, actor, CONFIRMING)
    before = page.timeline.rowCount()
    version = get_case(store, page.application_id).version
    qtbot.mouseClick(page.step_panel.buttons["confirm"], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.when.value() == date.today()
    amount = dialog.widgets["amount"]
    assert isinstance(amount, MoneyEdit)
    assert amount.value() == calculated, "the dialog offers the calculated amount"
    dialog.widgets["family_stability"].setCurrentIndex(0)  # type: ignore[attr-defined]
    # A different amount without a reason and a second approver is refused in the dialog.
    amount.line_edit.clear()
    qtbot.keyClicks(amount.line_edit, "9999.00")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "不一致" in dialog.error_label.text()
    assert get_case(store, page.application_id).state == "confirming"
    amount.line_edit.clear()
    qtbot.keyClicks(amount.line_edit, str(calculated))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    case = get_case(store, page.application_id)
    assert case.state == "confirmed" and case.version == version + 1
    assert case.snapshot.approved_amount == calculated
    assert page.state_label.text() == "已确认待发放"
    assert page.timeline.rowCount() == before + 1
    assert "审核确认同意" in page.timeline.item(before, 2).text()
    assert "已办理" in page.message.text()
    # The approval letter can now be printed from the page.
    qtbot.mouseClick(page.print_buttons["approval"], Qt.MouseButton.LeftButton)
    text = pdf_text(page.preview.pdf_bytes)  # type: ignore[union-attr]
    assert "审核确认通知书" in text and f"{calculated:,.2f}" in text


def test_refused_step_shows_the_reason_and_changes_nothing(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    page = _page(qtbot, store, actor, CONFIRMING)
    app_id = page.application_id
    # Refusal reasons are required: the dialog says so and stays open.
    qtbot.mouseClick(page.step_panel.buttons["refuse"], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "不予救助理由：不能为空" in dialog.error_label.text()
    assert get_case(store, app_id).state == "confirming"
    # Someone else moves the case meanwhile: the step is refused with the Chinese reason.
    other_store, other = desk.as_user("supervisor")
    stale = get_case(other_store, app_id)
    perform(other_store, other, app_id, "mark_hard_case", {"reason": "家庭成员关系复杂"},
            date.today(), stale.version)  # fmt: skip
    commit_text(dialog.widgets["reasons"], "家庭人均收入高于低保标准")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "已被他人办理" in dialog.error_label.text()
    assert "未办理" in page.message.text()
    after = get_case(store, app_id)
    assert after.state == "confirming" and after.version == stale.version + 1


def test_other_office_holds_the_step_page_is_read_only(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    page = _page(qtbot, store, actor, SPLIT_PAYING)
    assert page.banner.isVisible()
    assert "户籍地河西区东海街道" in page.banner.text()
    assert "一城通办" in page.summary["hukou"].text()
    assert page.step_panel.buttons and not any(
        b.isEnabled() for b in page.step_panel.buttons.values()
    )
    assert not page.documents.attach_button.isEnabled()
    assert not page.checks.request_button.isEnabled()


def test_documents_attach_view_and_missing_notice(desk, qtbot, sync_ops, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QImage

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    path = tmp_path / "收入证明.png"
    assert image.save(str(path))
    store, actor = desk.as_user("clerk")
    page = CasePage(store, actor, case_id(store, INVESTIGATING), file_dialog=lambda _p: str(path))
    qtbot.addWidget(page)
    page.show()
    count = page.documents.table.rowCount()
    qtbot.mouseClick(page.documents.attach_button, Qt.MouseButton.LeftButton)
    assert page.documents.table.rowCount() == count + 1
    row = [d.file_name for d in page.documents.documents].index("收入证明.png")
    page.documents.table.selectRow(row)
    qtbot.mouseClick(page.documents.view_button, Qt.MouseButton.LeftButton)
    shown = page.documents.last_dialog
    assert shown is not None and shown.pixmap.width() == 64  # type: ignore[attr-defined]
    # Economic check: requested from the page, a report pulled by sync is listed.
    qtbot.mouseClick(page.checks.request_button, Qt.MouseButton.LeftButton)
    assert "已提交核对申请" in page.checks.status_label.text()


def test_assessment_is_recomputed_with_reasons(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    page = _page(qtbot, store, actor, CONFIRMING)
    qtbot.mouseClick(page.assessment.run_button, Qt.MouseButton.LeftButton)
    lines = [page.assessment.reasons.item(i).text() for i in range(page.assessment.reasons.count())]
    assert lines and any(t.startswith(("✓", "✗")) for t in lines)
    assert "元/月" in page.assessment.headline.text() or "不符合" in page.assessment.headline.text()


def test_main_window_opens_one_tab_per_activated_case(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    store, actor = desk.as_user("clerk")
    window = MainWindow(store, actor)
    qtbot.addWidget(window)
    window.show()
    app_id = case_id(store, CONFIRMING)
    window.cases.case_activated.emit(app_id)
    page = window.tabs.currentWidget()
    assert isinstance(page, CasePage) and page.application_id == app_id
    title = window.tabs.tabText(window.tabs.currentIndex())
    assert title.endswith(CONFIRMING) and title.startswith(page.data.overview.applicant_name)  # type: ignore[union-attr]
    tabs = window.tabs.count()
    window.cases.case_activated.emit(app_id)
    assert window.tabs.count() == tabs and window.tabs.currentWidget() is page
    window.tabs.tabCloseRequested.emit(window.tabs.currentIndex())
    assert window.tabs.count() == tabs - 1
    window.close()
