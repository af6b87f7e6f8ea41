"""Form fields: validation while typing and on submit, Enter to the next field, tab order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QVBoxLayout, QWidget

from ui.widgets.fields import (
    DateField,
    FormLayout,
    MoneyEdit,
    ValidatedLineEdit,
    chain,
    matches,
    required,
)


def type_via_ime(widget: QWidget, text: str) -> None:
    """Commit text the way a Chinese input method does (QTest key clicks are ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _form(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    form = FormLayout(window)
    name = form.add_field("姓名", ValidatedLineEdit("姓名", chain(required("姓名"))))
    phone = form.add_field(
        "联系电话", ValidatedLineEdit("联系电话", matches("联系电话", r"1\d{10}", "应为11位手机号"))
    )
    kind = form.add_field("救助类型", QComboBox())
    kind.addItems(["低保", "特困", "临时救助"])
    income = form.add_field("月收入", MoneyEdit("月收入", maximum=Decimal("99999")))
    applied = form.add_field("申请日期", DateField("申请日期", value=dt.date(2026, 3, 2)))
    submitted: list[bool] = []
    form.submitted.connect(lambda: submitted.append(True))
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, form, name, phone, kind, income, applied, submitted


def test_message_appears_under_the_field_while_typing_and_goes_away(qtbot) -> None:
    _w, _f, _name, phone, *_ = _form(qtbot)
    phone.setFocus()
    qtbot.keyClicks(phone.line_edit, "138")
    assert phone.error() == "联系电话应为11位手机号"
    assert phone.error_label.isVisible()
    assert phone.error_label.text() == "联系电话应为11位手机号"
    assert "border: 2px solid #b3261e" in phone.line_edit.styleSheet()
    qtbot.keyClicks(phone.line_edit, "00138000")
    assert phone.error() is None
    assert not phone.error_label.isVisible()
    assert phone.line_edit.styleSheet() == ""


def test_untouched_empty_field_is_quiet_until_submit(qtbot) -> None:
    _w, form, name, phone, _k, income, _a, submitted = _form(qtbot)
    assert not name.error_label.isVisible()
    assert form.submit() is False
    assert submitted == []
    assert name.error() == "姓名不能为空"
    assert income.error() == "月收入不能为空"
    assert phone.error() is None  # optional and empty
    assert QApplication.focusWidget() is name.line_edit
    assert form.errors(show=False) == [("姓名", "姓名不能为空"), ("月收入", "月收入不能为空")]


def test_keyboard_entry_with_enter_fills_the_whole_form_and_submits(qtbot) -> None:
    _w, _form_, name, phone, kind, income, applied, submitted = _form(qtbot)
    name.setFocus()
    type_via_ime(name.line_edit, "张红梅")
    qtbot.keyClick(name.line_edit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is phone.line_edit
    qtbot.keyClicks(phone.line_edit, "13800138000")
    qtbot.keyClick(phone.line_edit, Qt.Key.Key_Enter)
    assert QApplication.focusWidget() is kind
    qtbot.keyClick(kind, Qt.Key.Key_Down)
    qtbot.keyClick(kind, Qt.Key.Key_Return)
    assert kind.currentText() == "特困"
    assert QApplication.focusWidget() is income.line_edit
    qtbot.keyClicks(income.line_edit, "1045.5")
    qtbot.keyClick(income.line_edit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is applied.date_edit
    assert submitted == []
    qtbot.keyClick(applied.date_edit, Qt.Key.Key_Return)
    assert submitted == [True]
    assert (name.text(), income.value(), applied.value()) == (
        "张红梅",
        Decimal("1045.50"),
        dt.date(2026, 3, 2),
    )


def test_tab_order_follows_the_visual_order(qtbot) -> None:
    _w, form, name, phone, kind, income, applied, _s = _form(qtbot)
    name.setFocus()
    order = [QApplication.focusWidget()]
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [name.line_edit, phone.line_edit, kind, income.line_edit, applied.date_edit]
    assert form.fields() == [name, phone, kind, income, applied]


def test_money_field_accepts_digits_and_one_point_only(qtbot) -> None:
    money = MoneyEdit("救助金额", minimum=Decimal("1"))
    qtbot.addWidget(money)
    qtbot.keyClicks(money.line_edit, "12a.3.45,6")
    assert money.text() == "12.34"
    assert money.value() == Decimal("12.34")
    assert money.unit_label.text() == "元"
    money.setText("0.5")
    assert money.validate() == "救助金额不能少于1元"
    money.set_value(Decimal("980"))
    assert money.text() == "980.00"
    assert money.validate() is None


def test_optional_money_field_may_stay_empty(qtbot) -> None:
    money = MoneyEdit("其他收入", required=False)
    qtbot.addWidget(money)
    assert money.validate() is None
    assert money.value() is None


def test_date_field_shows_chinese_format_and_calendar_popup(qtbot) -> None:
    def not_future(day: dt.date) -> str | None:
        return "申请日期不能晚于2026-03-31" if day > dt.date(2026, 3, 31) else None

    field = DateField("申请日期", value=dt.date(2026, 3, 2), validator=not_future)
    qtbot.addWidget(field)
    assert field.date_edit.calendarPopup()
    assert field.date_edit.text() == "2026-03-02"
    changes: list[dt.date] = []
    field.dateChanged.connect(changes.append)
    field.set_value(dt.date(2026, 4, 1))
    assert changes == [dt.date(2026, 4, 1)]
    assert field.error() == "申请日期不能晚于2026-03-31"
    field.set_value(dt.date(2026, 3, 31))
    assert field.error() is None


def test_a_submit_button_can_drive_the_form(qtbot) -> None:
    window, form, name, *_rest, submitted = _form(qtbot)
    button = QPushButton("保存", window)
    button.clicked.connect(form.submit)
    name.setText("李四")
    form.fields()[3].setText("0")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert submitted == [True]


def test_tab_order_holds_when_the_form_is_built_before_its_window(qtbot) -> None:
    form = FormLayout()
    first = form.add_field("姓名", ValidatedLineEdit("姓名"))
    second = form.add_field("住址", ValidatedLineEdit("住址"))
    other = QPushButton("其他")
    window = QWidget()
    qtbot.addWidget(window)
    outer = QVBoxLayout(window)
    outer.addWidget(other)
    outer.addLayout(form)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    first.setFocus()
    qtbot.keyClick(first.line_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is second.line_edit
