"""Small shared pieces of the intake pages: code/label combo boxes and the ID-number field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from desktop.domain.ids import id_error, normalise, parse_id
from desktop.errors import ValidationError
from ui.widgets.fields import ValidatedLineEdit

WARNING_STYLE = "color: #8a4b00; background: #fff1d0; border-radius: 4px; padding: 2px 6px;"
_PARTIAL_ID = re.compile(r"^\d{0,17}$")


def code_combo(options: Mapping[str, str] | Sequence[tuple[str, str]], name: str = "") -> QComboBox:
    """A combo box showing Chinese labels and holding the codes as item data (a mapping or
    (code, label) pairs)."""
    box = QComboBox()
    if name:
        box.setAccessibleName(name)
    pairs = options.items() if isinstance(options, Mapping) else options
    for code, label in pairs:
        box.addItem(label, code)
    return box


def set_code(box: QComboBox, code: object) -> None:
    """Select the item holding ``code`` (the first item when unknown)."""
    index = box.findData(code)
    box.setCurrentIndex(index if index >= 0 else 0)


def code_of(box: QComboBox) -> str:
    """The code of the selected item ('' when none)."""
    value = box.currentData()
    return "" if value is None else str(value)


class IdNumberEdit(ValidatedLineEdit):
    """An ID number: shows birth date, sex and age as soon as it is complete and valid.

    While the person is still typing digits no error is shown; a complete number is checked
    at once (length, date, check character) and again on submit.
    """

    def __init__(self, field: str = "身份证号", parent: QWidget | None = None) -> None:
        super().__init__(field, id_error, parent, placeholder="18位公民身份号码")
        self.line_edit.setMaxLength(20)
        self.info_label = QLabel()
        self.info_label.setObjectName("idInfo")
        self.info_label.setProperty("muted", True)
        self.info_label.hide()
        self.warning_label = QLabel()
        self.warning_label.setObjectName("idWarning")
        self.warning_label.setStyleSheet(WARNING_STYLE)
        self.warning_label.setWordWrap(True)
        self.warning_label.hide()
        column = self.layout()
        column.addWidget(self.info_label)  # type: ignore[union-attr]
        column.addWidget(self.warning_label)  # type: ignore[union-attr]
        self.textChanged.connect(self._describe)

    def _on_edited(self, text: str) -> None:
        self._touched = True
        self._check_as_typed(text)

    def _on_text(self, text: str) -> None:
        if self._touched:
            self._check_as_typed(text)
        self.textChanged.emit(text)

    def _check_as_typed(self, text: str) -> None:
        message = self.check()
        still_typing = bool(message) and bool(_PARTIAL_ID.match(normalise(text)))
        self._show(None if still_typing else message)

    def _describe(self, text: str) -> None:
        try:
            info = parse_id(text)
        except ValidationError:
            self.info_label.setText("")
            self.info_label.hide()
            return
        age = info.age_on(date.today())
        self.info_label.setText(
            f"出生日期：{info.birth_date:%Y-%m-%d}　性别：{info.sex_cn}　{age}岁　{info.region_name}"
        )
        self.info_label.show()

    def number(self) -> str | None:
        """The normalised 18-character number, or None when not valid."""
        try:
            return parse_id(self.text()).number
        except ValidationError:
            return None

    def set_warning(self, text: str | None) -> None:
        """Show (or clear) the duplicate warning under the field."""
        self.warning_label.setText(text or "")
        self.warning_label.setVisible(bool(text))

    def warning(self) -> str:
        """The warning shown now ('' when none)."""
        return self.warning_label.text() if self.warning_label.isVisibleTo(self) else ""
