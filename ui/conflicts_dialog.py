"""The conflict dialog: both versions of a record field by field, one choice per field."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.base import Actor
from desktop.store.store import Store
from sync.resolution import CHOICES, ConflictView, resolve_conflict
from ui import errors, ops

COLUMNS = ["字段", "上次同步的内容", "本机", "市级平台", "保留"]


def _text(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return "（结构化内容）" if value else "（空）"
    return str(value) if value != "" else "（空）"


class ConflictsDialog(QDialog):
    """Shows one conflict as the core gave it for this actor (personal numbers masked by
    role); 保存 writes the merge and queues it for the hub again."""

    def __init__(
        self, store: Store, actor: Actor, conflict: ConflictView, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.conflict = conflict
        self.resolved = False
        self.setWindowTitle(f"处理同步冲突 — {self.conflict.entity_label}")
        self.resize(860, 480)
        layout = QVBoxLayout(self)
        source = "市级平台拒绝了本机的修改" if self.conflict.source == "push" else "接收数据时发现"
        note = f"{source}：本机和市级平台都修改了这条记录。请逐项选择保留哪一方的内容。"
        if self.conflict.remote_deleted:
            note += "（市级平台上该记录已被删除）"
        layout.addWidget(QLabel(note))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.combos: dict[str, QComboBox] = {}
        self._fill()
        layout.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存合并结果", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _fill(self) -> None:
        rows = sorted(self.conflict.fields, key=lambda f: not f.differs)
        self.table.setRowCount(len(rows))
        for r, f in enumerate(rows):
            for c, value in enumerate((f.label, _text(f.base), _text(f.local), _text(f.remote))):
                self.table.setItem(r, c, QTableWidgetItem(value))
            if f.differs:
                combo = QComboBox()
                combo.addItem("请选择", "")
                for key, label in CHOICES.items():
                    combo.addItem(label, key)
                self.combos[f.key] = combo
                self.table.setCellWidget(r, 4, combo)
            else:
                self.table.setItem(r, 4, QTableWidgetItem("相同"))
        self.table.resizeColumnsToContents()

    def labels(self) -> list[str]:
        """Field labels in table order (differing fields first)."""
        return [
            (self.table.item(r, 0) or QTableWidgetItem()).text()
            for r in range(self.table.rowCount())
        ]

    def set_choice(self, key: str, side: str) -> None:
        """Choose "local" or "remote" for one differing field."""
        combo = self.combos[key]
        combo.setCurrentIndex(combo.findData(side))

    def choose_all(self, side: str) -> None:
        for key in self.combos:
            self.set_choice(key, side)

    def choices(self) -> dict[str, str]:
        return {k: c.currentData() for k, c in self.combos.items() if c.currentData()}

    def save(self) -> None:
        ops.run_op(
            self,
            resolve_conflict,
            self.store,
            self.actor,
            self.conflict.id,
            self.choices(),
            on_done=self._saved,
        )

    def _saved(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            errors.show_error(self, error)
            return
        self.resolved = True
        self.accept()
