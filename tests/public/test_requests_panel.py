"""The 诉求登记 panel (real widgets, offscreen): a pre-application pulled from the hub shows as
待受理 and is accepted with one button; a call is logged from the form."""

from __future__ import annotations

from sqlalchemy import select

from desktop.store.models import Application
from tests.public.conftest import Resident
from tests.public.test_pre_application import submit
from tests.sync_client.conftest import Linked
from tests.ui_fixtures import _ops_clean, sync_ops  # noqa: F401
from ui.requests_panel import RequestsPanel


def test_pre_application_is_accepted_from_the_panel(
    qtbot,
    desk_a: Linked,
    resident: Resident,
    sync_ops,  # noqa: F811
) -> None:
    reference = submit(resident)
    desk_a.sync()
    panel = RequestsPanel(desk_a.store, desk_a.clerk)
    qtbot.addWidget(panel)
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 6).text() == "待受理" and panel.table.item(0, 7).text() == reference
    panel.table.setCurrentCell(0, 0)
    assert panel.accept_button.isEnabled()
    panel.accept_button.click()
    assert "已受理" in panel.message.text() and "案件编号" in panel.message.text()
    assert panel.table.rowCount() == 0, "the 待受理 filter no longer lists it"
    with desk_a.store.sessions.read() as s:
        assert s.scalars(select(Application).where(Application.channel == "qr")).one()


def test_a_call_is_logged_and_a_bad_one_names_the_field(
    qtbot,
    desk_a: Linked,
    sync_ops,  # noqa: F811
) -> None:
    panel = RequestsPanel(desk_a.store, desk_a.clerk)
    qtbot.addWidget(panel)
    panel.log_button.click()
    assert "来电（来访）人" in panel.message.text() and panel.table.rowCount() == 0
    panel.caller.setText("王大妈")
    panel.phone.setText("13812345678")
    panel.need.setPlainText("问临时救助怎么申请")
    panel.log_button.click()
    assert panel.table.rowCount() == 1 and panel.table.item(0, 1).text() == "救助热线"
    assert panel.caller.text() == ""


def test_month_statistics_are_exported_from_the_panel(
    qtbot,
    desk_a: Linked,
    sync_ops,  # noqa: F811 - the imported fixture
    tmp_path,
) -> None:
    from openpyxl import load_workbook

    panel = RequestsPanel(desk_a.store, desk_a.clerk)
    qtbot.addWidget(panel)
    panel.caller.setText("王大妈")
    panel.need.setPlainText("问临时救助怎么申请")
    panel.log_button.click()
    panel.save_dialog = lambda _parent, name: str(tmp_path / "stats")
    panel.export_button.click()
    assert panel.last_export == tmp_path / "stats.xlsx" and "已导出" in panel.message.text()
    rows = list(load_workbook(panel.last_export).active.iter_rows(values_only=True))
    hotline = next(r for r in rows if r[0] == "救助热线")
    assert hotline[-1] == 1
