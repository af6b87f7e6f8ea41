"""Roster review (名单审核) of one programme: generate the roster of the families in payment on
a date, read it with its totals per category and who is left out and why, mark it reviewed,
export it as xlsx for the insurer or payer, print the masked public sheet; coverage (全覆盖)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.support.programmes import CATEGORIES
from desktop.money import fmt_yuan
from desktop.services.base import Actor
from desktop.services.support.programmes import (
    Coverage,
    ProgrammeView,
    RosterView,
    export_roster_xlsx,
    generate_roster,
    get_roster,
    list_rosters,
    programme_coverage,
    review_roster,
)
from desktop.store.store import Store
from printing.support_sheets import render_public_roster
from ui.dashboard_parts import fill_table, read_only_table
from ui.errors import error_message
from ui.ops import run_op
from ui.support.forms import date_edit
from ui.widgets.pdf_preview import PdfPreviewDialog

SavePath = Callable[[QWidget, str], str]


def _ask_xlsx(parent: QWidget, name: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "导出名单", name, "Excel 工作簿 (*.xlsx)")
    return path


class RosterDialog(QDialog):
    """One programme's rosters: generate, review, export, print, coverage."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        programme: ProgrammeView,
        parent: QWidget | None = None,
        *,
        save_path: SavePath = _ask_xlsx,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.programme = store, actor, programme
        self.save_path = save_path
        self.roster: RosterView | None = None
        self.preview: QDialog | None = None
        self.setWindowTitle(f"名单审核 — {programme.name}")
        self.setObjectName("rosterDialog")
        rates = "　".join(
            f"{label} {fmt_yuan(programme.rates.get(c, Decimal(0)))}元"
            for c, label in CATEGORIES.items()
        )
        head = QLabel(
            f"<b>{programme.name}</b>（{programme.kind_cn}）　{programme.payer}　保障期 {programme.period_from}至{programme.period_to}<br>{rates}"
        )
        self.as_of = date_edit(min(max(date.today(), programme.period_from), programme.period_to))
        self.rosters = QComboBox()
        self.rosters.setObjectName("rosterChoice")
        self.rosters.activated.connect(self._pick)
        self.generate_button = self._button("生成名单", self.generate, "generateRoster")
        self.review_button = self._button("审核通过", self.review, "reviewRoster")
        self.export_button = self._button("导出xlsx…", self.export, "exportRoster")
        self.print_button = self._button("打印公示…", self.print_sheet, "printRoster")
        top = QHBoxLayout()
        top.addWidget(QLabel("名单日期"))
        top.addWidget(self.as_of)
        top.addWidget(self.generate_button)
        top.addWidget(QLabel("已有名单"))
        top.addWidget(self.rosters, 1)
        actions = QHBoxLayout()
        for b in (self.review_button, self.export_button, self.print_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.summary = QLabel("")
        self.summary.setObjectName("rosterSummary")
        self.summary.setWordWrap(True)
        self.table = read_only_table(("姓名", "公民身份号码", "类别", "金额（元）", "社区"))
        self.excluded = read_only_table(("姓名", "未覆盖原因"), stretch=1)
        self.excluded.setMaximumHeight(140)
        self.coverage = QLabel("")
        self.coverage.setObjectName("coverageLabel")
        self.coverage.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("rosterMessage")
        self.message.setStyleSheet("color: #b42318;")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("未覆盖人员"))
        layout.addWidget(self.excluded)
        layout.addWidget(self.coverage)
        layout.addWidget(self.message)
        self.resize(900, 640)
        self._set_roster(None)
        self.reload()

    def _button(self, text: str, slot: Callable[[], None], name: str) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.clicked.connect(slot)
        return b

    # ---------------------------------------------------------------- loading
    def reload(self, pick: str | None = None) -> None:
        run_op(self, list_rosters, self.store, self.actor, self.programme.id,
               on_done=lambda rows, err: self._listed(rows, err, pick))  # fmt: skip
        run_op(
            self,
            programme_coverage,
            self.store,
            self.actor,
            self.programme.id,
            date.today(),
            on_done=self._covered,
        )

    def _listed(self, rows: Any, error: BaseException | None, pick: str | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        self.rosters.clear()
        for rid, as_of, status, persons, total in rows:
            label = f"{as_of}　{'已审核' if status == 'reviewed' else '待审核'}　{persons}人　{fmt_yuan(total)}元"
            self.rosters.addItem(label, rid)
        chosen = pick or (rows[0][0] if rows else None)
        if chosen:
            self.rosters.setCurrentIndex(max(0, self.rosters.findData(chosen)))
            self._load(chosen)

    def _pick(self, index: int) -> None:
        rid = self.rosters.itemData(index)
        if rid:
            self._load(rid)

    def _load(self, roster_id: str) -> None:
        run_op(self, get_roster, self.store, self.actor, roster_id, on_done=self._shown)

    def _shown(self, view: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        self._set_roster(view)

    def _set_roster(self, view: RosterView | None) -> None:
        self.roster = view
        reviewed = view is not None and view.status == "reviewed"
        self.review_button.setEnabled(view is not None and not reviewed)
        self.export_button.setEnabled(reviewed)
        self.print_button.setEnabled(reviewed)
        if view is None:
            self.summary.setText("尚未生成名单：选择名单日期后点“生成名单”。")
            fill_table(self.table, [])
            fill_table(self.excluded, [])
            return
        parts = "　".join(
            f"{CATEGORIES[c]} {n}人 {fmt_yuan(t)}元" for c, (n, t) in view.by_category().items()
        )
        who = f"，审核人 {view.reviewed_by}" if view.reviewed_by else ""
        self.summary.setText(
            f"<b>{view.as_of} 名单（{view.status_cn}{who}）</b>：共 {len(view.persons)} 人，合计 {fmt_yuan(view.total)} 元。{parts}"
        )
        fill_table(
            self.table,
            [
                (p.name, p.id_number, p.category_cn, fmt_yuan(p.amount), p.community)
                for p in view.persons
            ],
        )
        fill_table(self.excluded, [(e.name, e.reason) for e in view.excluded])

    def _covered(self, cov: Coverage | None, error: BaseException | None) -> None:
        if error is not None or cov is None:
            self.coverage.setText(error_message(error) if error else "")
            return
        missing = "；".join(f"{e.name}：{e.reason}" for e in cov.not_covered[:5])
        more = f" 等{len(cov.not_covered)}人" if len(cov.not_covered) > 5 else ""
        basis = f"（按{cov.roster_date}已审核名单）" if cov.roster_date else "（尚无已审核名单）"
        self.coverage.setText(
            f"覆盖情况{basis}：在保家庭成员 {cov.in_programme} 人，已覆盖 {cov.covered} 人，覆盖率 {cov.rate}%。"
            + (f" 未覆盖：{missing}{more}" if missing else " 已全覆盖。")
        )

    # ---------------------------------------------------------------- actions
    def generate(self) -> None:
        day = self.as_of.date().toPython()
        self.message.setText("")
        run_op(
            self,
            generate_roster,
            self.store,
            self.actor,
            self.programme.id,
            day,
            on_done=self._changed,
        )

    def review(self) -> None:
        if self.roster is not None:
            run_op(
                self,
                review_roster,
                self.store,
                self.actor,
                self.roster.id,
                date.today(),
                on_done=self._changed,
            )

    def _changed(self, view: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        self.message.setText("")
        self.reload(view.id)

    def export(self) -> None:
        if self.roster is None:
            return
        path = self.save_path(self, f"{self.programme.name}-{self.roster.as_of}.xlsx")
        if path:
            run_op(self, export_roster_xlsx, self.store, self.actor, self.roster.id, path,
                   on_done=lambda p, e: self.message.setText(error_message(e) if e else f"已导出：{p}"))  # fmt: skip

    def print_sheet(self) -> None:
        if self.roster is not None:
            run_op(
                self,
                render_public_roster,
                self.store,
                self.actor,
                self.roster.id,
                on_done=self._pdf,
            )

    def _pdf(self, pdf: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        dialog = PdfPreviewDialog(
            pdf, self, title="名单公示", file_name=f"{self.programme.name}公示.pdf"
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview = dialog
        dialog.open()
