"""Intake page 1: the household — residence and registration offices, address, community, phone."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QGroupBox, QLabel, QVBoxLayout, QWidget

from desktop.domain.bank import normalise_account
from desktop.errors import ValidationError
from desktop.services.family.households import BankInput, validate_bank
from printing.records import OfficeChoice
from ui.widgets.fields import FormLayout, ValidatedLineEdit, chain, matches, max_length, required


def _account_error(text: str) -> str | None:
    """The core's account check, as the person types (empty is allowed: added later)."""
    if not text.strip():
        return None
    try:
        normalise_account(text, "银行账号")
    except ValidationError as exc:
        return f"银行账号{exc.detail}"
    return None


class BankGroup(QGroupBox):
    """收款账户: the account the benefit will be paid into; optional at intake."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("收款账户（救助金发放账户，可稍后在案件页补录）", parent)
        self.bank_name = ValidatedLineEdit(
            "开户银行", max_length("开户银行", 60), placeholder="如：中国工商银行天津友谊路支行"
        )
        self.holder = ValidatedLineEdit(
            "账户户名", max_length("账户户名", 40), placeholder="一般为申请人本人"
        )
        self.number = ValidatedLineEdit(
            "银行账号", _account_error, placeholder="银行卡号或存折账号，可用空格分组"
        )
        self.number.line_edit.setMaxLength(40)
        self.form = FormLayout()
        self.form.add_field("开户银行", self.bank_name)
        self.form.add_field("账户户名", self.holder)
        self.form.add_field("银行账号", self.number)
        self.setLayout(self.form)

    def data(self) -> dict[str, str]:
        return {
            "bank_name": self.bank_name.text().strip(),
            "holder": self.holder.text().strip(),
            "number": self.number.text().strip(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        self.bank_name.setText(str(data.get("bank_name", "")))
        self.holder.setText(str(data.get("holder", "")))
        self.number.setText(str(data.get("number", "")))

    def validate(self) -> bool:
        """Empty is fine; partly filled or a wrong number is refused on the field (core rule)."""
        if self.form.errors(show=True):
            return False
        typed = BankInput(**self.data())
        if typed.is_empty():
            return True
        try:
            validate_bank(typed)
        except ValidationError as exc:
            field = {"开户银行": self.bank_name, "账户户名": self.holder}.get(
                exc.field, self.number
            )
            field._show(f"{exc.field}{exc.detail}")
            field.setFocus()
            return False
        return True


def office_combo(offices: list[OfficeChoice], own_id: str, name: str) -> QComboBox:
    """Offices as “区 街道（代码）”, the clerk's own office first."""
    box = QComboBox()
    box.setAccessibleName(name)
    ordered = sorted(offices, key=lambda o: (o.id != own_id, o.code))
    for office in ordered:
        box.addItem(f"{office.name}（{office.code}）", office.id)
    box.setMaxVisibleItems(20)
    return box


class HouseholdPage(QWidget):
    """Offices default to the clerk's office; the address is required."""

    changed = Signal()
    title = "家庭信息"

    def __init__(
        self,
        offices: list[OfficeChoice],
        own_office_id: str,
        communities: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.own_office_id = own_office_id
        self.residence = office_combo(offices, own_office_id, "居住地街道")
        self.hukou = office_combo(offices, own_office_id, "户籍地街道")
        self.address = ValidatedLineEdit(
            "居住地址",
            chain(required("居住地址"), max_length("居住地址", 200)),
            placeholder="如：河西区友谊路街道平江道8号1-101",
        )
        self.hukou_address = ValidatedLineEdit(
            "户籍地址", max_length("户籍地址", 200), placeholder="与居住地址相同可不填"
        )
        self.community = ValidatedLineEdit("所在社区", max_length("所在社区", 60))
        completer = QCompleter(communities, self.community)
        self.community.line_edit.setCompleter(completer)
        self.phone = ValidatedLineEdit(
            "家庭联系电话",
            matches("家庭联系电话", r"[0-9\- ]{7,14}", "应为7–12位数字（手机或座机）"),
        )
        self.form = FormLayout()
        self.form.add_field("居住地街道", self.residence)
        self.form.add_field("户籍地街道", self.hukou)
        self.form.add_field("居住地址", self.address)
        self.form.add_field("户籍地址", self.hukou_address)
        self.form.add_field("所在社区", self.community)
        self.form.add_field("家庭联系电话", self.phone)
        hint = QLabel("一城通办：家庭可以在居住地或户籍地的街道申请，两处默认均为本街道。")
        hint.setProperty("muted", True)
        hint.setWordWrap(True)
        self.bank = BankGroup()
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(self.form)
        layout.addWidget(self.bank)
        layout.addStretch(1)
        for box in (self.residence, self.hukou):
            box.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for edit in (
            self.address,
            self.hukou_address,
            self.community,
            self.phone,
            self.bank.bank_name,
            self.bank.holder,
            self.bank.number,
        ):
            edit.textChanged.connect(lambda _t: self.changed.emit())

    def first_focus(self) -> QWidget:
        return self.address.input_widget()

    def data(self) -> dict[str, Any]:
        return {
            "residence_office_id": self.residence.currentData(),
            "hukou_office_id": self.hukou.currentData(),
            "address": self.address.text().strip(),
            "hukou_address": self.hukou_address.text().strip(),
            "community": self.community.text().strip(),
            "phone": self.phone.text().strip(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        for box, key in ((self.residence, "residence_office_id"), (self.hukou, "hukou_office_id")):
            index = box.findData(data.get(key) or self.own_office_id)
            box.setCurrentIndex(max(index, 0))
        self.address.setText(data.get("address", ""))
        self.hukou_address.setText(data.get("hukou_address", ""))
        self.community.setText(data.get("community", ""))
        self.phone.setText(data.get("phone", ""))

    def validate(self) -> bool:
        """Show every error; focus the first invalid field."""
        errors = self.form.errors(show=True)
        if errors:
            for field in self.form.fields():
                if getattr(field, "error", lambda: None)():
                    field.setFocus()
                    break
            return False
        return self.bank.validate()
