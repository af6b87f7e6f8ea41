"""Intake page 4: what is applied for — assistance type, channel, date, proxy, staff-relative flag."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from desktop.services.cases.applications import ASSISTANCE_TYPES, CHANNELS
from ui.intake.common import code_combo, code_of, set_code
from ui.widgets.fields import DateField, FormLayout, ValidatedLineEdit, chain, max_length


def _no_digits(field: str):  # type: ignore[no-untyped-def]
    return lambda text: f"{field}不能包含数字" if any(ch.isdigit() for ch in text) else None


class _EnterMoves(QObject):
    """Enter on a check box moves on like in the rest of the form."""

    def __init__(self, form: FormLayout, parent: QObject) -> None:
        super().__init__(parent)
        self.form = form

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(obj, QWidget)
        ):
            self.form.focus_next(obj)
            return True
        return False


class ApplicationPage(QWidget):
    """Enter on the last field goes to the summary."""

    changed = Signal()
    title = "申请事项"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = code_combo(ASSISTANCE_TYPES, "救助类别")
        self.channel = code_combo(CHANNELS, "申请渠道")
        self.applied_on = DateField(
            "申请日期",
            maximum=date.today(),
            validator=lambda d: "申请日期不能晚于今天" if d > date.today() else None,
        )
        self.reason = ValidatedLineEdit(
            "申请理由", max_length("申请理由", 2000), placeholder="如：因病致贫，家庭收入低"
        )
        self.proxy = ValidatedLineEdit(
            "代办人姓名",
            chain(max_length("代办人姓名", 40), _no_digits("代办人姓名")),
            placeholder="本人申请不填",
        )
        self.proxy_authorised = QCheckBox("代办人已提交书面委托书")
        self.staff_relative = QCheckBox("申请人或家庭成员是经办人员的近亲属（须备案）")
        self.form = FormLayout()
        for label, widget in (
            ("救助类别", self.kind),
            ("申请渠道", self.channel),
            ("申请日期", self.applied_on),
            ("申请理由", self.reason),
            ("代办人姓名", self.proxy),
            ("委托书", self.proxy_authorised),
            ("近亲属备案", self.staff_relative),
        ):
            self.form.add_field(label, widget)
        mover = _EnterMoves(self.form, self)
        for box in (self.proxy_authorised, self.staff_relative):
            box.installEventFilter(mover)
        hint = QLabel("近亲属备案的案件须由审核确认机关入户调查。")
        hint.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(hint)
        layout.addStretch(1)
        for combo in (self.kind, self.channel):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for edit in (self.reason, self.proxy):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        for check in (self.proxy_authorised, self.staff_relative):
            check.toggled.connect(lambda _c: self.changed.emit())
        self.applied_on.dateChanged.connect(lambda _d: self.changed.emit())

    def first_focus(self) -> QWidget:
        return self.kind

    def data(self) -> dict[str, Any]:
        return {
            "assistance_type": code_of(self.kind),
            "channel": code_of(self.channel),
            "applied_on": self.applied_on.value().isoformat(),
            "reason": self.reason.text().strip(),
            "proxy_name": self.proxy.text().strip(),
            "proxy_authorised": self.proxy_authorised.isChecked(),
            "staff_relative": self.staff_relative.isChecked(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        set_code(self.kind, data.get("assistance_type", "dibao"))
        set_code(self.channel, data.get("channel", "window"))
        if data.get("applied_on"):
            self.applied_on.set_value(date.fromisoformat(data["applied_on"]))
        self.reason.setText(data.get("reason", ""))
        self.proxy.setText(data.get("proxy_name", ""))
        self.proxy_authorised.setChecked(bool(data.get("proxy_authorised")))
        self.staff_relative.setChecked(bool(data.get("staff_relative")))

    def validate(self) -> bool:
        errors = self.form.errors(show=True)
        if errors:
            first = next(f for f in self.form.fields() if getattr(f, "error", lambda: None)())
            first.setFocus()
            return False
        if self.proxy_authorised.isChecked() and not self.proxy.text().strip():
            self.proxy.setFocus()
            self.proxy._show("代办人姓名：已勾选委托书，请填写代办人姓名")
            return False
        return True
