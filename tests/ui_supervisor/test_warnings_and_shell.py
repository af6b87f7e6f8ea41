"""预警处置 panel, the tabs each role gets, and the status bar's calendar warning."""

from __future__ import annotations

from datetime import date

from desktop.domain.calendar import HOLIDAY
from desktop.services.outreach.warnings import list_warnings
from desktop.services.policy.calendar_admin import add_calendar_override, calendar_warning
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
    panel.disposal.setCurrentIndex(panel.disposal.findData("untrue"))
    panel.dispose_button.click()
    (done,) = list_warnings(store, actor.office_id, "disposed")
    assert (done.id, done.checked_by, done.disposal) == (mine, "赵社工", "untrue")
    assert "配偶已于本月就业" in done.finding
    assert panel.table.rowCount() == 0, "the open list no longer shows it"
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("disposed"))
    assert panel.table.item(0, 6).text() == "不属实"


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
    assert w2.admin.page_titles() == ["政策参数", "节假日调整", "备用金", "帮扶资源", "操作日志"]
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


def test_the_inbox_filters_by_kind_and_overdue_and_refers(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    from desktop.store.sync_models import MonitorWarning

    store, actor = desk.as_user("clerk")
    late = add_warning(store, actor.office_code, "王芳", ID, kind="大额医疗支出")
    other = add_warning(store, actor.office_code, "赵强", "120103198001011250", kind="车辆登记")
    with store.sessions.write() as s:
        for wid, kind, feed, due in ((late, "medical", "大额医疗费用", date(2026, 1, 5)),
                                     (other, "vehicle", "机动车登记", date(2099, 1, 5))):  # fmt: skip
            w = s.get(MonitorWarning, wid)
            assert w is not None
            w.kind, w.direction, w.deadline = kind, "lead", due
            w.evidence = {"feed": feed, "department": "医保"}
    panel = WarningsPanel(store, actor)
    qtbot.addWidget(panel)
    assert {w.id for w in panel.warnings} == {late, other}
    panel.kind_filter.setCurrentIndex(panel.kind_filter.findData("medical"))
    qtbot.waitUntil(lambda: [w.id for w in panel.warnings] == [late])
    assert (
        panel.table.item(0, 8).text() == "2026-01-05"
        and panel.table.item(0, 10).text() == "发现线索"
    )
    panel.kind_filter.setCurrentIndex(0)
    panel.overdue_only.setChecked(True)
    qtbot.waitUntil(lambda: [w.id for w in panel.warnings] == [late])
    panel.table.selectRow(0)
    panel.checked_by.setText("赵社工")
    panel.finding.setPlainText("电话核实：住院费用属实，转区医保局医疗救助")
    panel.disposal.setCurrentIndex(panel.disposal.findData("referral"))
    panel.dispose_button.click()
    assert panel.message.text().startswith("转介单位："), panel.message.text()
    panel.referral_to.setText("区医保局")
    panel.dispose_button.click()
    (done,) = list_warnings(store, actor.office_id, "disposed")
    assert (done.id, done.disposal, done.referral_to) == (late, "referral", "区医保局")


def test_a_lead_included_through_the_inbox_opens_a_prefilled_application(  # type: ignore[no-untyped-def]
    qtbot, desk, sync_ops
) -> None:
    from desktop.store.models import Application
    from desktop.store.sync_models import MonitorWarning

    store, actor = desk.as_user("clerk")
    lead_id = "120103198001011237"
    wid = add_warning(store, actor.office_code, "刘大病", lead_id, kind="大额医疗支出")
    with store.sessions.write() as s:
        w = s.get(MonitorWarning, wid)
        assert w is not None
        w.kind, w.rule, w.direction, w.community = "medical", "medical_lead", "lead", "紫金山社区"
        w.detail = "医保大额医疗费用：2026-10-20，56000"
        w.evidence = {
            "department": "医保",
            "feed": "大额医疗费用",
            "row": {"个人自付金额": "56000"},
        }
    panel = WarningsPanel(store, actor)
    qtbot.addWidget(panel)
    panel.table.selectRow(0)
    panel.intake_button.click()
    qtbot.waitUntil(lambda: panel.intake_dialog is not None)
    dialog = panel.intake_dialog
    data = dialog.data()  # type: ignore[union-attr]
    assert data["members"][0]["name"] == "刘大病" and data["members"][0]["id_number"] == lead_id
    assert data["household"]["community"] == "紫金山社区"
    assert data["application"]["assistance_type"] == "gangxing"
    assert "医保大额医疗费用" in data["application"]["reason"]
    dialog.household.address.setText("河西区紫金山路1号")  # type: ignore[union-attr]
    dialog.submit()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: dialog.result_value is not None)  # type: ignore[union-attr]
    filed = dialog.result_value.application  # type: ignore[union-attr]
    dialog.close()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: bool(list_warnings(store, actor.office_id, "disposed")))
    (done,) = list_warnings(store, actor.office_id, "disposed")
    assert (done.disposal, done.new_case_id) == ("add_to_coverage", filed.id)
    with store.sessions.read() as s:
        app = s.get(Application, filed.id)
        assert app is not None and app.assistance_type == "gangxing"


