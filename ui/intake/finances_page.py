"""Intake page 3: income per member and month, and the family's assets (收入、财产)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.money import fmt_yuan
from desktop.services.family.finances import ASSET_KINDS, INCOME_KINDS, VEHICLE_PURPOSES
from ui.intake.common import code_combo, code_of
from ui.intake.model import member_key
from ui.widgets.fields import CHINESE, FieldBox, FormLayout, MoneyEdit, ValidatedLineEdit

_AREA = re.compile(r"^\d{1,5}(\.\d{1,2})?$")


class MonthField(FieldBox):
    """A month picker (yyyy-MM) with “近三个月相同” beside it; months after this one refused."""

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        self.edit = QDateEdit()
        super().__init__(field, self.edit, parent)
        self.edit.setLocale(CHINESE)
        self.edit.setDisplayFormat("yyyy-MM")
        today = date.today()
        self.edit.setMaximumDate(QDate(today.year, today.month, 1))
        last = today.replace(day=1) - timedelta(days=1)
        self.edit.setDate(QDate(last.year, last.month, 1))
        self.three = QCheckBox("近三个月均为此金额")
        self.input_row.addWidget(self.three)

    def month(self) -> date:
        value: date = self.edit.date().toPython()  # type: ignore[assignment]
        return value.replace(day=1)

    def months(self) -> list[date]:
        """This month, or it and the two before when the box is ticked."""
        first = self.month()
        if not self.three.isChecked():
            return [first]
        out = [first]
        for _ in range(2):
            out.append((out[-1] - timedelta(days=1)).replace(day=1))
        return out


def _table(headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, texts in enumerate(rows):
        for c, text in enumerate(texts):
            table.setItem(r, c, QTableWidgetItem(text))


class FinancesPage(QWidget):
    """Two small forms; Enter in the last field of each adds the item to its table."""

    changed = Signal()
    title = "收入和财产"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.income_table = _table(("收入人", "月份", "类别", "金额（元）"))
        self.asset_table = _table(("类别", "金额（元）", "车辆用途", "面积（㎡）"))
        self.incomes: list[dict[str, Any]] = []
        self.assets: list[dict[str, Any]] = []
        self.members: list[dict[str, Any]] = []
        self.message = QLabel()
        self.message.setObjectName("financesMessage")
        self.message.setStyleSheet("color: #b3261e;")
        hint = QLabel("按月录入各成员近三个月的收入；没有收入或财产可直接按 Alt+N 进入下一步。")
        hint.setProperty("muted", True)
        columns = QHBoxLayout()
        columns.addWidget(self._income_box(), 1)
        columns.addWidget(self._asset_box(), 1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)

    def _income_box(self) -> QGroupBox:
        self.earner = QComboBox()
        self.earner.setAccessibleName("收入人")
        self.income_kind = code_combo(INCOME_KINDS, "收入类别")
        self.month = MonthField("收入月份")
        self.income_amount = MoneyEdit("收入金额")
        self.income_form = FormLayout()
        self.income_form.add_field("收入人", self.earner)
        self.income_form.add_field("收入类别", self.income_kind)
        self.income_form.add_field("收入月份", self.month)
        self.income_form.add_field("月收入金额", self.income_amount)
        self.income_form.submitted.connect(self.add_income)
        add = QPushButton("添加收入(&I)")
        add.clicked.connect(self.income_form.submit)
        remove = QPushButton("删除所选收入")
        remove.clicked.connect(lambda: self._remove(self.income_table, self.incomes))
        return self._box("收入", self.income_form, (add, remove), self.income_table)

    def _asset_box(self) -> QGroupBox:
        self.asset_kind = code_combo(ASSET_KINDS, "财产类别")
        self.asset_amount = MoneyEdit("财产金额", required=False)
        self.purpose = code_combo(VEHICLE_PURPOSES, "车辆用途")
        self.area = ValidatedLineEdit(
            "建筑面积",
            lambda t: None if not t or _AREA.match(t) else "建筑面积应为数字（平方米）",
            placeholder="平方米",
        )
        self.asset_note = ValidatedLineEdit("财产说明", placeholder="如：自有住房、工商银行存款")
        self.asset_form = FormLayout()
        self.asset_form.add_field("财产类别", self.asset_kind)
        self.asset_form.add_field("金额", self.asset_amount)
        self.asset_form.add_field("车辆用途", self.purpose)
        self.asset_form.add_field("建筑面积", self.area)
        self.asset_form.add_field("说明", self.asset_note)
        self.asset_form.submitted.connect(self.add_asset)
        add = QPushButton("添加财产(&T)")  # Alt+P is 打印 in the dialog
        add.clicked.connect(self.asset_form.submit)
        remove = QPushButton("删除所选财产")
        remove.clicked.connect(lambda: self._remove(self.asset_table, self.assets))
        return self._box("财产", self.asset_form, (add, remove), self.asset_table)

    def _box(
        self, title: str, form: FormLayout, buttons: tuple[QPushButton, ...], table: QTableWidget
    ) -> QGroupBox:
        box = QGroupBox(title)
        row = QHBoxLayout()
        for button in buttons:
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        column = QVBoxLayout(box)
        column.addLayout(form)
        column.addLayout(row)
        column.addWidget(table, 1)
        return box

    def first_focus(self) -> QWidget:
        return self.earner

    def set_members(self, members: list[dict[str, Any]]) -> None:
        """Offer the members typed on the previous page as earners."""
        self.members = members
        current = self.earner.currentData()
        self.earner.clear()
        for m in members:
            self.earner.addItem(m["name"], m["id_number"])
        self.earner.addItem("家庭共同（不分成员）", "")
        index = self.earner.findData(current)
        self.earner.setCurrentIndex(max(index, 0))
        self._refresh()

    def add_income(self) -> None:
        amount = self.income_amount.value()
        assert amount is not None  # the form checked it
        for month in self.month.months():
            self.incomes.append(
                {
                    "member": self.earner.currentData() or "",
                    "kind": code_of(self.income_kind),
                    "month": f"{month:%Y-%m}",
                    "amount": str(amount),
                }
            )
        # reset, not setText(""): emptying a touched field re-checked it and left
        # “收入金额不能为空” on screen after a successful add
        self.income_amount.reset()
        self._done(self.earner)

    def add_asset(self) -> None:
        kind = code_of(self.asset_kind)
        purpose = code_of(self.purpose) if kind == "vehicle" else ""
        area = self.area.text().strip() if kind in ("dwelling", "nonresidential") else ""
        if kind == "vehicle" and not purpose:
            return self._refuse(self.purpose, "车辆用途：登记机动车辆时须填写用途")
        if kind in ("dwelling", "nonresidential"):
            if not area:
                return self._refuse(self.area, "建筑面积：登记房产时须填写面积（平方米）")
            if not 0 < Decimal(area) <= 10000:
                return self._refuse(self.area, "建筑面积：应在0–10000平方米之间")
        amount = self.asset_amount.value() or Decimal("0.00")
        self.assets.append(
            {
                "kind": kind,
                "amount": str(amount),
                "vehicle_purpose": purpose,
                "floor_area": area,
                "note": self.asset_note.text().strip(),
            }
        )
        for edit in (self.asset_amount, self.area, self.asset_note):
            edit.reset()
        self._done(self.asset_kind)

    def _refuse(self, widget: QWidget, message: str) -> None:
        self.message.setText(message)
        widget.setFocus()

    def _done(self, focus: QWidget) -> None:
        self.message.setText("")
        self._refresh()
        focus.setFocus()
        self.changed.emit()

    def _remove(self, table: QTableWidget, items: list[dict[str, Any]]) -> None:
        rows = table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(items):
            del items[rows[0].row()]
            self._refresh()
            self.changed.emit()

    def _name_of(self, id_number: str) -> str:
        key = member_key(id_number) if id_number else ""
        found = next((m["name"] for m in self.members if member_key(m["id_number"]) == key), None)
        return found or "家庭共同"

    def _refresh(self) -> None:
        _fill(
            self.income_table,
            [
                [self._name_of(i["member"]), i["month"], INCOME_KINDS[i["kind"]], i["amount"]]
                for i in self.incomes
            ],
        )
        _fill(
            self.asset_table,
            [
                [
                    ASSET_KINDS[a["kind"]],
                    fmt_yuan(Decimal(a["amount"])),
                    VEHICLE_PURPOSES.get(a["vehicle_purpose"], "") if a["vehicle_purpose"] else "",
                    a["floor_area"],
                ]
                for a in self.assets
            ],
        )

    def orphan_incomes(self) -> list[str]:
        """Earners of income items whose member was removed from the family meanwhile."""
        keys = {member_key(m["id_number"]) for m in self.members}
        return [
            i["member"] for i in self.incomes if i["member"] and member_key(i["member"]) not in keys
        ]

    def data(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return [dict(i) for i in self.incomes], [dict(a) for a in self.assets]

    def restore(self, incomes: list[dict[str, Any]], assets: list[dict[str, Any]]) -> None:
        self.incomes = [dict(i) for i in incomes]
        self.assets = [dict(a) for a in assets]
        self._refresh()

    def validate(self) -> bool:
        """Nothing half-typed left behind; every income belongs to a member still listed."""
        if self.income_amount.text().strip() and not self.income_form.submit():
            return False
        if self.orphan_incomes():
            self.message.setText("收入人：有收入记录的成员已被删除，请删除这些收入记录后再继续")
            return False
        self.message.setText("")
        return True
