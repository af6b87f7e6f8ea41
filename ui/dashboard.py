"""工作台: the supervisor's dashboard of deadlines, caseload, new applications, reserve fund
and open warnings; figures read on the writer thread, refreshed when shown and on changes."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.workflow import ROLE_LABELS, SIDE_LABELS, Role, Side
from desktop.money import fmt_yuan
from desktop.services.base import Actor
from desktop.services.cases.deadlines import DueItem
from desktop.services.dashboard.statistics import DashboardData, dashboard_data, state_label
from desktop.store.store import Store
from ui import ops, theme
from ui.dashboard_parts import (
    LegendDonut,
    StatCard,
    fill_table,
    heading,
    read_only_table,
    row_key,
    short_type,
    tiny_state,
    tiny_type,
)
from ui.errors import error_message
from ui.widgets.charts import BarChart, StackedBarChart

WATCHED = {"cases", "households", "reserve_fund", "warnings", "calendar", "benefit_runs", "sync"}
OVERDUE = theme.STATUS_FILL[theme.STATUS_OVERDUE]
DUE_SOON = theme.STATUS_FILL[theme.STATUS_DUE_SOON]
ON_TIME = theme.STATUS_FILL[theme.STATUS_NORMAL]
DUE_HEADERS = ("期限", "剩余工作日", "申请人", "救助类别", "办理环节", "承办", "状态", "申请编号")


def owner_label(owner: str) -> str:
    """E.g. "hukou:surveyor" → 户籍地入户调查员."""
    side, _, role = owner.partition(":")
    try:
        return SIDE_LABELS[Side(side)] + ROLE_LABELS[Role(role)]
    except ValueError:
        return owner or "未指定"


def short_state(code: str) -> str:
    """The state label without its parenthesis, for chart axes (在保（已归档） → 在保)."""
    return state_label(code).split("（")[0]


def days_text(item: DueItem) -> str:
    if item.paused:
        return "暂停计时"
    if item.overdue:
        return f"逾期 {-item.days_left} 天"
    return "今日到期" if item.days_left == 0 else f"{item.days_left} 天"


class DashboardPanel(QWidget):
    """The 工作台 tab of supervisors and administrators."""

    case_requested = Signal(str)
    """Emitted with an application id when a due item is double-clicked."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.fixed_today = today
        self.data: DashboardData | None = None
        self.loads = 0
        self._loading = False
        self._again = False
        self.status = QLabel("")
        self.status.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(self._top_row())
        layout.addLayout(self._cards_row())
        layout.addLayout(self._charts_row(), 5)
        layout.addLayout(self._lists_row(), 5)
        ops.change_bus().watch(self, WATCHED, lambda _kinds: self.refresh())
        self.refresh()

    # ------------------------------------------------------------------ layout
    def _top_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(heading(f"工作台 — {self.actor.office_name}"))
        row.addStretch(1)
        row.addWidget(self.status)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        row.addWidget(refresh)
        return row

    def _cards_row(self) -> QHBoxLayout:
        self.cards = {
            key: StatCard(caption)
            for key, caption in (
                ("open", "在办期限"),
                ("overdue", "已逾期"),
                ("today", "今日到期"),
                ("cases", "在册案件"),
                ("intake", "本月新申请"),
                ("fund", "备用金余额"),
                ("warnings", "待处置预警"),
                ("requests", "诉求逾期未答复"),
            )
        }
        row = QHBoxLayout()
        for card in self.cards.values():
            row.addWidget(card, 1)
        return row

    def _charts_row(self) -> QGridLayout:
        self.deadline_chart = StackedBarChart(title="办理期限")
        self.step_table = read_only_table(("环节 / 承办", "在办", "逾期"), stretch=0)
        self.type_chart = LegendDonut(title="在册案件（按救助类别）", center_label="在册")
        self.state_chart = BarChart(title="在册案件（按办理状态）")
        left = QVBoxLayout()
        self.deadline_chart.setMinimumHeight(122)
        left.addWidget(self.deadline_chart, 1)
        left.addWidget(self.step_table, 2)
        grid = QGridLayout()
        grid.addLayout(left, 0, 0)
        grid.addWidget(self.type_chart, 0, 1)
        grid.addWidget(self.state_chart, 0, 2)
        for col, stretch in enumerate((3, 3, 5)):
            grid.setColumnStretch(col, stretch)
        return grid

    def _lists_row(self) -> QGridLayout:
        due_box = QGroupBox("即将到期和已逾期的案件")
        self.due_table = read_only_table(DUE_HEADERS)
        self.due_table.itemDoubleClicked.connect(self._open_case)
        QVBoxLayout(due_box).addWidget(self.due_table)
        intake_box = QGroupBox("本月新申请")
        self.intake_mode = QComboBox()
        self.intake_mode.addItem("按救助类别", "type")
        self.intake_mode.addItem("按日期", "day")
        self.intake_mode.setAccessibleName("新申请统计方式")
        self.intake_mode.currentIndexChanged.connect(lambda _i: self._show_intake())
        self.intake_chart = BarChart()
        intake = QVBoxLayout(intake_box)
        intake.addWidget(self.intake_mode)
        intake.addWidget(self.intake_chart, 1)
        fund_box = QGroupBox("备用金（最近流水）")
        self.fund_table = read_only_table(("日期", "类型", "金额", "余额", "说明"), stretch=4)
        QVBoxLayout(fund_box).addWidget(self.fund_table)
        grid = QGridLayout()
        grid.addWidget(due_box, 0, 0)
        grid.addWidget(intake_box, 0, 1)
        grid.addWidget(fund_box, 0, 2)
        for col, stretch in enumerate((7, 3, 4)):
            grid.setColumnStretch(col, stretch)
        return grid

    # ------------------------------------------------------------------ data
    def today(self) -> date:
        return self.fixed_today or date.today()

    def refresh(self) -> None:
        """Read the figures again on the writer thread (one job at a time)."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        self.status.setText("正在统计…")
        ops.run_op(
            self,
            dashboard_data,
            self.store,
            self.actor.office_id,
            self.today(),
            on_done=self._loaded,
        )

    def _loaded(self, data: DashboardData | None, error: BaseException | None) -> None:
        self._loading = False
        if error is not None or data is None:
            self.status.setText(error_message(error) if error else "")
            self.status.setStyleSheet(f"color: {theme.ERROR};")
        else:
            self.data = data
            self.loads += 1
            self.status.setStyleSheet("")
            self.status.setText(f"统计日期 {data.today:%Y-%m-%d}")
            self._show(data)
        if self._again:
            self._again = False
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.data is not None:
            self.refresh()

    # ------------------------------------------------------------------ display
    def _show(self, d: DashboardData) -> None:
        s = d.deadlines
        c = self.cards
        c["open"].set(str(s.total), "件有办理期限")
        c["overdue"].set(str(s.overdue), "件超过期限", OVERDUE if s.overdue else None)
        c["today"].set(str(s.due_today), "件今日到期", DUE_SOON if s.due_today else None)
        c["cases"].set(str(d.caseload.total), "件（本街道居住地或户籍地）")
        c["intake"].set(str(d.intake.total), f"{d.intake.month:%Y年%m月}受理")
        c["fund"].set(f"{fmt_yuan(d.reserve.balance)} 元", "临时救助先行支付")
        warn_color = OVERDUE if d.open_warnings else None
        late = f"，其中{d.overdue_warnings}条逾期" if d.overdue_warnings else ""
        c["warnings"].set(str(d.open_warnings), f"条监测预警未处置{late}", warn_color)
        requests_color = OVERDUE if d.overdue_requests else None
        c["requests"].set(str(d.overdue_requests), "条诉求超过答复期限", requests_color)
        later = max(s.total - s.overdue - s.due_today, 0)
        self.deadline_chart.set_data(
            [("逾期", s.overdue, OVERDUE), ("今日到期", s.due_today, DUE_SOON),
             ("未到期", later, ON_TIME)]
        )  # fmt: skip
        self._show_steps(d)
        by_type = d.caseload.by_type
        self.type_chart.set_data([(short_type(k), n, None) for k, n in by_type.items()])
        by_state = d.caseload.by_state
        self.state_chart.set_data([tiny_state(k) for k in by_state], list(by_state.values()))
        self._show_intake()
        self._show_due(d.due)
        fill_table(
            self.fund_table,
            [
                (f"{e.on:%Y-%m-%d}", e.kind_cn, (fmt_yuan(e.amount), OVERDUE if e.amount < 0 else None),
                 fmt_yuan(e.balance), e.note)
                for e in d.reserve.latest
            ],
        )  # fmt: skip

    def _show_steps(self, d: DashboardData) -> None:
        rows: list[tuple[str, str, tuple[str, str | None]]] = []
        for step, (n, late) in sorted(d.deadlines.by_step.items(), key=lambda kv: -kv[1][0]):
            rows.append((step or "未指定环节", str(n), (str(late), OVERDUE if late else None)))
        for owner, (n, late) in sorted(d.by_owner.items()):
            rows.append((f"　{owner_label(owner)}", str(n), (str(late), OVERDUE if late else None)))
        fill_table(self.step_table, rows)

    def _show_intake(self) -> None:
        if self.data is None:
            return
        intake = self.data.intake
        if self.intake_mode.currentData() == "day":
            self.intake_chart.set_data(
                [f"{d.day}日" for d in intake.by_day], list(intake.by_day.values())
            )
        else:
            items = sorted(intake.by_type.items(), key=lambda kv: -kv[1])
            names = [tiny_type(k) for k, _n in items]
            self.intake_chart.set_data(names, [n for _k, n in items])

    def _show_due(self, items: list[DueItem]) -> None:
        rows = []
        for it in items:
            color = OVERDUE if it.overdue else (DUE_SOON if it.days_left <= 3 else None)
            rows.append(
                (f"{it.due:%Y-%m-%d}", (days_text(it), color), it.applicant_name,
                 short_type(it.assistance_type), it.step_cn, it.owner_cn, short_state(it.state),
                 it.number)
            )  # fmt: skip
        fill_table(self.due_table, rows, [it.application_id for it in items])

    def _open_case(self) -> None:
        key = row_key(self.due_table)
        if key:
            self.case_requested.emit(str(key))

    def due_rows(self) -> list[list[str]]:
        """The due table as text (tests, copying)."""
        return _table_text(self.due_table)


def _cell_text(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text() if item is not None else ""


def _table_text(table: QTableWidget) -> list[list[str]]:
    cols = range(table.columnCount())
    return [[_cell_text(table, r, c) for c in cols] for r in range(table.rowCount())]
