"""The 同步 tab, the 立即同步 action and the conflict dialog, on real widgets offscreen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.resolution import list_conflicts
from tests.sync_client.helpers import household
from tests.sync_client.test_conflicts import make_conflict
from ui import errors, ops
from ui.conflicts_dialog import ConflictsDialog
from ui.main_window import MainWindow


@pytest.fixture
def inline_ops() -> Iterator[list]:
    ops.set_synchronous(True)
    reports: list = []
    errors.set_error_sink(reports.append)
    yield reports
    errors.set_error_sink(None)
    ops.set_synchronous(False)


def test_conflict_dialog_and_sync_tab(qtbot, inline_ops, desk, second_desk, linker) -> None:
    one, two, hid = make_conflict(desk, second_desk, linker)
    window = MainWindow(two.store, two.clerk)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "同步" in titles
    panel = window.sync_panel
    assert "已注册" in panel.status_label.text()
    assert not panel.register_box.isVisibleTo(panel), "registration is for the admin only"

    window.sync_action.trigger()  # 立即同步: the push meets laptop one's edit
    assert window.sync.last is not None and window.sync.last.conflicts == 1
    assert panel.conflicts.rowCount() == 1
    assert "联系电话" in panel.conflicts.item(0, 3).text()

    dialog = panel.open_conflict(0)
    assert isinstance(dialog, ConflictsDialog)
    qtbot.addWidget(dialog)
    assert {"联系电话", "居住地址", "社区"} <= set(dialog.labels()[: len(dialog.combos)])
    row = dialog.labels().index("联系电话")
    assert (dialog.table.item(row, 2).text(), dialog.table.item(row, 3).text()) == (
        "13933334444",
        "13911112222",
    )
    dialog.save()  # nothing chosen yet: refused with the field named
    assert inline_ops and "请选择" in inline_ops[-1].message and not dialog.resolved
    dialog.choose_all("remote")
    dialog.set_choice("address", "local")
    dialog.save()
    assert dialog.resolved and list_conflicts(two.store, two.clerk) == []
    assert panel.conflicts.rowCount() == 0

    window.sync_action.trigger()
    assert window.sync.last.ok and window.sync.last.applied >= 1
    assert window.online_label.text().startswith("在线")
    assert "未同步：0 条" in window.unsynced_label.text()
    one.sync()
    merged = household(one.store, hid)
    assert merged is not None and merged.address.endswith("3-202") and merged.phone == "13911112222"


def test_unregistered_desk_shows_offline_and_admin_sees_registration(
    qtbot, inline_ops, admin
) -> None:
    store, actor = admin
    window = MainWindow(store, actor)
    qtbot.addWidget(window)
    panel = window.sync_panel
    assert "尚未在市级平台注册" in panel.status_label.text()
    assert panel.register_box.isVisibleTo(panel) and not panel.sync_button.isEnabled()
    window.sync_action.trigger()
    assert window.online_label.text() == "离线（未注册）"
    panel.url_edit.setText("ftp://example")
    panel.code_edit.setText("ABCD-EFGH")
    panel.register_button.click()
    assert "市级平台地址" in inline_ops[-1].message
    assert panel.outbox.rowCount() > 0 and panel.outbox.item(0, 4).text() == "待发送"
