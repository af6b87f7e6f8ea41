"""Idle lock on a shared window PC: after the configured minutes the windows hide behind a
lock screen that wants the same user's password; a half-typed form is still there after
unlocking; 切换用户 from the lock screen saves the draft like any log out."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.demo_data import PASSWORDS
from desktop.services.family.drafts import load_draft
from desktop.settings import update_settings
from tests.support import Desk
from ui.idle_lock import LockDialog
from ui.intake import IntakeDialog
from ui.login import LoginDialog
from ui.session import DeskSession


class Clock:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


def _on_screen() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def _logged_in_clerk(qtbot, desk: Desk, minutes: int):  # type: ignore[no-untyped-def]
    store, admin = desk.as_user("admin")
    update_settings(store, admin, {"idle_lock_minutes": minutes})
    session = DeskSession(desk.folder)
    dialog = session.show_login()
    qtbot.keyClicks(dialog.username, "clerk")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.password, PASSWORDS["clerk"][2])
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    window = session.window
    assert window is not None and session.idle_lock is not None
    clock = Clock()
    session.idle_lock.clock = clock
    qtbot.mouseClick(window.tabs, Qt.MouseButton.LeftButton)  # activity at clock.now
    return session, window, clock


def test_idle_windows_lock_and_unlock_with_the_same_password_keeping_the_form(
    qtbot, desk: Desk, sync_ops
) -> None:  # type: ignore[no-untyped-def]
    session, window, clock = _logged_in_clerk(qtbot, desk, 5)
    window.open_intake()
    intake = window.findChild(IntakeDialog)
    assert intake is not None and intake.isVisible()
    intake.household.address.setText("河西区友谊路街道平江道8号1-101")
    lock = session.idle_lock
    clock.now += 4 * 60
    lock.check()
    assert lock.dialog is None  # 4 minutes idle: not yet
    clock.now += 60
    lock.check()
    screen = lock.dialog
    assert isinstance(screen, LockDialog) and screen.isVisible()
    assert _on_screen() == [screen]  # nothing of the clerk's work is shown
    assert "李窗口" in screen.findChildren(type(screen.message))[0].text()
    screen.reject()  # Esc does not unlock
    assert screen.isVisible()
    qtbot.keyClicks(screen.password, "Wrong2026!")
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert "用户名或密码错误" in screen.message.text() and screen.isVisible()
    screen.password.clear()
    qtbot.keyClicks(screen.password, PASSWORDS["clerk"][2])
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    assert lock.dialog is None and window.isVisible() and intake.isVisible()
    assert intake.household.address.text() == "河西区友谊路街道平江道8号1-101"
    session.quit()


def test_switching_user_from_the_lock_screen_keeps_the_draft(qtbot, desk: Desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    session, window, clock = _logged_in_clerk(qtbot, desk, 1)
    window.open_intake()
    intake = window.findChild(IntakeDialog)
    assert intake is not None
    intake.household.address.setText("河西区友谊路街道平江道9号2-202")
    clock.now += 61
    session.idle_lock.check()
    screen = session.idle_lock.dialog
    assert screen is not None
    qtbot.mouseClick(screen.switch_button, Qt.MouseButton.LeftButton)
    assert session.window is None and isinstance(session.login_dialog, LoginDialog)
    assert _on_screen() == [session.login_dialog]
    store, actor = desk.as_user("clerk")
    draft = load_draft(store, actor, "intake", "new")
    assert draft is not None and "平江道9号" in json.dumps(draft, ensure_ascii=False)
    session.login_dialog.reject()


def test_zero_minutes_never_locks(qtbot, desk: Desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    session, _window, clock = _logged_in_clerk(qtbot, desk, 0)
    clock.now += 24 * 3600
    session.idle_lock.check()
    assert session.idle_lock.dialog is None
    session.quit()
