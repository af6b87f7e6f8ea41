"""Office administration: the street offices this store knows (for 一城通办 cases) and adding one."""

from __future__ import annotations

from PySide6.QtWidgets import (
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
from sqlalchemy import select

from desktop.services.auth import OfficeInput, create_office
from desktop.services.base import Actor
from desktop.store.models import Office
from desktop.store.store import Store
from ui.errors import error_message


def list_offices(store: Store) -> list[tuple[str, str, str, str]]:
    """(code, name, district, phone) of every office, by code."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(Office).where(Office.deleted.is_(False)).order_by(Office.code)
        ).all()
        return [(o.code, o.name, o.district, o.phone) for o in rows]


class NewOfficeDialog(QDialog):
    FIELDS = (
        ("code", "街道代码（9位）"),
        ("name", "街道名称"),
        ("district", "所属区"),
        ("region_code", "区县代码（6位）"),
        ("phone", "窗口电话"),
        ("address", "窗口地址"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新增街道")
        self.edits = {key: QLineEdit() for key, _ in self.FIELDS}
        form = QFormLayout()
        for key, label in self.FIELDS:
            form.addRow(label, self.edits[key])
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def office(self) -> OfficeInput:
        return OfficeInput(**{k: e.text() for k, e in self.edits.items()})


class OfficesPanel(QWidget):
    HEADERS = ("街道代码", "名称", "所属区", "电话")

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        add = QPushButton("新增街道")
        add.clicked.connect(self.add_office)
        top = QHBoxLayout()
        top.addWidget(add)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        rows = list_offices(self.store)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def add_office(self) -> None:
        dialog = NewOfficeDialog(self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                create_office(self.store, self.actor, dialog.office())
            except Exception as exc:  # shown in the dialog, which stays open
                dialog.message.setText(error_message(exc))
                continue
            self.reload()
            return
