"""Form fields that validate while the person types and again on submit, for keyboard-first entry."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ValidationError
from desktop.money import to_money

Validator = Callable[[str], str | None]
DateValidator = Callable[[dt.date], str | None]

ERROR_COLOR = "#b3261e"
_INVALID_STYLE = (
    f"QLineEdit {{ border: 2px solid {ERROR_COLOR}; border-radius: 4px; padding: 3px; }}"
)
CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def required(field: str) -> Validator:
    """Reject empty or blank text: “{field}不能为空”."""
    return lambda text: None if text.strip() else f"{field}不能为空"


def max_length(field: str, limit: int) -> Validator:
    """Reject text longer than ``limit`` characters."""
    return lambda text: None if len(text) <= limit else f"{field}不能超过{limit}个字"


def matches(field: str, pattern: str, message: str) -> Validator:
    """Reject non-empty text that does not fully match ``pattern``; message names the field."""
    compiled = re.compile(pattern)
    return lambda text: None if not text or compiled.fullmatch(text) else f"{field}{message}"


def chain(*validators: Validator) -> Validator:
    """Run validators in order; the first message wins."""

    def run(text: str) -> str | None:
        for validator in validators:
            message = validator(text)
            if message:
                return message
        return None

    return run


class FieldBox(QWidget):
    """A labelled input with a red message line underneath; base of the fields below."""

    validityChanged = Signal(bool)

    def __init__(self, field: str, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._editor = editor
        self._error: str | None = None
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.input_row = QHBoxLayout()
        self.input_row.setContentsMargins(0, 0, 0, 0)
        self.input_row.addWidget(editor, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(self.input_row)
        column.addWidget(self.error_label)
        self.setFocusProxy(editor)
        editor.setAccessibleName(field)

    def input_widget(self) -> QWidget:
        """The widget that takes keyboard focus (for tab order and Enter navigation)."""
        return self._editor

    def error(self) -> str | None:
        """The message currently shown, or None."""
        return self._error

    def check(self) -> str | None:
        """The problem with the current value, or None; subclasses override."""
        return None

    def validate(self, show: bool = True) -> str | None:
        """Check the value; with ``show`` display the message (or clear it). Returns it."""
        message = self.check()
        if show:
            self._show(message)
        return message

    def _show(self, message: str | None) -> None:
        was_valid = self._error is None
        self._error = message
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))
        self._editor.setProperty("invalid", bool(message))
        self._editor.setStyleSheet(_INVALID_STYLE if message else "")
        if was_valid != (message is None):
            self.validityChanged.emit(message is None)


class ValidatedLineEdit(FieldBox):
    """A line edit with a validator ``(text) -> message | None`` checked as the person types."""

    textChanged = Signal(str)
    returnPressed = Signal()

    def __init__(
        self,
        field: str,
        validator: Validator | None = None,
        parent: QWidget | None = None,
        placeholder: str = "",
    ) -> None:
        self.line_edit = QLineEdit()
        super().__init__(field, self.line_edit, parent)
        self.validator = validator
        self._touched = False
        self.line_edit.setPlaceholderText(placeholder)
        self.line_edit.textChanged.connect(self._on_text)
        self.line_edit.textEdited.connect(self._on_edited)
        self.line_edit.returnPressed.connect(self.returnPressed)

    def text(self) -> str:
        """The text as typed."""
        return self.line_edit.text()

    def setText(self, text: str) -> None:
        """Replace the text (re-validates only once the person has edited the field)."""
        self.line_edit.setText(text)

    def check(self) -> str | None:
        return self.validator(self.text()) if self.validator else None

    def reset(self) -> None:
        """Empty the field for the next entry: no text, no message, not yet edited."""
        self._touched = False
        self.line_edit.setText("")
        self._show(None)

    def validate(self, show: bool = True) -> str | None:
        if show:
            self._touched = True
        return super().validate(show)

    def _on_edited(self, _text: str) -> None:
        self._touched = True
        self.validate()

    def _on_text(self, text: str) -> None:
        if self._touched:
            self.validate()
        self.textChanged.emit(text)


# A leading sign is let through so that the check below can refuse it with a message: a
# validator that silently swallowed the "-" turned "-500" into 500.
_MONEY_RE = r"[-－−+＋]?\d{0,8}(\.\d{0,2})?"


class MoneyEdit(ValidatedLineEdit):
    """An amount in yuan: digits and one decimal point (2 places), shown with 元. The text is
    parsed by the core's ``to_money`` (one rule for every caller): a signed amount is refused."""

    def __init__(
        self,
        field: str,
        parent: QWidget | None = None,
        *,
        required: bool = True,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
    ) -> None:
        super().__init__(field, None, parent, placeholder="0.00")
        self.is_required = required
        self.minimum = minimum
        self.maximum = maximum
        regex = QRegularExpression(f"^{_MONEY_RE}$")
        self.line_edit.setValidator(QRegularExpressionValidator(regex, self.line_edit))
        self.line_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.line_edit.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.unit_label = QLabel("元")
        self.input_row.addWidget(self.unit_label)

    def value(self) -> Decimal | None:
        """The amount as a 2-place Decimal, or None when empty, signed or not a number."""
        try:
            return to_money(self.text(), self.field)
        except ValidationError:
            return None

    def set_value(self, amount: Decimal | None) -> None:
        """Show ``amount`` with two decimals (empty for None)."""
        self.setText("" if amount is None else f"{amount.quantize(Decimal('0.01'))}")

    def check(self) -> str | None:
        text = self.text().strip()
        if text in ("", "."):
            return f"{self.field}不能为空" if self.is_required else None
        try:
            amount = to_money(text, self.field)
        except ValidationError as exc:
            return f"{self.field}{exc.detail}"
        if self.minimum is not None and amount < self.minimum:
            return f"{self.field}不能少于{self.minimum}元"
        if self.maximum is not None and amount > self.maximum:
            return f"{self.field}不能超过{self.maximum}元"
        return None


