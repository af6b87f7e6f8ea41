"""User administration: list users, add one, enable or disable; change one's own password."""

from __future__ import annotations

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

from desktop.services.auth import change_password, create_user, list_users, set_user_active
from desktop.services.base import ROLE_LABELS, Actor, Role
from desktop.store.store import Store
from ui import ops
from ui.errors import error_message, show_error


class NewUserDialog(QDialog):
    """Name, role and first password of a new user."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)


class PasswordDialog(QDialog):
    """Old password and the new one twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def check(self) -> None:
        if self.new.text() != self.again.text():
            self.message.setText("新密码：两次输入不一致")
            return
        self.accept()


def ask_password_change(parent: QWidget, store: Store, actor: Actor) -> None:
    dialog = PasswordDialog(parent)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            change_password(store, actor, dialog.old.text(), dialog.new.text())
        except Exception as exc:  # shown; the dialog stays open for another try
            dialog.message.setText(error_message(exc))
            continue
        return


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
        add.clicked.connect(self.add_user)
        toggle.clicked.connect(self.toggle_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(toggle)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        self.users = list_users(self.store)
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            for col, text in enumerate(
                (u.username, u.display_name, u.role.label, "启用" if u.active else "停用")
            ):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def add_user(self) -> None:
        dialog = NewUserDialog(self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                create_user(
                    self.store,
                    self.actor,
                    username=dialog.username.text(),
                    display_name=dialog.display_name.text(),
                    role=dialog.role.currentData(),
                    password=dialog.password.text(),
                )
            except Exception as exc:  # shown in the dialog, which stays open
                dialog.message.setText(error_message(exc))
                continue
            self.reload()
            return

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
