"""Who is at the keyboard: the login window, the main window of the logged-in user, and 注销 /
切换用户 back to the login window without restarting (a shared window PC)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from ui import ops
from ui.login import LoginDialog

if TYPE_CHECKING:
    from desktop.services.base import Actor
    from desktop.store.store import Store
    from ui.idle_lock import IdleLock
    from ui.main_window import MainWindow


class DeskSession(QObject):
    """Runs login → main window → (注销 → login …) until the person quits.

    ``finished(code)`` fires when the login window is left with 退出 or the main window is
    closed; the caller ends the event loop then.
    """

    finished = Signal(int)
    logged_in = Signal(object)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.login_dialog: LoginDialog | None = None
        self.window: MainWindow | None = None
        self.store: Store | None = None
        self.actor: Actor | None = None
        self.idle_lock: IdleLock | None = None
        self._ending = False

    # ------------------------------------------------------------------ login
    def show_login(self, username: str = "", title: str = "") -> LoginDialog:
        """Show a fresh login window (nothing of the previous user in it)."""
        dialog = LoginDialog(self.data_dir, username=username)
        if title:
            dialog.setWindowTitle(title)
        dialog.accepted.connect(lambda: self._accepted(dialog))
        dialog.rejected.connect(lambda: self._left_login(dialog))
        self.login_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _accepted(self, dialog: LoginDialog) -> None:
        store, actor = dialog.result_store, dialog.result_actor
        dialog.deleteLater()
        self.login_dialog = None
        assert store is not None and actor is not None
        self.open(store, actor)

    def _left_login(self, dialog: LoginDialog) -> None:
        dialog.deleteLater()
        if self.login_dialog is dialog:
            self.login_dialog = None
            self.finished.emit(0)

    # ------------------------------------------------------------------ main window
    def open(self, store: Store, actor: Actor) -> MainWindow:
        """The main window of ``actor`` on the open ``store``."""
        from ui.idle_lock import IdleLock
        from ui.main_window import MainWindow

        self.store, self.actor = store, actor
        window = MainWindow(store, actor)
        window.logout_requested.connect(self.log_out)
        window.closed.connect(self._window_closed)
        self.window = window
        self.idle_lock = IdleLock(window, store, actor, switch_user=lambda: self.log_out(True))
        window.show()
        self.logged_in.emit(actor)
        return window

    def log_out(self, switch: bool = False) -> LoginDialog | None:
        """Close every window of the session (drafts are saved as on any close), close the
        store, forget the actor and show the login window again."""
        window = self.window
        if window is None:
            return self.login_dialog
        self._ending = True
        try:
            for widget in QApplication.topLevelWidgets():
                if widget is not window and widget.isVisible() and _belongs_to(widget, window):
                    widget.close()
            window.close()
        finally:
            self._ending = False
        self._end_session()
        return self.show_login(title="切换用户 · 街道社会救助窗口" if switch else "")

    def _window_closed(self) -> None:
        if self._ending:
            return
        self._end_session()
        self.finished.emit(0)

    def _end_session(self) -> None:
        ops.wait_idle()
        window, store = self.window, self.store
        self.window, self.store, self.actor, self.idle_lock = None, None, None, None
        if window is not None:
            window.deleteLater()
        if store is not None:
            store.close()

    def quit(self) -> None:
        """Close whatever is open (used at the end of the program)."""
        if self.window is not None:
            self.window.close()
        if self.login_dialog is not None:
            self.login_dialog.reject()


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    """A dialog or window opened from the main window (message boxes, previews, survey)."""
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return not isinstance(widget, LoginDialog)
