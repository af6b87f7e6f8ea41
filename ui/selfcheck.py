"""河北区自助评估: a resident's few facts → programmes the family may qualify for, printable.

No case is created and nothing is stored. The assessment runs in the policy engine
(``self_assess_doc``) with the policy in force, off the UI thread.
"""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.policy import codes
from desktop.domain.policy.selfcheck import self_assess_doc
from desktop.money import fmt_yuan
from desktop.services.base import Actor
from desktop.services.policy.printing_facts import current_policy
from desktop.store.store import Store
from printing.records import self_assessment_report
from reports.forms import render_self_assessment
from ui import ops
from ui.errors import error_message, show_error
from ui.widgets.fields import CHINESE, FormLayout, MoneyEdit
from ui.widgets.pdf_preview import PdfPreviewDialog

MAX_MEMBERS = 10
NONE = {"": "无"}
MEMBER_COLUMNS = (
    ("关系", {k: v for k, v in codes.RELATIONS.items()}),
    ("性别", codes.SEXES),
    ("年龄", None),
    ("残疾", {**NONE, **codes.DISABILITY_TYPES}),
    ("残疾等级", {"": "—", "1": "一级", "2": "二级", "3": "三级", "4": "四级"}),
    ("重病/慢性病", {**NONE, **codes.ILLNESS_CLASSES}),
    ("劳动能力", {"full": "有", "partial": "部分丧失", "none": "无"}),
    (
        "就业",
        {"unemployed": "无业", "employed": "就业", "self_employed": "灵活就业", "retired": "退休"},
    ),
    (
        "在校",
        {
            "none": "否",
            "school": "中小学",
            "vocational": "高中/中职",
            "college": "大专",
            "bachelor": "本科",
        },
    ),
)
VEHICLES = {"": "无", "disabled_mobility": "残疾人代步车", "treatment": "治疗康复用车"}
VEHICLES["other"] = "其他机动车"


def assess(store: Store, doc: dict[str, Any]) -> dict[str, Any]:
    """Run the self-assessment with the policy in force (store table or defaults)."""
    return self_assess_doc(doc, current_policy(store))


def report_pdf(
    store: Store, actor: Actor, result: dict[str, Any], figures: dict[str, Any]
) -> bytes:
    """The printable 自助评估结果."""
    return render_self_assessment(self_assessment_report(store, actor, result, **figures))


