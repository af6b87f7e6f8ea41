"""The case page's household tab (members, incomes, assets) and the assessment with its reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.money import fmt_yuan
from desktop.services.base import Actor
from desktop.services.cases.assessment import assess_application
from desktop.services.cases.case_overview import CaseOverview, may_assess
from desktop.services.cases.check_findings import RESOLUTIONS, resolve_check_finding
from desktop.services.family.households import BankInput, BankView, may_edit_bank, set_bank_account
from desktop.store.store import Store
from ui import theme
from ui.cases.timeline import setup_table
from ui.errors import error_message, show_error
from ui.intake.household_page import BankGroup
from ui.ops import run_op


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(text))


class BankDialog(QDialog):
    """登记/修改收款账户: the intake's field group; saved through ``set_bank_account``."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        household_id: str,
        current: BankView | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.household_id = store, actor, household_id
        self.setWindowTitle("收款账户")
        self.group = BankGroup()
        if current is not None:
            # a masked number is never put back into the field: it must be typed again
            self.group.restore(
                {
                    "bank_name": current.bank_name,
                    "holder": current.holder,
                    "number": current.number if current.full else "",
                }
            )
        self.message = QLabel()
        self.message.setObjectName("bankMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.group.form.submitted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.group)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        if not self.group.validate():
            return
        data = BankInput(**self.group.data())
        run_op(self, set_bank_account, self.store, self.actor, self.household_id,
               None if data.is_empty() else data, on_done=self._saved)  # fmt: skip

    def _saved(self, _view: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        self.accept()


class HouseholdTab(QWidget):
    """Members (ID masked for roles that may not see it), incomes, assets and the payee
    account (masked for roles that do not pay)."""

    def __init__(
        self, store: Store | None = None, actor: Actor | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.case: CaseOverview | None = None
        self.bank_dialog: BankDialog | None = None
        self.members = QTableWidget()
        setup_table(
            self.members, ["姓名", "身份证号", "性别", "出生日期", "关系", "共同生活", "说明"]
        )
        self.incomes = QTableWidget()
        setup_table(self.incomes, ["收入类别", "成员", "月份", "金额（元）", "备注"])
        self.assets = QTableWidget()
        setup_table(self.assets, ["财产类别", "金额（元）", "备注"])
        self.totals = QLabel()
        self.totals.setProperty("muted", True)
        money = QHBoxLayout()
        money.addWidget(self.incomes, 3)
        money.addWidget(self.assets, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>家庭成员</b>"))
        layout.addWidget(self.members, 3)
        layout.addWidget(QLabel("<b>收入和财产</b>"))
        layout.addLayout(money, 2)
        layout.addWidget(self.totals)
        layout.addWidget(self._bank_box())

    def _bank_box(self) -> QGroupBox:
        box = QGroupBox("收款账户")
        self.bank_label = QLabel()
        self.bank_label.setObjectName("bankAccount")
        self.bank_button = QPushButton("登记/修改收款账户…")
        self.bank_button.setObjectName("bankButton")
        self.bank_button.clicked.connect(self.edit_bank)
        allowed = self.actor is not None and may_edit_bank(self.actor)
        self.bank_button.setVisible(allowed)
        row = QHBoxLayout(box)
        row.addWidget(self.bank_label, 1)
        row.addWidget(self.bank_button)
        return box

    def edit_bank(self) -> None:
        """Open the account dialog for the shown household."""
        if self.case is None or self.store is None or self.actor is None:
            return
        self.bank_dialog = BankDialog(
            self.store, self.actor, self.case.household_id, self.case.bank, self
        )
        self.bank_dialog.open()

    def set_case(self, case: CaseOverview) -> None:
        """Fill the three tables and the account from the overview."""
        self.case = case
        bank = case.bank
        self.bank_label.setText(
            f"{bank.bank_name}　户名：{bank.holder}　账号：{bank.number}"
            if bank
            else "尚未登记（发放花名册需要收款账户）"
        )
        _fill(self.members, [
            [m.name, m.id_shown, m.sex, m.birth_date.isoformat(), m.relation_cn,
             "是" if m.is_member else "否", m.note]
            for m in case.members
        ])  # fmt: skip
        _fill(self.incomes, [
            [i.kind_cn, i.whose, i.month.strftime("%Y-%m") if i.month else "", fmt_yuan(i.amount),
             i.note]
            for i in case.incomes
        ])  # fmt: skip
        _fill(self.assets, [[a.kind_cn, fmt_yuan(a.amount), a.note] for a in case.assets])
        income = sum((i.amount for i in case.incomes), start=Decimal(0))
        assets = sum((a.amount for a in case.assets), start=Decimal(0))
        self.totals.setText(
            f"共 {len(case.members)} 人；登记收入 {len(case.incomes)} 条，合计 {fmt_yuan(income)} 元；"
            f"财产 {len(case.assets)} 项，合计 {fmt_yuan(assets)} 元"
        )


def _yuan(value: Any) -> str:
    return fmt_yuan(Decimal(str(value or "0")))


def reason_lines(summary: dict[str, Any]) -> list[tuple[str, bool | None]]:
    """``(text, ok)`` of the saved assessment's reasons; ✓/✗ come from ``ok``."""
    return [(str(r.get("text", "")), r.get("ok")) for r in summary.get("reasons", [])]


def open_findings(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The check-report differences of a saved assessment not yet resolved."""
    return [f for f in (summary.get("check") or {}).get("findings", []) if f.get("open")]


def amount_note(case: CaseOverview) -> str:
    """The confirmed amount beside the calculation when they differ (with basis and approver)."""
    snap = case.snapshot
    calc, amount = snap.calculated_amount, snap.approved_amount
    if calc is None or amount is None or calc == amount:
        return ""
    return (
        f"确认金额 {fmt_yuan(amount)} 元，核算金额 {fmt_yuan(calc)} 元；"
        f"调整依据：{snap.amount_basis}；复核人：{snap.amount_approved_by}"
    )


class CheckResolutionDialog(QDialog):
    """Asks how one check-report difference is resolved: accept the figure, or explain."""

    def __init__(self, findings: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("核对差异处理")
        self.setObjectName("checkResolutionDialog")
        self.finding = QComboBox()
        for f in findings:
            self.finding.addItem(str(f["text"]), f["code"])
        self.resolution = QComboBox()
        for code, label in RESOLUTIONS.items():
            self.resolution.addItem(label, code)
        self.explanation = QPlainTextEdit()
        self.explanation.setPlaceholderText("书面说明后维持申报时必填")
        self.explanation.setFixedHeight(72)
        form = QFormLayout()
        form.addRow("核对差异", self.finding)
        form.addRow("处理方式", self.resolution)
        form.addRow("情况说明", self.explanation)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, str, str]:
        """(finding code, resolution code, explanation)."""
        return (
            str(self.finding.currentData()),
            str(self.resolution.currentData()),
            self.explanation.toPlainText().strip(),
        )


class AssessmentTab(QWidget):
    """The saved assessment (amount, per-capita income, standard) and its reasons; 重新测算."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.application_id = ""
        self.headline = QLabel("尚未测算")
        self.headline.setObjectName("assessmentHeadline")
        self.headline.setWordWrap(True)
        self.figures = QLabel()
        self.figures.setProperty("muted", True)
        self.figures.setWordWrap(True)
        self.reasons = QListWidget()
        self.reasons.setWordWrap(True)
        self.run_button = QPushButton("重新测算")
        self.run_button.setObjectName("assessButton")
        self.run_button.clicked.connect(self.reassess)
        allowed, why = may_assess(actor)
        self.run_button.setEnabled(allowed)
        self.run_button.setToolTip(why or "按现行政策重新核算资格和金额")
        self._allowed = allowed
        self._editable = False
        self._summary: dict[str, Any] = {}
        self.resolve_button = QPushButton("核对差异处理")
        self.resolve_button.setObjectName("resolveCheckButton")
        self.resolve_button.setToolTip("核对报告与申报不一致：采信核对结果或书面说明")
        self.resolve_button.clicked.connect(self.resolve)
        self.resolve_button.hide()
        self.amount_note = QLabel()
        self.amount_note.setObjectName("amountNote")
        self.amount_note.setWordWrap(True)
        self.amount_note.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.headline, 1)
        bar.addWidget(self.resolve_button)
        bar.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.amount_note)
        layout.addWidget(self.figures)
        layout.addWidget(self.reasons, 1)

    def set_case(self, case: CaseOverview, editable: bool) -> None:
        """Show the assessment saved on the application."""
        self.application_id = case.id
        self._editable = editable
        self.run_button.setEnabled(self._allowed and editable)
        note = amount_note(case)
        self.amount_note.setText(note)
        self.amount_note.setVisible(bool(note))
        self.show_summary(case.assessment)

    def show_summary(self, s: dict[str, Any]) -> None:
        """Headline, figures and ✓/✗ reasons of a saved assessment summary."""
        self.reasons.clear()
        self._summary = s
        self.resolve_button.setVisible(bool(open_findings(s or {})))
        self.resolve_button.setEnabled(self._allowed and self._editable)
        if not s:
            self.headline.setText("尚未测算（点击“重新测算”按现行政策核算）")
            self.figures.setText("")
            return
        verdict = s.get("verdict_cn") or (
            f"符合，{_yuan(s['amount'])} 元/月" if s.get("eligible") else "不符合救助条件"
        )
        self.headline.setText(f"<b>{s.get('programme_name', '')}：{verdict}</b>")
        theme.set_status(
            self.headline, theme.STATUS_NORMAL if s.get("eligible") else theme.STATUS_OVERDUE
        )
        self.figures.setText(
            f"测算月份 {s.get('month', '')}　共同生活 {s.get('members', '')} 人　"
            f"家庭月收入 {_yuan(s.get('income_total', '0'))} 元　"
            f"人均 {_yuan(s.get('income_per_capita', '0'))} 元　"
            f"低保标准 {_yuan(s.get('standard', '0'))} 元　"
            f"政策版本 {s.get('policy_version', '')}　测算人 {s.get('assessed_by', '')}"
            f"（{s.get('assessed_on', '')}）"
        )
        for text, ok in reason_lines(s):
            mark = "✓" if ok else ("✗" if ok is False else "·")
            item = QListWidgetItem(f"{mark} {text}")
            if ok is not None:
                key = theme.STATUS_NORMAL if ok else theme.STATUS_OVERDUE
                item.setForeground(QBrush(theme.status_color(key)))
            self.reasons.addItem(item)

    def reassess(self) -> None:
        """Run assess_application off the UI thread; the result replaces the shown summary."""
        run_op(self, assess_application, self.store, self.actor, self.application_id,
               on_done=self._assessed)  # fmt: skip

    def resolve(self) -> None:
        """Ask how a difference is resolved, record it, then re-assess."""
        dialog = CheckResolutionDialog(open_findings(self._summary), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        code, resolution, text = dialog.values()
        run_op(self, resolve_check_finding, self.store, self.actor, self.application_id, code,
               resolution, text, on_done=self._resolved)  # fmt: skip

    def _resolved(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        self.reassess()

    def _assessed(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        self.show_summary(result.summary)
