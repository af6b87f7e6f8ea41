"""Admin screens and settings dialog driven as a person would."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from desktop.settings import get_setting
from ui import ops
from ui.admin.offices import OfficesPanel, list_offices
from ui.admin.users import UsersPanel, ask_password_change
from ui.first_run import FirstRunDialog
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
    assert ops.wait_idle()  # the lists are read on the writer thread
    names = {users.table.item(r, 0).text() for r in range(users.table.rowCount())}
    assert {"admin", "clerk", "surveyor", "supervisor", "coordinator"} <= names
    offices = OfficesPanel(store, actor)
    qtbot.addWidget(offices)
    assert ops.wait_idle()
    assert offices.table.rowCount() == len(list_offices(store)) == 80


def test_new_user_is_hashed_off_the_gui_thread_and_listed(qtbot, admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    panel = UsersPanel(store, actor)
    qtbot.addWidget(panel)
    dialog = panel.add_user()
    dialog.username.setText("wangli")
    dialog.display_name.setText("王丽")
    dialog.password.setText("short")
    dialog.submit()
    assert not dialog.buttons.isEnabled(), "the window waits for the writer, not for argon2"
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10_000)
    assert dialog.isVisible() and "密码" in dialog.message.text()
    dialog.password.setText("Window2026ok")
    dialog.submit()
    assert ops.pending_jobs() == 1 and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert ops.wait_idle()
    names = {panel.table.item(r, 0).text() for r in range(panel.table.rowCount())}
    assert "wangli" in names


def test_password_change_runs_through_ops_and_stays_open_on_a_wrong_password(qtbot, admin) -> None:  # type: ignore[no-untyped-def]
    from desktop.demo_data import PASSWORDS
    from desktop.services.accounts.auth import login

    store, actor = admin
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = ask_password_change(parent, store, actor)
    dialog.old.setText("not-the-password1")
    dialog.new.setText("Brand2026new")
    dialog.again.setText("Brand2026new")
    dialog.check()
    assert not dialog.buttons.isEnabled()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10_000)
    assert dialog.isVisible() and dialog.message.text()
    dialog.old.setText(PASSWORDS["admin"][2])
    dialog.check()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    again, _ = login(store.data_dir, "admin", "Brand2026new")
    again.close()


def test_office_refusal_keeps_the_dialog_open(qtbot, admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    panel = OfficesPanel(store, actor)
    qtbot.addWidget(panel)
    dialog = panel.add_office()
    dialog.edits["code"].setText("12")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=5000)
    assert dialog.isVisible() and "街道代码" in dialog.message.text()


def test_first_run_creates_the_store_through_ops(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstRunDialog(tmp_path / "fresh")
    qtbot.addWidget(dialog)
    dialog.blank.setChecked(True)
    for key, value in {
        "code": "120103002",
        "name": "越秀路街道",
        "district": "河西区",
        "region_code": "120103",
        "phone": "022-28130000",
        "password": "Admin2026first",
    }.items():
        dialog.fields[key].setText(value)
    dialog.create_store()
    assert not dialog.buttons.isEnabled() and dialog.store is None
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=20_000)
    assert dialog.store is not None and dialog.actor is not None
    assert dialog.actor.username == "admin"
    dialog.store.close()


def test_admin_assigns_a_coordinators_communities(qtbot, admin) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.outreach.coordinators import communities_of

    store, actor = admin
    panel = UsersPanel(store, actor)
    qtbot.addWidget(panel)
    assert ops.wait_idle()
    row = next(i for i, u in enumerate(panel.users) if u.username == "coordinator")
    panel.table.selectRow(row)
    dialog = panel.edit_communities()
    assert dialog is not None and ops.wait_idle()
    assert dialog.names.text()  # the demo coordinator's communities are shown
    dialog.names.setText("平安里社区，谊景村社区")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
    assert communities_of(store, actor, panel.users[row].id) == ["平安里社区", "谊景村社区"]
    clerk_row = next(i for i, u in enumerate(panel.users) if u.username == "clerk")
    panel.table.selectRow(clerk_row)
    other = panel.edit_communities()
    assert other is not None and ops.wait_idle()
    other.names.setText("平安里社区")
    other.submit()
    qtbot.waitUntil(lambda: other.buttons.isEnabled(), timeout=10_000)
    assert "只能给社区救助协理员分配社区" in other.message.text() and other.isVisible()
