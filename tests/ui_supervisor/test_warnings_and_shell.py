"""预警处置 panel, the tabs each role gets, and the status bar's calendar warning."""

from __future__ import annotations

from datetime import date

from desktop.domain.calendar import HOLIDAY
from desktop.services.calendar_admin import add_calendar_override, calendar_warning
from desktop.services.warnings import list_warnings
from tests.ui_supervisor.conftest import add_warning
from ui import ops
from ui.main_window import MainWindow
from ui.warnings_panel import WarningsPanel

ID = "120103198001011234"


def test_a_warning_disposed_through_the_panel(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("clerk")
    mine = add_warning(store, actor.office_code, "王芳", ID)
    add_warning(store, "120104001", "李四", "120104198001011234")  # not this office's
    panel = WarningsPanel(store, actor)
    qtbot.addWidget(panel)
    assert [w.id for w in panel.warnings] == [mine]
    assert panel.table.item(0, 3).text() == ID, "window staff see the full ID number"
    panel.dispose_button.click()
    assert panel.message.text().startswith("预警："), "nothing selected yet"
    panel.table.selectRow(0)
    assert "王芳" in panel.target.text()
    panel.dispose_button.click()
    assert panel.message.text().startswith("核查情况："), panel.message.text()
    panel.checked_by.setText("赵社工")
    panel.finding.setPlainText("入户核实：配偶已于本月就业，月收入约3000元")
    panel.disposal.setCurrentIndex(panel.disposal.findData("adjust_benefit"))
    panel.dispose_button.click()
    (done,) = list_warnings(store, actor.office_id, "disposed")
    assert (done.id, done.checked_by, done.disposal) == (mine, "赵社工", "adjust_benefit")
    assert "配偶已于本月就业" in done.finding
    assert panel.table.rowCount() == 0, "the open list no longer shows it"
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("disposed"))
    assert panel.table.item(0, 6).text() == "调整救助待遇"


def test_a_coordinator_sees_masked_ids_and_cannot_dispose(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("coordinator")
    add_warning(store, actor.office_code, "王芳", ID)
    panel = WarningsPanel(store, actor)
    qtbot.addWidget(panel)
    assert panel.table.item(0, 3).text() == "120103********1234"
    assert not hasattr(panel, "dispose_button")


def _tabs(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_tabs_by_role(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, clerk = desk.as_user("clerk")
    w = MainWindow(store, clerk)
    qtbot.addWidget(w)
    assert "预警处置" in _tabs(w)
    assert not {"工作台", "发放核算", "系统管理"} & set(_tabs(w)), "a clerk gets no run/admin pages"
    store2, supervisor = desk.as_user("supervisor")
    w2 = MainWindow(store2, supervisor)
    qtbot.addWidget(w2)
    assert {"案件列表", "工作台", "发放核算", "预警处置", "系统管理"} <= set(_tabs(w2))
    assert w2.admin.page_titles() == ["政策参数", "节假日调整", "备用金", "操作日志"]
    assert w2.dashboard.data is not None and w2.benefit_run.run_button.isEnabled()


def test_status_bar_shows_the_calendar_warning(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    today = date.today()
    expected = calendar_warning(store, today, actor.office_id)
    w = MainWindow(store, actor)
    qtbot.addWidget(w)
    assert w.calendar_label.text() == (expected or "")
    if expected is None:
        return  # next year's holidays are known to the national calendar already
    assert f"{today.year + 1}年" in expected
    ops.run_op(w, add_calendar_override, store, actor, date(today.year + 1, 1, 1), HOLIDAY, "元旦")
    assert w.calendar_label.text() == "", "entering next year's holidays clears the warning"