def test_adjust_benefit_through_the_inbox_leads_to_a_stop_letter(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader
    from sqlalchemy import select

    from desktop.domain.payment_status import paying_filter
    from desktop.services.cases.case_steps import get_case, perform
    from desktop.store.models import Application, Office, Person
    from printing.letters import render_case_letter

    store, actor = desk.as_user("clerk")
    with store.sessions.read() as s:
        case_id, id_number, name = s.execute(
            select(Application.id, Person.id_number, Person.name)
            .join(Person, Person.household_id == Application.household_id)
            .join(Office, Office.id == Application.hukou_office_id)
            .where(paying_filter(Application.state), Office.code == actor.office_code,
                   Application.assistance_type == "dibao", Person.is_member.is_(True))
            .order_by(Application.number)
        ).first()  # fmt: skip
    wid = add_warning(store, actor.office_code, name, id_number, kind="成员死亡")
    panel = WarningsPanel(store, actor)
    qtbot.addWidget(panel)
    panel.table.selectRow([w.id for w in panel.warnings].index(wid))
    panel.checked_by.setText("赵社工")
    panel.finding.setPlainText("入户核实：本人已去世，殡葬火化记录属实")
    panel.disposal.setCurrentIndex(panel.disposal.findData("adjust_benefit"))
    panel.dispose_button.click()
    qtbot.waitUntil(lambda: bool(list_warnings(store, actor.office_id, "disposed")))
    (done,) = list_warnings(store, actor.office_id, "disposed")
    assert done.review_case_id == case_id and "调整待遇" in panel.message.text()
    _s, surveyor = desk.as_user("surveyor")
    version = get_case(store, case_id).version
    perform(store, surveyor, case_id, "record_review",
            {"outcome": "stop", "reasons": ["家庭成员死亡"]}, date.today(), version)  # fmt: skip
    _s, supervisor = desk.as_user("supervisor")
    pdf = render_case_letter(store, supervisor, case_id, "change")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "停发" in text and name in text


def test_the_residence_office_is_informed_but_only_the_owner_disposes(desk) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from desktop.errors import ValidationError
    from desktop.services.outreach.warnings import dispose_warning
    from desktop.store.sync_models import MonitorWarning

    store, actor = desk.as_user("clerk")
    wid = add_warning(store, "120104001", "李四", "120104198001011234")
    with store.sessions.write() as s:
        w = s.get(MonitorWarning, wid)
        assert w is not None
        w.residence_office = actor.office_code
    assert [w.id for w in list_warnings(store, actor.office_id)] == [wid]
    with pytest.raises(ValidationError) as refused:
        dispose_warning(store, actor, wid, "赵社工", "已核实", "no_anomaly")
    assert "仅知悉" in str(refused.value)
