"""发放核算: run the monthly benefit calculation with progress and 取消, read the report, list
past runs, export a run's 发放台账 to Excel and print the 增发/减发/停发 notices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.policy.monthly import CHANGE_KINDS
from desktop.money import fmt_yuan
from desktop.services.base import Actor, Role
from desktop.services.payment.benefit_ledger import RunView, export_run_xlsx, list_runs
from desktop.services.payment.benefits import RunReport, run_monthly_benefits
from desktop.store.store import Store
from printing.letters import change_notice_for
from printing.run_notices import ChangedCase, changed_cases
from reports.letters import render_change_notice
from ui import ops, theme
from ui.dashboard_parts import (
    StatCard,
    fill_table,
    heading,
    month_edit,
    month_of,
    read_only_table,
    row_key,
)
from ui.errors import error_message, show_error
from ui.widgets.charts import BarChart
from ui.widgets.message import MessageLine
from ui.widgets.pdf_preview import (
    BatchPrintResult,
    PdfPreviewDialog,
    PrintDialogFn,
    ask_printer,
    print_batch,
)

RUNNERS = {Role.SUPERVISOR, Role.ADMIN}
SaveDialogFn = Callable[[QWidget | None, str], str | None]
KIND_COLORS = {
    "increase": theme.SERIES[0],
    "decrease": theme.SERIES[1],
    "stop": theme.SERIES[4],
    "unchanged": theme.SERIES[2],
    "gradual_exit": theme.SERIES[3],
}
RUN_HEADERS = ("月份", "次序", "核算人", "完成时间", "户数", "变动", "原金额合计", "新金额合计")


def ask_xlsx_path(parent: QWidget | None, name: str) -> str | None:
    """The system save dialog for an Excel file."""
    path, _filter = QFileDialog.getSaveFileName(parent, "导出发放台账", name, "Excel 文件 (*.xlsx)")
    return path or None


@dataclass(frozen=True)
class RunOutcome:
    """A run's report plus the change kinds for the ChangeBus (``RunReport.changed`` is a count,
    so the report itself cannot travel as an ops result)."""

    report: RunReport
    changed: frozenset[str]


def run_month(
    store: Store,
    actor: Actor,
    month: date,
    progress: ops.ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RunOutcome:
    """``run_monthly_benefits`` for ``ops.run_long_op`` (writer thread)."""
    report = run_monthly_benefits(store, actor, month, progress, cancelled)
    wrote = report.run_id is not None
    return RunOutcome(report, frozenset({"cases", "benefit_runs"}) if wrote else frozenset())


def notice_pdf(store: Store, actor: Actor, run_id: str, application_id: str) -> bytes:
    """The change notice PDF of one case of a run (built on the writer thread)."""
    return render_change_notice(change_notice_for(store, actor, application_id, run_id=run_id))


class BenefitRunPanel(QWidget):
    """Supervisors and administrators run, review, export and print the monthly calculation."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        save_dialog: SaveDialogFn | None = None,
        print_dialog: PrintDialogFn | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.save_dialog = save_dialog or ask_xlsx_path
        self.print_dialog = print_dialog
        self.report: RunReport | None = None
        self.runs: list[RunView] = []
        self.changed: list[ChangedCase] = []
        self.handle: ops.OpHandle | None = None
        self.preview: PdfPreviewDialog | None = None
        self.last_export: Path | None = None
        self.last_batch: BatchPrintResult | None = None
        self._current_run_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(self._top_row())
        body = QGridLayout()
        body.addWidget(self._report_box(), 0, 0)
        body.addWidget(self._runs_box(), 0, 1)
        body.setColumnStretch(0, 5)
        body.setColumnStretch(1, 6)
        layout.addLayout(body, 1)
        self.status = MessageLine("runStatus")
        layout.addWidget(self.status)
        ops.change_bus().watch(self, {"benefit_runs"}, lambda _k: self.reload_runs())
        self.reload_runs()

    # ------------------------------------------------------------------ layout
    def _top_row(self) -> QHBoxLayout:
        self.month = month_edit()
        self.run_button = QPushButton("开始核算")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.start_run)
        self.run_button.setEnabled(self.actor.role in RUNNERS)
        row = QHBoxLayout()
        row.addWidget(heading("按月发放核算"))
        row.addSpacing(20)
        row.addWidget(QLabel("发放月份："))
        row.addWidget(self.month)
        row.addWidget(self.run_button)
        row.addStretch(1)
        return row

    def _report_box(self) -> QGroupBox:
        box = QGroupBox("本次核算结果")
        self.message = QLabel("选择月份后点“开始核算”。核算期间可随时取消，取消后不写入任何数据。")
        self.message.setWordWrap(True)
        self.kind_cards = {k: StatCard(CHANGE_KINDS[k]) for k in CHANGE_KINDS}
        cards = QHBoxLayout()
        for card in self.kind_cards.values():
            cards.addWidget(card, 1)
        self.total_old = StatCard("原金额合计（元/月）")
        self.total_new = StatCard("新金额合计（元/月）")
        self.total_diff = StatCard("变化（元/月）")
        totals = QHBoxLayout()
        for card in (self.total_old, self.total_new, self.total_diff):
            totals.addWidget(card, 1)
        self.kind_chart = BarChart(title="按变化类型（户）")
        self.skipped = read_only_table(("申请编号", "未核算原因"), stretch=1)
        column = QVBoxLayout(box)
        column.addWidget(self.message)
        column.addLayout(cards)
        column.addLayout(totals)
        column.addWidget(self.kind_chart, 4)
        column.addWidget(QLabel("数据有误、未核算的案件："))
        column.addWidget(self.skipped, 1)
        return box

    def _runs_box(self) -> QGroupBox:
        box = QGroupBox("历次核算")
        self.runs_table = read_only_table(RUN_HEADERS)
        self.runs_table.currentCellChanged.connect(lambda *_a: self._run_selected())
        self.export_button = QPushButton("导出发放台账（Excel）…")
        self.export_button.clicked.connect(self.export_selected)
        self.changed_table = read_only_table(
            ("申请编号", "申请人", "变化", "原金额", "新金额"), stretch=1
        )
        self.changed_table.itemDoubleClicked.connect(lambda _i: self.preview_notice())
        self.preview_button = QPushButton("预览通知书…")
        self.print_button = QPushButton("打印全部通知书…")
        self.preview_button.clicked.connect(self.preview_notice)
        self.print_button.clicked.connect(self.print_notices)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.print_button)
        column = QVBoxLayout(box)
        column.addWidget(self.runs_table, 3)
        column.addWidget(QLabel("所选核算中增发、减发、停发的案件（需送达变更通知书）："))
        column.addWidget(self.changed_table, 3)
        column.addLayout(buttons)
        return box

    # ------------------------------------------------------------------ the run
    def start_run(self) -> None:
        """Run the month on the writer thread with a progress dialog and 取消."""
        month = month_of(self.month)
        self.run_button.setEnabled(False)
        self._say(f"正在核算 {month:%Y年%m月}…")
        self.handle = ops.run_long_op(
            self,
            run_month,
            self.store,
            self.actor,
            month,
            on_done=self._run_done,
            progress_text=f"正在核算 {month:%Y年%m月} 救助金…",
        )

    def cancel_run(self) -> None:
        """Ask a running calculation to stop (same as 取消 in the progress dialog)."""
        if self.handle is not None and not self.handle.done:
            self.handle.cancel()

    def _run_done(self, outcome: RunOutcome | None, error: BaseException | None) -> None:
        self.run_button.setEnabled(self.actor.role in RUNNERS)
        if error is not None or outcome is None:
            self._failed(error)
            return
        self.show_report(outcome.report)
        self.reload_runs(select_id=outcome.report.run_id)

    def show_report(self, report: RunReport) -> None:
        """Show counts, totals, skipped cases and the message of a run."""
        self.report = report
        self.message.setText(report.message)
        self._say(report.message, error=report.cancelled)
        for kind, card in self.kind_cards.items():
            card.set(str(report.counts.get(kind, 0)), "户", KIND_COLORS[kind])
        diff = report.total_new - report.total_old
        self.total_old.set(fmt_yuan(report.total_old))
        self.total_new.set(fmt_yuan(report.total_new))
        self.total_diff.set(f"{diff:+,.2f}", color=theme.ERROR if diff < 0 else None)
        kinds = [k for k in CHANGE_KINDS if report.counts.get(k)]
        self.kind_chart.set_data(
            [CHANGE_KINDS[k] for k in kinds],
            [report.counts[k] for k in kinds],
            [KIND_COLORS[k] for k in kinds],
        )
        fill_table(self.skipped, [(n, reason) for n, reason in report.skipped])

    # ------------------------------------------------------------------ past runs
    def reload_runs(self, select_id: str | None = None) -> None:
        ops.run_op(self, list_runs, self.store, on_done=lambda r, e: self._runs(r, e, select_id))

    def _runs(self, runs: list[RunView] | None, error: BaseException | None, select_id) -> None:  # type: ignore[no-untyped-def]
        if error is not None or runs is None:
            self._failed(error)
            return
        self.runs = runs
        fill_table(
            self.runs_table,
            [
                (f"{r.month:%Y年%m月}", f"第{r.seq}次补充" if r.supplementary else "首次核算",
                 r.actor_name, f"{r.finished_at:%Y-%m-%d %H:%M}", str(r.cases), str(r.changed),
                 fmt_yuan(r.total_old), fmt_yuan(r.total_new))
                for r in runs
            ],
            [r.id for r in runs],
        )  # fmt: skip
        ids = [r.id for r in runs]
        select_id = select_id or self._current_run_id
        if runs:
            self.runs_table.selectRow(ids.index(select_id) if select_id in ids else 0)
        self._run_selected()

    def selected_run(self) -> RunView | None:
        key = row_key(self.runs_table)
        return next((r for r in self.runs if r.id == key), None)

    def _run_selected(self) -> None:
        run = self.selected_run()
        self._current_run_id = run.id if run is not None else None
        for button in (self.export_button, self.preview_button, self.print_button):
            button.setEnabled(run is not None)
        if run is None:
            fill_table(self.changed_table, [])
            self.changed = []
            return
        ops.run_op(self, changed_cases, self.store, run.id, on_done=self._changed)

    def _changed(self, rows: list[ChangedCase] | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            self._failed(error)
            return
        self.changed = rows
        fill_table(
            self.changed_table,
            [
                (c.number, c.name, (CHANGE_KINDS[c.kind], KIND_COLORS[c.kind]),
                 fmt_yuan(c.old), fmt_yuan(c.new))
                for c in rows
            ],
            [c.application_id for c in rows],
        )  # fmt: skip
        self.print_button.setEnabled(bool(rows))
        self.preview_button.setEnabled(bool(rows))

    # ------------------------------------------------------------------ export and print
    def export_selected(self) -> None:
        """Save the selected run's 发放台账 as .xlsx where the person chooses."""
        run = self.selected_run()
        if run is None:
            self._say("核算记录：请先选择一次核算", error=True)
            return
        name = f"发放台账-{run.month:%Y%m}-{run.seq}.xlsx"
        path = self.save_dialog(self, name)
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        ops.run_op(
            self, export_run_xlsx, self.store, run.id, path, on_done=self._exported,
            progress_text="正在导出发放台账…",
        )  # fmt: skip

    def _exported(self, path: Path | None, error: BaseException | None) -> None:
        if error is not None or path is None:
            self._failed(error)
            return
        self.last_export = path
        self._say(f"发放台账已导出：{path}")

    def _notice_target(self) -> ChangedCase | None:
        key = row_key(self.changed_table)
        chosen = next((c for c in self.changed if c.application_id == key), None)
        return chosen or (self.changed[0] if self.changed else None)

    def preview_notice(self) -> None:
        """Open the selected case's change notice (the first one when none is selected)."""
        run, case = self.selected_run(), self._notice_target()
        if run is None or case is None:
            self._say("通知书：所选核算中没有增发、减发或停发的案件", error=True)
            return

        def done(pdf: bytes | None, error: BaseException | None) -> None:
            if error is not None or pdf is None:
                self._failed(error)
                return
            title = f"{CHANGE_KINDS[case.kind]}通知书（{case.name}）"
            self.preview = PdfPreviewDialog(
                pdf, self, title=title, file_name=f"{title}.pdf", print_dialog=self.print_dialog
            )
            self.preview.open()

        ops.run_op(
            self, notice_pdf, self.store, self.actor, run.id, case.application_id, on_done=done,
            progress_text="正在生成通知书…",
        )  # fmt: skip

    def print_notices(self) -> None:
        """Print every change notice of the selected run in one job (progress, 取消)."""
        run = self.selected_run()
        if run is None or not self.changed:
            self._say("通知书：所选核算中没有增发、减发或停发的案件", error=True)
            return
        printer = ask_printer(self, self.print_dialog)
        if printer is None:
            return
        store, actor, run_id = self.store, self.actor, run.id
        jobs: list[tuple[str, Callable[[], bytes]]] = [
            (f"{CHANGE_KINDS[c.kind]}通知书（{c.name}）",
             lambda a=c.application_id: notice_pdf(store, actor, run_id, a))  # type: ignore[misc]
            for c in self.changed
        ]  # fmt: skip
        self._say(f"正在打印 {len(jobs)} 份通知书…")
        print_batch(self, jobs, printer, on_done=self._printed)

    def _printed(self, result: BatchPrintResult | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            self._failed(error)
            return
        self.last_batch = result
        head = "已取消，" if result.cancelled else ""
        self._say(f"{head}已打印 {len(result.printed)} 份通知书，共 {result.pages} 页。")

    # ------------------------------------------------------------------ messages
    def _say(self, text: str, error: bool = False) -> None:
        self.status.say(text, error)

    def _failed(self, error: BaseException | None) -> None:
        self._say(error_message(error) if error else "", error=True)
        if error is not None:
            show_error(self, error)

    def changed_count(self) -> int:
        """Rows in the changed-cases table."""
        return self.changed_table.rowCount()