class SelfCheckPanel(QWidget):
    """Inputs on the left, the result on the right; Enter in 存款 assesses, Ctrl+P prints."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.result: dict[str, Any] | None = None
        self.preview: PdfPreviewDialog | None = None
        self.result_view = QTextBrowser()
        self.result_view.setObjectName("selfcheckResult")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.assess_button = QPushButton("评估")
        self.print_button = QPushButton("打印结果…")
        self.print_button.setEnabled(False)
        self.assess_button.clicked.connect(self.run)
        self.print_button.clicked.connect(self.print_result)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_result)
        left = QVBoxLayout()
        left.addWidget(self._family_box())
        left.addWidget(self._members_box(), 1)
        left.addWidget(self._money_box())
        buttons = QHBoxLayout()
        buttons.addWidget(self.assess_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        right = QVBoxLayout()
        title = QLabel("评估结果")
        title.setStyleSheet("font-weight: bold; font-size: 15px;")
        right.addWidget(title)
        right.addWidget(self.result_view, 1)
        right.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.set_size(1)
        self.result_view.setHtml(
            "<p>填写家庭人口、成员情况、月收入和财产后按“评估”。结果仅供参考，不保存任何信息。</p>"
        )

    # ------------------------------------------------------------------ inputs
    def _family_box(self) -> QGroupBox:
        box = QGroupBox("家庭")
        self.month = QDateEdit()
        self.month.setLocale(CHINESE)
        self.month.setDisplayFormat("yyyy年MM月")
        today = date.today()
        self.month.setDate(QDate(today.year, today.month, 1))
        self.family_size = QSpinBox()
        self.family_size.setRange(1, MAX_MEMBERS)
        self.family_size.setSuffix(" 人")
        self.family_size.valueChanged.connect(self.set_size)
        self.single_parent = QCheckBox("单亲家庭")
        self.childless = QCheckBox("老年人无子女")
        form = FormLayout()
        form.add_field("评估月份", self.month)
        form.add_field("家庭人口", self.family_size)
        checks = QHBoxLayout()
        checks.addWidget(self.single_parent)
        checks.addWidget(self.childless)
        checks.addStretch(1)
        column = QVBoxLayout(box)
        column.addLayout(form)
        column.addLayout(checks)
        return box

    def _members_box(self) -> QGroupBox:
        box = QGroupBox("成员情况（第一行为申请人）")
        self.table = QTableWidget(0, len(MEMBER_COLUMNS))
        self.table.setHorizontalHeaderLabels([c for c, _o in MEMBER_COLUMNS])
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        column = QVBoxLayout(box)
        column.addWidget(self.table)
        return box

    def _money_box(self) -> QGroupBox:
        box = QGroupBox("收入和财产")
        self.wage = MoneyEdit("劳动收入", required=False)
        self.other_income = MoneyEdit("其他收入", required=False)
        self.vehicle = QComboBox()
        for code, label in VEHICLES.items():
            self.vehicle.addItem(label, code)
        self.dwellings = QSpinBox()
        self.dwellings.setRange(0, 9)
        self.dwellings.setSuffix(" 套")
        self.dwellings.setValue(1)
        self.area = MoneyEdit("住房总面积", required=False)
        self.area.unit_label.setText("平方米")
        self.deposits = MoneyEdit("存款等货币财产", required=False)
        self.money_form = FormLayout()
        self.money_form.add_field("家庭月劳动收入", self.wage)
        self.money_form.add_field("养老金、赡养费等月收入", self.other_income)
        self.money_form.add_field("机动车", self.vehicle)
        self.money_form.add_field("住房套数", self.dwellings)
        self.money_form.add_field("住房总面积", self.area)
        self.money_form.add_field("存款、现金、有价证券合计", self.deposits)
        self.money_form.submitted.connect(self.run)
        QVBoxLayout(box).addLayout(self.money_form)
        return box

    def set_size(self, size: int) -> None:
        """Keep one table row per family member (rows kept when growing)."""
        old = self.table.rowCount()
        self.table.setRowCount(size)
        for row in range(old, size):
            for col, (name, options) in enumerate(MEMBER_COLUMNS):
                self.table.setCellWidget(row, col, self._cell(row, name, options))
        if self.family_size.value() != size:
            self.family_size.setValue(size)

    def _cell(self, row: int, name: str, options: dict[str, str] | None) -> QWidget:
        if options is None:
            spin = QSpinBox()
            spin.setRange(0, 120)
            spin.setValue(45 if row == 0 else 40)
            spin.setAccessibleName(f"第{row + 1}人{name}")
            return spin
        box = QComboBox()
        box.setAccessibleName(f"第{row + 1}人{name}")
        items = options
        if name == "关系":
            items = (
                {"applicant": "申请人"}
                if row == 0
                else {k: v for k, v in options.items() if k != "applicant"}
            )
        for code, label in items.items():
            box.addItem(label, code)
        if name == "就业":
            box.setCurrentIndex(max(box.findData("unemployed"), 0))
        return box

    def set_member(self, row: int, **values: Any) -> None:
        """Set cells of a member row by column name (tests and quick entry)."""
        names = {c: i for i, (c, _o) in enumerate(MEMBER_COLUMNS)}
        for name, value in values.items():
            widget = self.table.cellWidget(row, names[name])
            if isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(str(value)), 0))

    def _value(self, row: int, col: int) -> str:
        widget = self.table.cellWidget(row, col)
        if isinstance(widget, QSpinBox):
            return str(widget.value())
        assert isinstance(widget, QComboBox)
        return str(widget.currentData() or "")

    def _member(self, row: int) -> dict[str, Any]:
        rel, sex, age, dis, lvl, ill, cap, emp, stu = (
            self._value(row, c) for c in range(len(MEMBER_COLUMNS))
        )
        m: dict[str, Any] = {
            "id": f"第{row + 1}人",
            "relation": rel,
            "sex": sex,
            "age": int(age),
            "work_capacity": cap,
            "employment": emp,
            "student": stu,
        }
        if dis:
            m["disability"] = {"type": dis, "level": int(lvl or 4)}
        if ill:
            m["illness"] = ill
        return m

    def document(self) -> dict[str, Any]:
        """The household in the policy input format (docs/policy-input.md)."""
        month: date = self.month.date().toPython()  # type: ignore[assignment]
        members = [self._member(r) for r in range(self.table.rowCount())]
        first = members[0]["id"]
        earner = next((m["id"] for m in members if m["employment"] != "unemployed"), first)
        incomes = []
        if self.wage.value():
            incomes.append({"member": earner, "kind": "wage", "amount": str(self.wage.value())})
        if self.other_income.value():
            amount = str(self.other_income.value())
            incomes.append({"member": first, "kind": "transfer", "amount": amount})
        count = self.dwellings.value()
        area = self.area.value() or Decimal("0")
        per = (area / count).quantize(Decimal("0.01")) if count and area else None
        vehicle = self.vehicle.currentData()
        return {
            "benefit_month": f"{month:%Y-%m}",
            "single_parent": self.single_parent.isChecked(),
            "childless": self.childless.isChecked(),
            "members": members,
            "incomes": incomes,
            "assets": {
                "liquid": [{"kind": "deposit", "amount": str(self.deposits.value() or 0)}],
                "vehicles": [{"purpose": vehicle}] if vehicle else [],
                "dwellings": [{"floor_area": str(per), "residential": True}] * count if per else [],
            },
        }

    # ------------------------------------------------------------------ actions
    def run(self) -> None:
        """Assess (off the UI thread) and show the result."""
        errors = self.money_form.errors(show=True)
        if errors:
            self.status.setText(errors[0][1])
            return
        if self.dwellings.value() and not self.area.value():
            self.status.setText("住房总面积：有住房时请填写面积")
            self.area.setFocus()
            return
        self.status.setText("正在评估…")
        ops.run_op(self, assess, self.store, self.document(), on_done=self._assessed)

    def _assessed(self, result: dict[str, Any] | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            self.result = None
            self.print_button.setEnabled(False)
            self.status.setText(error_message(error) if error else "")
            self.status.setStyleSheet("color: #b3261e;")
            return
        self.result = result
        self.status.setStyleSheet("")
        self.status.setText(result["note"])
        self.result_view.setHtml(result_html(result))
        self.print_button.setEnabled(True)

    def figures(self) -> dict[str, Any]:
        """What the printed result repeats of the resident's input."""
        income = (self.wage.value() or Decimal("0")) + (self.other_income.value() or Decimal("0"))
        return {
            "family_size": self.table.rowCount(),
            "monthly_income": income,
            "liquid_assets": self.deposits.value() or Decimal("0.00"),
        }

    def print_result(self) -> None:
        if self.result is None:
            return
        ops.run_op(
            self,
            report_pdf,
            self.store,
            self.actor,
            self.result,
            self.figures(),
            on_done=self._show_pdf,
            progress_text="正在生成评估结果…",
        )

    def _show_pdf(self, pdf: bytes | None, error: BaseException | None) -> None:
        if error is not None or pdf is None:
            if error is not None:
                show_error(self, error)
            return
        self.preview = PdfPreviewDialog(
            pdf, self, title="自助评估结果", file_name="自助评估结果.pdf"
        )
        self.preview.setWindowModality(Qt.WindowModality.WindowModal)
        self.preview.open()


