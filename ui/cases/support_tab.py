"""The case page's 综合帮扶 tab: the policies the family may use (with the reasons, and the
sheet to print for it), its referrals with their outcomes, and everything it received from
every source with the totals per year."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.money import fmt_yuan
from desktop.services.base import Actor
from desktop.services.changes import Change
from desktop.services.support.overview import KINDS, FamilySupport, family_support
from desktop.services.support.policy_menu import PolicyMatch, policies_for_household
from desktop.services.support.referrals import (
    OUTCOMES,
    ReferralView,
    list_partners,
    list_referrals,
    make_referral,
    record_referral_outcome,
)
from desktop.store.store import Store
from printing.support_sheets import render_policy_sheet
from ui.dashboard_parts import fill_table, heading, read_only_table, row_key
from ui.errors import error_message
from ui.intake.common import code_combo
from ui.ops import change_bus, run_op
from ui.support.forms import Call, FormDialog, date_edit
from ui.widgets.pdf_preview import PdfPreviewDialog

OVERDUE = "#b42318"


class SupportTab(QWidget):
    """综合帮扶 of one family; loads when a household is set and when support data changes."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.household_id = ""
        self.referrals: list[ReferralView] = []
        self.matches: list[PolicyMatch] = []
        self.dialog: QDialog | None = None
        self.policies = read_only_table(("政策", "部门", "符合原因"), stretch=2)
        self.referral_table = read_only_table(
            ("转介单位", "转介事项", "转介日期", "答复期限", "状态", "结果"), stretch=1
        )
        self.lines = read_only_table(("年度", "类别", "来源", "内容", "金额（元）"), stretch=3)
        self.totals = QLabel("")
        self.totals.setObjectName("supportTotals")
        self.totals.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("supportMessage")
        self.message.setStyleSheet(f"color: {OVERDUE};")
        self.print_button = self._button("打印政策明白纸…", self.print_sheet, "printPolicySheet")
        self.refer_button = self._button("转介…", self.refer, "makeReferral")
        self.outcome_button = self._button("登记转介结果…", self.outcome, "recordOutcome")
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(self._row(heading("可享受的惠民政策"), self.print_button))
        tl.addWidget(self.policies)
        mid = QWidget()
        ml = QVBoxLayout(mid)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addLayout(self._row(heading("转介"), self.refer_button, self.outcome_button))
        ml.addWidget(self.referral_table)
        low = QWidget()
        ll = QVBoxLayout(low)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(heading("家庭获得的全部帮扶"))
        ll.addWidget(self.totals)
        ll.addWidget(self.lines)
        split = QSplitter(Qt.Orientation.Vertical)
        for w in (top, mid, low):
            split.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        change_bus().watch(
            self, {Change.SUPPORT, Change.CASES, Change.PERSONS}, lambda _k: self.reload()
        )

    def _button(self, text: str, slot: Callable[[], Any], name: str) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.clicked.connect(slot)
        return b

    def _row(self, *widgets: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(widgets[0])
        row.addStretch(1)
        for w in widgets[1:]:
            row.addWidget(w)
        return row

    # ---------------------------------------------------------------- loading
    def set_household(self, household_id: str) -> None:
        if household_id != self.household_id:
            self.household_id = household_id
            self.reload()

    def reload(self) -> None:
        if not self.household_id:
            return
        hid = self.household_id
        run_op(self, policies_for_household, self.store, self.actor, hid, on_done=self._policies)
        run_op(self, list_referrals, self.store, self.actor, hid, on_done=self._referrals)
        run_op(self, family_support, self.store, self.actor, hid, on_done=self._support)

    def _policies(self, rows: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(f"惠民政策：{error_message(error)}")
            return
        self.matches = rows
        fill_table(
            self.policies,
            [(m.policy.name, m.policy.department, "；".join(m.reasons)) for m in rows],
        )

    def _referrals(self, rows: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(f"转介：{error_message(error)}")
            return
        self.referrals = rows
        today = date.today()
        fill_table(self.referral_table, [
            (r.partner_name, r.need, r.made_on.isoformat(),
             (r.due_on.isoformat(), OVERDUE) if r.overdue(today) else r.due_on.isoformat(), r.status_cn,
             (f"{fmt_yuan(r.amount)}元 " if r.amount is not None else "") + (r.service_given or r.refusal_reason))
            for r in rows
        ], [r.id for r in rows])  # fmt: skip

    def _support(self, data: FamilySupport | None, error: BaseException | None) -> None:
        if error is not None or data is None:
            self.message.setText(f"帮扶汇总：{error_message(error)}" if error else "")
            return
        fill_table(
            self.lines,
            [(str(x.year), x.kind, x.source, x.what, fmt_yuan(x.amount)) for x in data.lines],
        )
        years = []
        for year in sorted(data.totals, reverse=True):
            parts = "　".join(
                f"{k} {fmt_yuan(data.totals[year][k])}" for k in KINDS if data.totals[year][k]
            )
            years.append(f"<b>{year}年合计 {fmt_yuan(data.year_total(year))} 元</b>　{parts}")
        self.totals.setText("<br>".join(years) or "暂无帮扶记录")

    # ---------------------------------------------------------------- actions
    def print_sheet(self) -> None:
        run_op(
            self, render_policy_sheet, self.store, self.actor, self.household_id, on_done=self._pdf
        )

    def _pdf(self, pdf: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        dialog = PdfPreviewDialog(pdf, self, title="惠民政策明白纸", file_name="惠民政策明白纸.pdf")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def refer(self) -> None:
        run_op(self, list_partners, self.store, self.actor, on_done=self._refer_form)

    def _refer_form(self, partners: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        fields = [("partner", "转介单位", code_combo([(p.id, f"{p.name}（{p.kind_cn}）") for p in partners])),
                  ("need", "转介事项", QPlainTextEdit()), ("made_on", "转介日期", date_edit())]  # fmt: skip
        hid = self.household_id
        dialog = FormDialog("转介", fields, lambda v: (make_referral, (self.store, self.actor, hid, v["partner"], v["need"], v["made_on"])), self,
                            "答复期限按本街道工作日日历计算（10个工作日）。")  # fmt: skip
        self.dialog = dialog
        dialog.open()

    def outcome(self) -> FormDialog | None:
        key = row_key(self.referral_table)
        if not key:
            self.message.setText("请先选中一条转介记录")
            return None
        fields = [("status", "结果", code_combo(OUTCOMES)), ("on", "日期", date_edit()), ("amount", "帮扶金额（元）", QLineEdit()),
                  ("service_given", "提供的服务", QLineEdit()), ("reason", "未予帮扶原因", QLineEdit())]  # fmt: skip
        hid = self.household_id

        def call(v: dict[str, Any]) -> Call:
            args = (self.store, self.actor, hid, key, v["status"], v["on"])
            extra = {
                "amount": v["amount"],
                "service_given": v["service_given"],
                "reason": v["reason"],
            }
            return record_referral_outcome, args, extra

        dialog = FormDialog("登记转介结果", fields, call, self)
        self.dialog = dialog
        dialog.open()
        return dialog
