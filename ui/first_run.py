"""First start: create an empty encrypted store (office + administrator) or load demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.demo import create_demo_store
from desktop.services.accounts.auth import OfficeInput, first_run
from desktop.services.base import Actor
from desktop.store.store import Store
from ui import ops
from ui.errors import error_message

DEMO_HOUSEHOLDS = 200


def build_store(data_dir: Path, demo: bool, fields: dict[str, str]) -> tuple[Store, Actor]:
    """Create the demo store or an empty one for the given office and administrator."""
    if demo:
        return create_demo_store(data_dir, DEMO_HOUSEHOLDS, visits=True)
    office = OfficeInput(
        fields["code"], fields["name"], fields["district"], fields["region_code"], fields["phone"]
    )
    return first_run(
        data_dir, office=office, admin_username=fields["admin"], admin_password=fields["password"]
    )


class FirstRunDialog(QDialog):
    """Chooses demo data or a new office; on accept ``store``/``actor`` are open."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.store: Store | None = None
        self.actor: Actor | None = None
        self.demo_chosen = False
        self.setWindowTitle("首次使用 · 创建数据库")
        self.demo = QRadioButton("载入演示数据（200户，演示账号见说明）")
        self.blank = QRadioButton("新建本街道的空白数据库")
        self.demo.setChecked(True)
        self.fields = {
            "code": QLineEdit(),
            "name": QLineEdit(),
            "district": QLineEdit(),
            "region_code": QLineEdit(),
            "phone": QLineEdit(),
            "admin": QLineEdit("admin"),
            "password": QLineEdit(),
        }
        self.fields["password"].setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        for key, label in (
            ("code", "街道代码（9位）"),
            ("name", "街道名称"),
            ("district", "所属区"),
            ("region_code", "区县代码（6位）"),
            ("phone", "窗口电话"),
            ("admin", "管理员用户名"),
            ("password", "管理员密码"),
        ):
            form.addRow(label, self.fields[key])
        self.office_box = QGroupBox("街道与管理员")
        self.office_box.setLayout(form)
        self.office_box.setEnabled(False)
        self.blank.toggled.connect(self.office_box.setEnabled)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.create_store)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"数据目录 {data_dir} 中还没有数据库。数据库将加密保存，密码用于解锁。")
        )
        layout.addWidget(self.demo)
        layout.addWidget(self.blank)
        layout.addWidget(self.office_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def create_store(self) -> None:
        """Create the store on the writer thread; accept when it is open."""
        fields = {k: w.text().strip() for k, w in self.fields.items()}
        self.buttons.setEnabled(False)
        self.message.setText("正在创建数据库…")
        ops.run_op(
            self,
            build_store,
            self.data_dir,
            self.demo.isChecked(),
            fields,
            on_done=self._created,
            progress_text="正在创建数据库，请稍候…",
        )

    def _created(self, result: Any, error: BaseException | None) -> None:
        self.buttons.setEnabled(True)
        if error is not None:  # shown to the person; nothing half-created is kept
            self.message.setText(error_message(error))
            return
        self.message.setText("")
        self.store, self.actor = result
        # Demo data opens on the login window: any demo user logs in from there.
        self.demo_chosen = self.demo.isChecked()
        self.accept()
