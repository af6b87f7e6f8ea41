"""走访 screen: for coordinators the visit plan, the visit form and the problems inbox; for
supervisors also the problems to assign and close, changes to follow up, coverage and the
ledger (Excel export and print). The core decides what each role sees and may do."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.visits import HANDLER_KINDS
from desktop.services.base import Actor, Role
from desktop.services.outreach.visit_coverage import (
    CoverageReport,
    coverage_report,
    export_ledger_xlsx,
)
from desktop.services.outreach.visit_follow_ups import (
    ChangeFollowUp,
    open_follow_up,
    pending_follow_ups,
)
from desktop.services.outreach.visit_problems import (
    ProblemView,
    assign_problem,
    close_problem,
    confirm_problem,
    list_problems,
    record_handling,
)
from desktop.services.outreach.visits import (
    Target,
    VisitPlan,
    VisitView,
    visit_plan,
)
from desktop.store.store import Store
from printing.visit_ledger import visit_ledger_pdf
from ui import ops, theme
from ui.dashboard_parts import fill_table, heading, month_edit, month_of, read_only_table, row_key
from ui.errors import error_message
from ui.visits.form import VisitForm

SUPERVISING = {Role.SUPERVISOR, Role.ADMIN}
PLAN_HEAD = ("状态", "应访日期", "社区", "户主", "公民身份号码", "走访类别", "上次走访", "本期次数")
PROBLEM_HEAD = ("状态", "期限", "社区", "问题类别", "紧急", "问题描述", "承办单位", "发现人")
COVERAGE_HEAD = (
    "社区",
    "协理员",
    "走访对象",
    "已走访",
    "覆盖率",
    "走访次数",
    "发现问题",
    "办结",
    "逾期",
)
Saver = Callable[[QWidget | None, str, str], str | None]


def ask_path(parent: QWidget | None, name: str, kind: str) -> str | None:
    """The system save dialog for the ledger (Excel or PDF)."""
    pattern = "Excel 文件 (*.xlsx)" if kind == "xlsx" else "PDF 文件 (*.pdf)"
    path, _filter = QFileDialog.getSaveFileName(parent, "保存走访台账", name, pattern)
    return path or None


class VisitsPanel(QWidget):
    """The 走访 tab; ``today`` fixes the day (tests), ``save_dialog`` the save-file dialog."""

    def __init__(
        self, store: Store, actor: Actor, parent: QWidget | None = None, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.fixed_today = today
        self.save_dialog: Saver = ask_path
        self.plan: VisitPlan | None = None
        self.problems: list[ProblemView] = []
        self.follow_ups: list[ChangeFollowUp] = []
        self.coverage: CoverageReport | None = None
        self.form: VisitForm | None = None
        self.last_saved: Path | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._plan_page(), "走访计划")
        self.form_page = QWidget()
        self.form_layout = QVBoxLayout(self.form_page)
        self.form_layout.addWidget(QLabel("请在“走访计划”中选择一户，点“填写走访记录”"))
        self.tabs.addTab(self.form_page, "走访记录")
        self.tabs.addTab(self._problems_page(), "问题处置")
        if actor.role in SUPERVISING:
            self.tabs.addTab(self._coverage_page(), "覆盖与台账")
        self.message = QLabel("")
        self.message.setObjectName("visitsMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"巡访走访 — {actor.office_name}（{actor.display_name}）"))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        ops.change_bus().watch(self, {"visits", "sync", "communities"}, lambda _k: self.reload())
        self.reload()

    def today(self) -> date:
        return self.fixed_today or date.today()

    # ------------------------------------------------------------------ pages
    def _plan_page(self) -> QWidget:
        page = QWidget()
        self.month = month_edit(self.today())
        self.month.dateChanged.connect(lambda _d: self.reload_plan())
        self.plan_summary = QLabel("")
        self.plan_table = read_only_table(PLAN_HEAD, stretch=5)
        self.plan_table.doubleClicked.connect(lambda _i: self.open_form())
        self.visit_button = QPushButton("填写走访记录")
        self.visit_button.setObjectName("openVisitForm")
        self.visit_button.clicked.connect(self.open_form)
        top = QHBoxLayout()
        top.addWidget(QLabel("月份："))
        top.addWidget(self.month)
        top.addWidget(self.plan_summary, 1)
        top.addWidget(self.visit_button)
        column = QVBoxLayout(page)
        column.addLayout(top)
        column.addWidget(self.plan_table, 1)
        return page

    def _problems_page(self) -> QWidget:
        page = QWidget()
        self.problem_table = read_only_table(PROBLEM_HEAD, stretch=5)
        self.problem_note = QLineEdit()
        self.problem_note.setAccessibleName("办理或确认意见")
        self.problem_note.setPlaceholderText("办理情况 / 确认意见")
        buttons = QHBoxLayout()
        self.confirm_button = QPushButton("确认已解决")
        self.confirm_button.clicked.connect(lambda: self.confirm_selected(True))
        self.reopen_button = QPushButton("未解决，退回")
        self.reopen_button.clicked.connect(lambda: self.confirm_selected(False))
        buttons.addWidget(self.problem_note, 1)
        if self.actor.role in SUPERVISING:
            self.handler_kind = QComboBox()
            for code, label in HANDLER_KINDS.items():
                self.handler_kind.addItem(label, code)
            self.handler = QLineEdit()
            self.handler.setAccessibleName("承办单位")
            self.handler.setPlaceholderText("承办单位，如：区住房和建设委员会")
            self.assign_button = QPushButton("交办")
            self.assign_button.clicked.connect(self.assign_selected)
            self.handle_button = QPushButton("登记办理情况")
            self.handle_button.clicked.connect(self.handle_selected)
            self.close_button = QPushButton("办结")
            self.close_button.clicked.connect(self.close_selected)
            assign = QHBoxLayout()
            assign.addWidget(self.handler_kind)
            assign.addWidget(self.handler, 1)
            assign.addWidget(self.assign_button)
            buttons.addWidget(self.handle_button)
            buttons.addWidget(self.close_button)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.reopen_button)
        column = QVBoxLayout(page)
        column.addWidget(self.problem_table, 1)
        if self.actor.role in SUPERVISING:
            column.addLayout(assign)
        column.addLayout(buttons)
        if self.actor.role in SUPERVISING:
            self.follow_table = read_only_table(
                ("走访日期", "社区", "协理员", "家庭变化", "变化情况", "将开启"), stretch=4
            )
            self.follow_table.setMaximumHeight(140)
            self.follow_button = QPushButton("开启跟进")
            self.follow_button.setToolTip(
                "在保家庭：定期核查；无在保案件：巡访发现诉求（转救助申请）"
            )
            self.follow_button.clicked.connect(self.follow_up_selected)
            column.addWidget(QLabel("走访发现家庭变化，待开启跟进："))
            row = QHBoxLayout()
            row.addWidget(self.follow_table, 1)
            row.addWidget(self.follow_button)
            column.addLayout(row)
        return page

    def _coverage_page(self) -> QWidget:
        page = QWidget()
        self.coverage_summary = QLabel("")
        self.coverage_summary.setObjectName("coverageSummary")
        self.coverage_table = read_only_table(COVERAGE_HEAD, stretch=1)
        self.missed_table = read_only_table(
            ("社区", "户主", "公民身份号码", "走访类别", "上次走访"), stretch=3
        )
        self.workload_label = QLabel("")
        self.workload_label.setWordWrap(True)
        self.ledger_community = QComboBox()
        self.ledger_community.setAccessibleName("台账社区")
        self.export_button = QPushButton("导出台账（Excel）")
        self.export_button.clicked.connect(self.export_ledger)
        self.print_button = QPushButton("打印台账（PDF）")
        self.print_button.clicked.connect(self.print_ledger)
        ledger = QHBoxLayout()
        ledger.addWidget(QLabel("走访台账："))
        ledger.addWidget(self.ledger_community, 1)
        ledger.addWidget(self.export_button)
        ledger.addWidget(self.print_button)
        column = QVBoxLayout(page)
        column.addWidget(self.coverage_summary)
        column.addWidget(self.coverage_table, 2)
        column.addWidget(QLabel("本期未走访的对象（逐户逐人不漏）："))
        column.addWidget(self.missed_table, 1)
        column.addWidget(self.workload_label)
        column.addLayout(ledger)
        return page

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        self.reload_plan()
        self.reload_problems()
        if self.actor.role in SUPERVISING:
            self.reload_coverage()

    def reload_plan(self) -> None:
        ops.run_op(self, visit_plan, self.store, self.actor, month_of(self.month), self.today(),
                   on_done=self._plan_loaded)  # fmt: skip

    def _plan_loaded(self, plan: VisitPlan | None, error: BaseException | None) -> None:
        if error is not None or plan is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.plan = plan
        self.plan_summary.setText(
            f"负责社区 {len(plan.communities)} 个，走访对象 {len(plan.targets)} 户："
            f"逾期 {plan.count('overdue')}，本期待访 {plan.count('due')}，已访 {plan.count('done')}"
        )
        colors = {"overdue": theme.ERROR, "due": None, "done": theme.MUTED}
        fill_table(
            self.plan_table,
            [((t.status_label, colors[t.status]), t.due.isoformat(), t.community, t.name,
              t.id_number, t.category_labels, t.last_visit.isoformat() if t.last_visit else "从未走访",
              str(t.visits_in_period)) for t in plan.targets],
            [t.household_id for t in plan.targets],
        )  # fmt: skip

    def reload_problems(self) -> None:
        ops.run_op(self, list_problems, self.store, self.actor, self.today(),
                   on_done=self._problems_loaded)  # fmt: skip
        if self.actor.role in SUPERVISING:
            ops.run_op(self, pending_follow_ups, self.store, self.actor,
                       on_done=self._follow_ups_loaded)  # fmt: skip

    def _problems_loaded(self, rows: list[ProblemView] | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            return
        self.problems = rows
        fill_table(
            self.problem_table,
            [((("逾期·" if p.overdue else "") + p.status_label, theme.ERROR if p.overdue else None),
              p.deadline.isoformat() if p.deadline else "", p.community, p.category_label,
              p.urgency_label, p.description, p.handler, p.found_by) for p in rows],
            [p.id for p in rows],
        )  # fmt: skip

    def _follow_ups_loaded(
        self, rows: list[ChangeFollowUp] | None, error: BaseException | None
    ) -> None:
        if error is not None or rows is None:
            return
        self.follow_ups = rows
        fill_table(
            self.follow_table,
            [(f.visited_on.isoformat(), f.community, f.visitor, f.change_label, f.change_detail,
              "定期核查" if f.follow_up == "review" else "救助申请（诉求）") for f in rows],
            [f.visit_id for f in rows],
        )  # fmt: skip

    def reload_coverage(self) -> None:
        ops.run_op(self, coverage_report, self.store, self.actor, month_of(self.month), self.today(),
                   on_done=self._coverage_loaded)  # fmt: skip

    def _coverage_loaded(self, report: CoverageReport | None, error: BaseException | None) -> None:
        if error is not None or report is None:
            return
        self.coverage = report
        rate = f"{report.visited * 100 // report.targets}%" if report.targets else "—"
        self.coverage_summary.setText(
            f"{report.start:%Y年%m月}：走访对象 {report.targets} 户，已走访 {report.visited} 户"
            f"（{rate}），走访 {report.visits} 次；发现问题 {report.problems_found} 个，"
            f"办结 {report.problems_solved} 个"
        )
        fill_table(
            self.coverage_table,
            [(c.community, "、".join(c.coordinators) or "未分配", str(c.targets), str(c.visited),
              c.rate, str(c.visits), str(c.problems_found), str(c.problems_solved),
              (str(c.problems_overdue), theme.ERROR if c.problems_overdue else None))
             for c in report.communities],
            [c.community for c in report.communities],
        )  # fmt: skip
        missed = report.not_visited
        fill_table(
            self.missed_table,
            [(t.community, t.name, t.id_number, t.category_labels,
              t.last_visit.isoformat() if t.last_visit else "从未走访") for t in missed],
            [t.household_id for t in missed],
        )  # fmt: skip
        self.workload_label.setText(
            "协理员工作量：" + "；".join(
                f"{w.coordinator} 负责 {len(w.communities)} 个社区 {w.targets} 户，"
                f"本期走访 {w.visits} 次，未访 {w.not_visited} 户" for w in report.workloads
            )
        )  # fmt: skip
        current = self.ledger_community.currentText()
        self.ledger_community.clear()
        self.ledger_community.addItems([c.community for c in report.communities])
        if current:
            self.ledger_community.setCurrentText(current)

    # ------------------------------------------------------------------ the form
    def selected_target(self) -> Target | None:
        key = row_key(self.plan_table)
        return next(
            (t for t in (self.plan.targets if self.plan else ()) if t.household_id == key), None
        )

    def open_form(self) -> VisitForm | None:
        """The visit form of the selected target, in the 走访记录 tab."""
        target = self.selected_target()
        if target is None:
            self._say("请先在走访计划中选择一户", error=True)
            return None
        if self.form is not None:
            self.form.save_draft_now()
            self.form.setParent(None)
            self.form.deleteLater()
        while self.form_layout.count():
            item = self.form_layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.form = VisitForm(self.store, self.actor, target, self.form_page, today=self.today())
        self.form.submitted.connect(self._visit_submitted)
        self.form_layout.addWidget(self.form)
        self.tabs.setCurrentWidget(self.form_page)
        return self.form

    def _visit_submitted(self, view: VisitView) -> None:
        self._say(f"已提交 {view.visited_on} 的走访记录")
        self.reload()

    # ------------------------------------------------------------------ problems
    def selected_problem(self) -> ProblemView | None:
        key = row_key(self.problem_table)
        return next((p for p in self.problems if p.id == key), None)

    def _on_problem(self, fn: Callable[..., Any], *args: Any) -> None:
        p = self.selected_problem()
        if p is None:
            self._say("请先选择一个问题", error=True)
            return
        ops.run_op(self, fn, self.store, self.actor, p.id, *args, on_done=self._problem_done)

    def assign_selected(self) -> None:
        self._on_problem(
            assign_problem, self.handler_kind.currentData(), self.handler.text(), self.today()
        )

    def handle_selected(self) -> None:
        self._on_problem(record_handling, self.problem_note.text(), self.today())

    def confirm_selected(self, solved: bool) -> None:
        self._on_problem(confirm_problem, solved, self.problem_note.text(), self.today())

    def close_selected(self) -> None:
        self._on_problem(close_problem, self.today())

    def _problem_done(self, view: ProblemView | None, error: BaseException | None) -> None:
        if error is not None or view is None:
            self._say(error_message(error) if error else "", error=True)
            return
        deadline = f"，期限 {view.deadline}" if view.deadline else ""
        self._say(f"问题（{view.category_label}）：{view.status_label}{deadline}")
        self.problem_note.clear()
        self.reload()

    def follow_up_selected(self) -> None:
        key = row_key(self.follow_table)
        found = next((f for f in self.follow_ups if f.visit_id == key), None)
        if found is None:
            self._say("请先选择一条家庭变化", error=True)
            return
        member = ""
        if found.change_kind == "death" and found.case_id:
            member, ok = QInputDialog.getText(self, "登记家庭成员死亡", "死亡成员姓名：")
            if not ok:
                return
        ops.run_op(self, open_follow_up, self.store, self.actor, found.visit_id, self.today(),
                   member=member, on_done=self._followed)  # fmt: skip

    def _followed(self, view: VisitView | None, error: BaseException | None) -> None:
        if error is not None or view is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self._say(f"已开启{view.follow_up_label}（走访日期 {view.visited_on}）")
        self.reload()

    # ------------------------------------------------------------------ the ledger
    def _ledger_path(self, kind: str) -> str | None:
        community = self.ledger_community.currentText()
        if not community:
            self._say("没有可导出的社区", error=True)
            return None
        month = month_of(self.month)
        path = self.save_dialog(self, f"走访台账-{community}-{month:%Y%m}.{kind}", kind)
        if path and not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        return path

    def export_ledger(self) -> None:
        path = self._ledger_path("xlsx")
        if path:
            ops.run_op(self, export_ledger_xlsx, self.store, self.actor,
                       self.ledger_community.currentText(), month_of(self.month), Path(path),
                       on_done=lambda n, e: self._ledger_saved(path, n, e))  # fmt: skip

    def print_ledger(self) -> None:
        path = self._ledger_path("pdf")
        if path:
            ops.run_op(self, visit_ledger_pdf, self.store, self.actor,
                       self.ledger_community.currentText(), month_of(self.month),
                       on_done=lambda pdf, e: self._pdf_ready(path, pdf, e))  # fmt: skip

    def _pdf_ready(self, path: str, pdf: bytes | None, error: BaseException | None) -> None:
        if error is None and pdf is not None:
            Path(path).write_bytes(pdf)
        self._ledger_saved(path, None, error)

    def _ledger_saved(self, path: str, _rows: Any, error: BaseException | None) -> None:
        if error is not None:
            self._say(error_message(error), error=True)
            return
        self.last_saved = Path(path)
        self._say(f"走访台账已保存：{path}")

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.ERROR};" if error else "")
