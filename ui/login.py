"""Login dialog: the password unwraps the database key, so a wrong one opens nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.errors import error_message

if TYPE_CHECKING:
    from desktop.services.base import Actor
    from desktop.store.store import Store


class LoginDialog(QDialog):
    """Asks for user name and password; ``result_store``/``result_actor`` hold the session."""

    def __init__(
        self,
        data_dir: Path,
        parent: QWidget | None = None,
        username: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.clock = clock
        self.result_store: Store | None = None
        self.result_actor: Actor | None = None
        self.setWindowTitle("登录 · 街道社会救助窗口")
        self.setMinimumWidth(380)
        title = QLabel("街道社会救助窗口")
        title.setObjectName("loginTitle")
        title.setStyleSheet("font-size: 18pt; font-weight: bold; margin: 8px 0;")
        self.username = QLineEdit(username)
        self.username.setPlaceholderText("用户名")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        self.message = QLabel("")
        self.message.setObjectName("loginMessage")
        self.message.setStyleSheet("color: #b42318;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_login)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.try_login)
        # Enter is handled by the fields themselves (user name → password → log in), not by a
        # default button, so one key press never logs in twice.
        for button in buttons.buttons():
            button.setAutoDefault(False)  # type: ignore[attr-defined]  # QPushButton
            button.setDefault(False)  # type: ignore[attr-defined]
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(QLabel(f"数据目录：{data_dir}"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> None:
        """Log in on the spot (argon2 takes a fraction of a second); show the reason on failure."""
        if self.result_store is not None:
            return
        # Imported here so the login window appears before the database layer has loaded.
        from desktop.services.accounts.auth import login

        try:
            store, actor = login(
                self.data_dir, self.username.text(), self.password.text(), clock=self.clock
            )
        except Exception as exc:  # every failure is shown, none is fatal
            self.message.setText(error_message(exc))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.result_store, self.result_actor = store, actor
        self.accept()
