"""Admin screens and settings dialog driven as a person would."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from desktop.settings import get_setting
from ui.admin.offices import OfficesPanel, list_offices
from ui.admin.users import UsersPanel
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog


def test_settings_dialog_saves_and_shows_errors(qtbot, admin, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    dialog = SettingsDialog(store, actor)
    qtbot.addWidget(dialog)
    assert dialog.editors["office_hotline"].isEnabled(), "stored values were read"
    dialog.editors["flyer_qr_url"].setText("ftp://wrong")
    dialog.save()
    assert (
        "明白纸二维码地址" in dialog.message.text()
        and dialog.result() != QDialog.DialogCode.Accepted
    )
    dialog.editors["flyer_qr_url"].setText("https://mzj.tj.gov.cn/")
    dialog.editors["print_copies"].setValue(2)
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert get_setting(store, "print_copies") == 2


def test_admin_sees_the_admin_tab_and_a_clerk_does_not(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    store, admin = desk.as_user("admin")
    w = MainWindow(store, admin)
    qtbot.addWidget(w)
    assert "系统管理" in [w.tabs.tabText(i) for i in range(w.tabs.count())]
    store2, clerk = desk.as_user("clerk")
    w2 = MainWindow(store2, clerk)
    qtbot.addWidget(w2)
    assert "系统管理" not in [w2.tabs.tabText(i) for i in range(w2.tabs.count())]


def test_users_and_offices_lists_match_the_store(qtbot, admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    users = UsersPanel(store, actor)
    qtbot.addWidget(users)
    names = {users.table.item(r, 0).text() for r in range(users.table.rowCount())}
    assert {"admin", "clerk", "surveyor", "supervisor", "coordinator"} <= names
    offices = OfficesPanel(store, actor)
    qtbot.addWidget(offices)
    assert offices.table.rowCount() == len(list_offices(store)) == 80
