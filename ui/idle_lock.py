"""Idle lock of a shared window PC: after ``idle_lock_minutes`` without a key press or a
click the session's windows are hidden (nothing is closed, so unsaved forms stay as they
are) until the same user types their password, or someone switches user."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.accounts.auth import unlock
from desktop.services.base import Actor
from desktop.settings import get_setting
from desktop.store.store import Store
from ui import ops
from ui.errors import error_message

CHECK_EVERY_MS = 15_000
_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


class LockDialog(QDialog):
    """The lock screen: the locked user's name, their password, or 切换用户."""

    unlock_requested = Signal(str)
    switch_requested = Signal()

    def __init__(self, actor: Actor) -> None:
        super().__init__(None)
        self.setWindowTitle("已锁定 · 街道社会救助窗口")
        self.setModal(True)
        self._may_close = False
        title = QLabel(
            f"窗口已锁定\n{actor.display_name}（{actor.role.label}，{actor.office_name}）"
        )
        title.setStyleSheet("font-size: 14pt; font-weight: bold; margin: 8px 0;")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("请输入本人密码解锁")
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        self.message.setWordWrap(True)
        self.unlock_button = QPushButton("解锁")
        self.switch_button = QPushButton("切换用户")
        for button in (self.unlock_button, self.switch_button):
            button.setAutoDefault(False)
        self.unlock_button.clicked.connect(self._unlock)
        self.password.returnPressed.connect(self._unlock)
        self.switch_button.clicked.connect(self.switch_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(QLabel("未保存的内容已保留，解锁后继续。"))
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.password.setFocus()

    def _unlock(self) -> None:
        self.unlock_requested.emit(self.password.text())

    def failed(self, text: str) -> None:
        self.message.setText(text)
        self.password.selectAll()
        self.password.setFocus()

    def release(self) -> None:
        self._may_close = True
        self.close()

    def reject(self) -> None:  # Esc does not unlock
        if self._may_close:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._may_close:
            super().closeEvent(event)
        else:
            event.ignore()


class IdleLock(QObject):
    """Watches for input anywhere in the program and locks ``window`` when idle too long."""

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        store: Store,
        actor: Actor,
        *,
        switch_user: Callable[[], object],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.actor = actor
        self.switch_user = switch_user
        self.clock = clock
        self.dialog: LockDialog | None = None
        self._hidden: list[QWidget] = []
        self._last = clock()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def minutes(self) -> int:
        return int(get_setting(self.store, "idle_lock_minutes"))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self.dialog is None and event.type() in _ACTIVITY:
            self._last = self.clock()
        return False

    def check(self) -> None:
        """Lock when the configured idle time has passed (0 minutes: never)."""
        if self.dialog is not None:
            return
        minutes = self.minutes()
        if minutes > 0 and self.clock() - self._last >= minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Hide the session's windows (nothing is closed) and ask for the password."""
        if self.dialog is not None:
            return
        self._hidden = [
            w
            for w in QApplication.topLevelWidgets()
            if w.isVisible() and (w is self.window or _opened_from(w, self.window))
        ]
        for widget in self._hidden:
            widget.hide()
        dialog = LockDialog(self.actor)
        dialog.unlock_requested.connect(self._try_unlock)
        dialog.switch_requested.connect(self._switch)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.locked.emit()

    def _try_unlock(self, password: str) -> None:
        ops.run_op(self.dialog, unlock, self.store, self.actor, password, on_done=self._done)

    def _done(self, _result: object, error: BaseException | None) -> None:
        if self.dialog is None:
            return
        if error is not None:
            self.dialog.failed(error_message(error))
            return
        self._release()
        self.unlocked.emit()

    def _release(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.release()
            dialog.deleteLater()
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        self._last = self.clock()

    def _switch(self) -> None:
        """切换用户: show the windows again so they close (and save drafts) as on any log out."""
        self._release()
        self._timer.stop()
        self.switch_user()


def _opened_from(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
