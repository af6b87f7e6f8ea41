"""User administration: list users, add one, enable or disable, assign a coordinator's
communities; change one's own password.

Password hashing (argon2id, 64 MiB) and every read run on the writer thread; a dialog waits
for the result with its buttons disabled and stays open to show a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.accounts.auth import change_password, create_user, list_users, set_user_active
from desktop.services.base import ROLE_LABELS, Actor, Role
from desktop.services.outreach.coordinators import assign_communities, communities_of
from desktop.store.store import Store
from ui import ops
from ui.errors import error_message, show_error

BUSY_TEXT = "正在保存（密码加密需要一两秒）…"


class _SubmitDialog(QDialog):
    """A form whose OK runs a core call on the writer thread; accepted only when it succeeds."""

    message: QLabel
    buttons: QDialogButtonBox

    def set_busy(self, busy: bool) -> None:
        """Disable the buttons while the call runs."""
        self.buttons.setEnabled(not busy)
        self.message.setText(BUSY_TEXT if busy else "")

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run ``fn`` through ops; accept on success, else show the message and stay open."""
        self.set_busy(True)
        ops.run_op(self, fn, *args, on_done=self._finished, **kwargs)

    def _finished(self, _result: Any, error: BaseException | None) -> None:
        self.set_busy(False)
        if error is not None:
            self.message.setText(error_message(error))
            return
        self.accept()


class NewUserDialog(_SubmitDialog):
    """Name, role and first password of a new user."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.setWindowTitle("新增用户")
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(ROLE_LABELS[role], role.value)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        form = QFormLayout()
        form.addRow("用户名（字母开头）", self.username)
        form.addRow("姓名", self.display_name)
        form.addRow("角色", self.role)
        form.addRow("初始密码（至少8位，含字母和数字）", self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        """Create the user on the writer thread (the core validates every field)."""
        self.run(
            create_user,
            self.store,
            self.actor,
            username=self.username.text(),
            display_name=self.display_name.text(),
            role=self.role.currentData(),
            password=self.password.text(),
        )


class PasswordDialog(_SubmitDialog):
    """Old password and the new one twice; ``on_submit(dialog)`` does the change."""

    def __init__(
        self,
        parent: QWidget | None = None,
        on_submit: Callable[[PasswordDialog], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.on_submit = on_submit
        self.setWindowTitle("修改密码")
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for edit in (self.old, self.new, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        form = QFormLayout()
        form.addRow("原密码", self.old)
        form.addRow("新密码", self.new)
        form.addRow("再次输入新密码", self.again)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def check(self) -> None:
        """Both new entries must match; then submit (or accept when nothing is to be run)."""
        if self.new.text() != self.again.text():
            self.message.setText("新密码：两次输入不一致")
            return
        if self.on_submit is None:
            self.accept()
            return
        self.on_submit(self)


class CommunitiesDialog(_SubmitDialog):
    """The communities a coordinator serves, separated by 、 or commas."""

    def __init__(
        self, store: Store, actor: Actor, user: Any, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.user = store, actor, user
        self.setWindowTitle(f"负责社区：{user.display_name}")
        self.names = QLineEdit()
        self.names.setPlaceholderText("如：平安里社区、谊景村社区")
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("负责社区", self.names)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("协理员只能查看和办理所负责社区的家庭。"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        ops.run_op(self, communities_of, store, actor, user.id, on_done=self._shown)

    def _shown(self, names: Any, error: BaseException | None) -> None:
        if error is None:
            self.names.setText("、".join(names))

    def submit(self) -> None:
        raw = self.names.text().replace(",", "、").replace("，", "、")
        names = [n for n in (part.strip() for part in raw.split("、")) if n]
        self.run(assign_communities, self.store, self.actor, self.user.id, names)


def ask_password_change(parent: QWidget, store: Store, actor: Actor) -> PasswordDialog:
    """Open 修改密码 (window-modal, not blocking); the change runs on the writer thread."""

    def submit(dialog: PasswordDialog) -> None:
        dialog.run(change_password, store, actor, dialog.old.text(), dialog.new.text())

    dialog = PasswordDialog(parent, submit)
    dialog.open()
    return dialog


class UsersPanel(QWidget):
    """The user list of this store with add / enable / disable."""

    HEADERS = ("用户名", "姓名", "角色", "状态")

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        add = QPushButton("新增用户")
        toggle = QPushButton("启用/停用")
        self.communities_button = QPushButton("负责社区…")
        add.clicked.connect(self.add_user)
        toggle.clicked.connect(self.toggle_selected)
        self.communities_button.clicked.connect(self.edit_communities)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(toggle)
        buttons.addWidget(self.communities_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.users: list[Any] = []
        self.reload()

    def reload(self) -> None:
        """Read the users on the writer thread, then fill the table."""
        ops.run_op(self, list_users, self.store, on_done=self._loaded)

    def _loaded(self, users: Any, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        self.users = list(users)
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            for col, text in enumerate(
                (u.username, u.display_name, u.role.label, "启用" if u.active else "停用")
            ):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def add_user(self) -> NewUserDialog:
        """Open 新增用户 (window-modal, not blocking); the list reloads when a user was added."""
        dialog = NewUserDialog(self.store, self.actor, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def edit_communities(self) -> CommunitiesDialog | None:
        """负责社区 of the selected coordinator (the core refuses other roles)."""
        row = self.table.currentRow()
        if row < 0:
            return None
        dialog = CommunitiesDialog(self.store, self.actor, self.users[row], self)
        dialog.open()
        return dialog

    def toggle_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        user = self.users[row]
        password = ""
        if not user.active:
            dialog = PasswordDialog(self)
            dialog.setWindowTitle(f"重新启用 {user.username}：设置新密码")
            dialog.old.setEnabled(False)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            password = dialog.new.text()
        ops.run_op(
            self,
            set_user_active,
            self.store,
            self.actor,
            user.id,
            not user.active,
            password,
            on_done=lambda _r, e: self._done(e),
        )

    def _done(self, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
        self.reload()