def result_html(result: dict[str, Any]) -> str:
    """Programmes the family may qualify for first, with estimate, reasons and what to bring."""
    parts = [f"<p>救助月份：{result['benefit_month']}</p>"]
    explained = result.get("income", {}).get("explained", [])
    if explained:
        lines = "".join(f"<li>{html.escape(t)}</li>" for t in explained)
        parts.append(f"<h3>收入怎么算</h3><ul>{lines}</ul>")
    for item in result["programmes"]:
        ok = item["may_qualify"]
        colour = "#1e6b31" if ok else "#57606a"
        verdict = "可能符合" if ok else "暂不符合"
        estimate = Decimal(item["estimate"])
        amount = f"，估算 {fmt_yuan(estimate)} 元/月" if ok and estimate > 0 else ""
        why = "".join(f"<li>{html.escape(w)}</li>" for w in item["why"])
        parts.append(
            f"<h3 style='color:{colour}'>{html.escape(item['name'])}：{verdict}{amount}</h3>"
            f"<ul>{why}</ul>"
        )
        if item["documents"]:
            docs = "、".join(html.escape(d) for d in item["documents"])
            parts.append(f"<p><b>请携带：</b>{docs}</p>")
    parts.append(f"<p style='color:#57606a'>{html.escape(result['note'])}</p>")
    return "".join(parts)