class DateField(FieldBox):
    """A date with a Chinese calendar popup, shown as yyyy-MM-dd; optional range and validator."""

    dateChanged = Signal(object)

    def __init__(
        self,
        field: str,
        parent: QWidget | None = None,
        *,
        value: dt.date | None = None,
        minimum: dt.date | None = None,
        maximum: dt.date | None = None,
        validator: DateValidator | None = None,
    ) -> None:
        self.date_edit = QDateEdit()
        super().__init__(field, self.date_edit, parent)
        self.validator = validator
        self.date_edit.setLocale(CHINESE)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        self.date_edit.calendarWidget().setLocale(CHINESE)
        if minimum is not None:
            self.date_edit.setMinimumDate(QDate(minimum))
        if maximum is not None:
            self.date_edit.setMaximumDate(QDate(maximum))
        self.set_value(value or dt.date.today())
        self.date_edit.dateChanged.connect(self._on_changed)

    def value(self) -> dt.date:
        """The chosen date."""
        value: dt.date = self.date_edit.date().toPython()  # type: ignore[assignment]
        return value

    def set_value(self, value: dt.date) -> None:
        """Select ``value``."""
        self.date_edit.setDate(QDate(value))

    def check(self) -> str | None:
        return self.validator(self.value()) if self.validator else None

    def _on_changed(self, _date: QDate) -> None:
        self.validate()
        self.dateChanged.emit(self.value())


class FormLayout(QFormLayout):
    """Rows of labelled fields: Enter goes to the next field, submit checks every field.

    On ``submit()`` all errors are shown and the first invalid field gets the focus; with no
    errors ``submitted`` is emitted. Enter on the last field submits.
    """

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields: list[tuple[str, QWidget]] = []
        self.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

    def add_field(self, label: str, field: QWidget) -> QWidget:
        """Add a row; tab order follows the order of the calls. Returns ``field``."""
        text = label if label.endswith(("：", ":")) else f"{label}："
        caption = QLabel(text)
        caption.setBuddy(_focus_target(field))
        self.addRow(caption, field)
        self._fields.append((label, field))
        _focus_target(field).installEventFilter(self)
        self.apply_tab_order()
        return field

    def apply_tab_order(self) -> None:
        """Chain the fields' tab order; redone when the form is first shown in its window."""
        targets = [_focus_target(field) for field in self.fields()]
        for first, second in zip(targets, targets[1:], strict=False):
            if first.window() is second.window():
                QWidget.setTabOrder(first, second)

    def fields(self) -> list[QWidget]:
        """The fields in visual order."""
        return [field for _label, field in self._fields]

    def errors(self, show: bool = True) -> list[tuple[str, str]]:
        """``(label, message)`` for each invalid field, in visual order."""
        found = []
        for label, field in self._fields:
            if isinstance(field, FieldBox):
                message = field.validate(show)
                if message:
                    found.append((label, message))
        return found

    def submit(self) -> bool:
        """Validate all fields; focus the first invalid one, or emit ``submitted``."""
        invalid = [f for _l, f in self._fields if isinstance(f, FieldBox) and f.validate(True)]
        if invalid:
            _focus_target(invalid[0]).setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        self.submitted.emit()
        return True

    def focus_next(self, current: QWidget) -> None:
        """Move the focus to the field after ``current``; submit when it is the last one."""
        targets = [_focus_target(field) for field in self.fields()]
        index = targets.index(current)
        if index + 1 < len(targets):
            nxt = targets[index + 1]
            nxt.setFocus(Qt.FocusReason.TabFocusReason)
            if isinstance(nxt, QLineEdit):
                nxt.selectAll()
        else:
            self.submit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and self._fields
            and obj is _focus_target(self._fields[0][1])
        ):
            self.apply_tab_order()
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and isinstance(obj, QWidget) and _moves_on_enter(obj):
                self.focus_next(obj)
                return True
        return False


def _focus_target(field: QWidget) -> QWidget:
    return field.input_widget() if isinstance(field, FieldBox) else field


def _moves_on_enter(widget: QWidget) -> bool:
    if isinstance(widget, QComboBox):
        return not widget.view().isVisible()
    return isinstance(widget, QLineEdit | QAbstractSpinBox)
