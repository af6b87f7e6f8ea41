"""First start: create an empty encrypted store (office + administrator) or load demo data."""

from __future__ import annotations

from pathlib import Path

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
from desktop.services.auth import OfficeInput, first_run
from desktop.services.base import Actor
from desktop.store.store import Store
from ui.errors import error_message


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
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"数据目录 {data_dir} 中还没有数据库。数据库将加密保存，密码用于解锁。")
        )
        layout.addWidget(self.demo)
        layout.addWidget(self.blank)
        layout.addWidget(self.office_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def create(self) -> None:
        try:
            if self.demo.isChecked():
                # Demo data opens on the login window: any demo user logs in from there.
                self.store, self.actor = create_demo_store(self.data_dir, 200)
                self.demo_chosen = True
            else:
                f = {k: w.text().strip() for k, w in self.fields.items()}
                office = OfficeInput(
                    f["code"], f["name"], f["district"], f["region_code"], f["phone"]
                )
                self.store, self.actor = first_run(
                    self.data_dir,
                    office=office,
                    admin_username=f["admin"],
                    admin_password=f["password"],
                )
        except Exception as exc:  # shown to the person; nothing half-created is kept
            self.message.setText(error_message(exc))
            return
        self.accept()
