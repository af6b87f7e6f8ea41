"""Small forms of the support screens: each OK runs one core call on the writer thread and
the dialog stays open with the core's message (naming the field) when it is refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.admin.users import _SubmitDialog

Call = (
    tuple[Callable[..., Any], tuple[Any, ...]]
    | tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
)
"""The core call a form makes: the service, its arguments and (optionally) keyword arguments
(the service itself is passed, so the screens learn what it changes)."""


def date_edit(value: date | None = None) -> QDateEdit:
    """A day picker shown as yyyy-MM-dd."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    day = value or date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def value_of(widget: QWidget) -> Any:
    """What a field holds: text, the combo's code, or the date."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QDateEdit):
        return widget.date().toPython()
    raise TypeError(f"no value for {type(widget).__name__}")


class FormDialog(_SubmitDialog):
    """Labelled fields and OK/Cancel; ``call(values)`` returns the core call to run."""

    def __init__(
        self,
        title: str,
        fields: Sequence[tuple[str, str, QWidget]],
        call: Callable[[dict[str, Any]], Call],
        parent: QWidget | None = None,
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("supportForm")
        self.fields: dict[str, Any] = {key: widget for key, _label, widget in fields}
        self._call = call
        form = QFormLayout()
        for key, label, widget in fields:
            widget.setObjectName(f"field_{key}")
            form.addRow(label, widget)
        self.message = QLabel("")
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b42318;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if note:
            hint = QLabel(note)
            hint.setWordWrap(True)
            hint.setProperty("muted", True)
            layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.result_value: Any = None
        self.resize(460, self.sizeHint().height())

    def values(self) -> dict[str, Any]:
        return {k: value_of(w) for k, w in self.fields.items()}

    def submit(self) -> None:
        """Run the core call; accepted only when it succeeds."""
        call = self._call(self.values())
        self.run(call[0], *call[1], **(call[2] if len(call) > 2 else {}))

    def _finished(self, result: Any, error: BaseException | None) -> None:
        self.result_value = result
        super()._finished(result, error)
