"""The settings dialog, built from the settings declared in desktop.settings (changes apply at once)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.base import Actor
from desktop.settings import SETTINGS, all_settings, update_settings
from desktop.store.store import Store
from ui import ops
from ui.errors import error_message


class SettingsDialog(QDialog):
    """One field per declared setting; saving validates everything in the core first."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.setWindowTitle("设置")
        self.setMinimumWidth(520)
        self.editors: dict[str, QLineEdit | QSpinBox] = {}
        form = QFormLayout()
        form.addRow("数据目录", QLabel(str(store.data_dir)))
        form.addRow("所属街道", QLabel(f"{actor.office_name}（{actor.office_code}）"))
        form.addRow("市级平台地址", QLabel("在“同步”页注册本机时设置"))
        for d in SETTINGS:
            editor: QLineEdit | QSpinBox
            if d.kind is int:
                editor = QSpinBox()
                editor.setRange(d.minimum or 0, d.maximum or 100000)
                editor.setValue(int(d.default))
            else:
                editor = QLineEdit(str(d.default))
            editor.setToolTip(d.help)
            editor.setEnabled(False)  # until the stored values are read
            editor.setObjectName(d.key)
            self.editors[d.key] = editor
            form.addRow(d.label, editor)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("数据目录在启动时用 --data-dir 指定。"))
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        ops.run_op(self, all_settings, store, on_done=self._loaded)

    def _loaded(self, current: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        for key, editor in self.editors.items():
            if isinstance(editor, QSpinBox):
                editor.setValue(int(current[key]))
            else:
                editor.setText(str(current[key]))
            editor.setEnabled(True)
        self.save_button.setEnabled(True)

    def values(self) -> dict[str, Any]:
        """The values as typed (validated by the core on save)."""
        return {
            k: (e.value() if isinstance(e, QSpinBox) else e.text()) for k, e in self.editors.items()
        }

    def save(self) -> None:
        """Store every value (one audited change); the consumers pick them up at once."""
        ops.run_op(
            self, update_settings, self.store, self.actor, self.values(), on_done=self._saved
        )

    def _saved(self, result: object, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        self.accept()
