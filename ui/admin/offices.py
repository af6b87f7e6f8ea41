"""Office administration: the street offices this store knows (for 一城通办 cases) and adding one."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
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

from desktop.services.accounts.auth import OfficeInput, create_office
from desktop.services.base import Actor
from desktop.store.models import Office
from desktop.store.store import Store
from ui import ops
from ui.admin.users import _SubmitDialog
from ui.errors import show_error


def list_offices(store: Store) -> list[tuple[str, str, str, str]]:
    """(code, name, district, phone) of every office, by code."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(Office).where(Office.deleted.is_(False)).order_by(Office.code)
        ).all()
        return [(o.code, o.name, o.district, o.phone) for o in rows]


class NewOfficeDialog(_SubmitDialog):
    """Code, name, district, region, phone and address of a street office to add."""

    FIELDS = (
        ("code", "街道代码（9位）"),
        ("name", "街道名称"),
        ("district", "所属区"),
        ("region_code", "区县代码（6位）"),
        ("phone", "窗口电话"),
        ("address", "窗口地址"),
    )

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.setWindowTitle("新增街道")
        self.edits = {key: QLineEdit() for key, _ in self.FIELDS}
        form = QFormLayout()
        for key, label in self.FIELDS:
            form.addRow(label, self.edits[key])
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def office(self) -> OfficeInput:
        """The office as typed (validated by the core)."""
        return OfficeInput(**{k: e.text() for k, e in self.edits.items()})

    def submit(self) -> None:
        """Add the office on the writer thread; the dialog stays open on a refusal."""
        self.run(create_office, self.store, self.actor, self.office())


class OfficesPanel(QWidget):
    """The offices this store knows, with 新增街道."""

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
        """Read the offices on the writer thread, then fill the table."""
        ops.run_op(self, list_offices, self.store, on_done=self._loaded)

    def _loaded(self, rows: Any, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def add_office(self) -> NewOfficeDialog:
        """Open 新增街道 (window-modal, not blocking); the list reloads when one was added."""
        dialog = NewOfficeDialog(self.store, self.actor, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog
