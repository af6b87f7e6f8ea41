"""政策参数 page: the dated policy rows by key, compared with the city's table the last sync
brought; administrators add a new period (e.g. next year's 低保标准), correct a row with a
reason, or adopt the city's table. Errors name the field in Chinese."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.policy.keys import value_hint
from desktop.services.base import Actor, Role
from desktop.services.policy.policy_admin import (
    CityComparison,
    PolicyRowInput,
    PolicyRowView,
    add_policy_row,
    adopt_city_policy,
    compare_with_city,
    correct_policy_row,
    list_policy_rows,
    policy_key_labels,
)
from desktop.store.store import Store
from ui import ops
from ui.dashboard_parts import fill_table, month_edit, month_of, read_only_table, row_key
from ui.errors import error_message
from ui.widgets.message import MessageLine

HEADERS = ("政策参数", "参数值", "生效日期", "失效日期", "适用地区", "依据来源", "修改人")


def _next_year_start() -> date:
    return date(date.today().year + 1, 1, 1)


class PolicyRowsPage(QWidget):
    """List rows of one key (or all); add and correct for administrators only."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.rows: list[PolicyRowView] = []
        self.labels = policy_key_labels()
        self.key_filter = QComboBox()
        self.key_filter.setAccessibleName("政策参数筛选")
        self.key_filter.addItem("全部政策参数", "")
        for key, label in self.labels.items():
            self.key_filter.addItem(label, key)
        self.key_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.table = read_only_table(HEADERS, stretch=5)
        self.table.currentCellChanged.connect(lambda *_a: self._row_selected())
        self.message = MessageLine("policyMessage")
        top = QHBoxLayout()
        top.addWidget(QLabel("政策参数："))
        top.addWidget(self.key_filter, 1)
        self.editable = actor.role == Role.ADMIN
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._city_box())
        layout.addWidget(self.table, 1)
        if self.editable:
            forms = QHBoxLayout()
            forms.addWidget(self._add_box(), 1)
            forms.addWidget(self._correct_box(), 1)
            layout.addLayout(forms)
        else:
            note = QLabel("政策参数只能由系统管理员录入和更正。")
            note.setProperty("muted", True)
            layout.addWidget(note)
        layout.addWidget(self.message)
        ops.change_bus().watch(self, {"policy", "sync"}, lambda _k: self.reload())
        self.reload()

    # ------------------------------------------------------------------ forms
    def _city_box(self) -> QGroupBox:
        box = QGroupBox("与市级平台对照")
        self.city_status = QLabel("正在对照…")
        self.city_status.setObjectName("cityPolicyStatus")
        self.city_status.setWordWrap(True)
        self.city_differences = QPlainTextEdit()
        self.city_differences.setReadOnly(True)
        self.city_differences.setAccessibleName("与市级平台不同的政策参数")
        self.city_differences.setMaximumHeight(96)
        self.city_differences.hide()
        row = QHBoxLayout()
        row.addWidget(self.city_status, 1)
        self.adopt_button = QPushButton("采用市级政策参数")
        self.adopt_button.setToolTip("以市级平台的政策参数表替换本机的表（记入操作日志）")
        self.adopt_button.clicked.connect(self.adopt_city)
        self.adopt_button.setVisible(self.editable)
        self.adopt_button.setEnabled(False)
        row.addWidget(self.adopt_button)
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(self.city_differences)
        return box

    def confirm_adopt(self, count: int) -> bool:
        """Ask before replacing the table; 否 (the default) keeps it."""
        answer = QMessageBox.question(
            self, "采用市级政策参数",
            f"以市级平台的政策参数表替换本机的表？共 {count} 项不同，此后的核算按市级参数计算。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def adopt_city(self) -> None:
        count = len(self.city_differences.toPlainText().splitlines())
        if not self.confirm_adopt(count):
            return
        ops.run_op(self, adopt_city_policy, self.store, self.actor, on_done=self._adopted)

    def _adopted(self, rows: int | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self._say(f"已采用市级政策参数，共 {rows} 行")
        self.reload()

    def _compared(self, found: CityComparison | None, error: BaseException | None) -> None:
        if error is not None or found is None:
            self.city_status.setText(error_message(error) if error else "")
            return
        self.city_status.setText(found.message())
        self.city_differences.setPlainText("\n".join(found.differences))
        self.city_differences.setVisible(bool(found.differences))
        self.adopt_button.setEnabled(bool(found.differences))

    def _add_box(self) -> QGroupBox:
        box = QGroupBox("新增时段（如下一年度的低保标准）")
        self.new_key = QComboBox()
        for key, label in self.labels.items():
            self.new_key.addItem(label, key)
        self.new_value = QLineEdit()
        self.new_key.currentIndexChanged.connect(
            lambda _i: self.new_value.setPlaceholderText(value_hint(self.new_key.currentData()))
        )
        self.new_from = month_edit(_next_year_start())
        self.new_until = month_edit(_next_year_start())
        self.new_open = QCheckBox("长期有效")
        self.new_open.setChecked(True)
        self.new_until.setEnabled(False)
        self.new_open.toggled.connect(lambda on: self.new_until.setEnabled(not on))
        until = QHBoxLayout()
        until.addWidget(self.new_until, 1)
        until.addWidget(self.new_open)
        self.new_district = QLineEdit()
        self.new_district.setPlaceholderText("全市适用请留空；区适用填6位区划代码")
        self.new_source = QLineEdit()
        self.new_source.setPlaceholderText("如：津民发〔2025〕12号")
        self.add_button = QPushButton("新增")
        self.add_button.clicked.connect(self.add_row)
        form = QFormLayout(box)
        form.addRow("政策参数", self.new_key)
        form.addRow("参数值", self.new_value)
        form.addRow("生效月份", self.new_from)
        form.addRow("失效月份（含）", until)
        form.addRow("适用地区", self.new_district)
        form.addRow("依据来源", self.new_source)
        form.addRow("", self.add_button)
        return box

    def _correct_box(self) -> QGroupBox:
        box = QGroupBox("更正所选行（录入错误时使用）")
        self.fix_value = QLineEdit()
        self.fix_source = QLineEdit()
        self.fix_reason = QLineEdit()
        self.fix_reason.setPlaceholderText("必填：为什么更正")
        self.fix_button = QPushButton("更正")
        self.fix_button.clicked.connect(self.correct_row)
        self.fix_target = QLabel("请先在上表中选择一行")
        self.fix_target.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow("所选行", self.fix_target)
        form.addRow("参数值", self.fix_value)
        form.addRow("依据来源", self.fix_source)
        form.addRow("更正原因", self.fix_reason)
        form.addRow("", self.fix_button)
        return box

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        key = self.key_filter.currentData() or None
        ops.run_op(self, list_policy_rows, self.store, self.actor, key, on_done=self._listed)
        ops.run_op(self, compare_with_city, self.store, self.actor, on_done=self._compared)

    def _listed(self, rows: list[PolicyRowView] | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.rows = rows
        fill_table(
            self.table,
            [
                (r.label, r.value_text, r.effective_from.isoformat(),
                 r.effective_to.isoformat() if r.effective_to else "长期",
                 r.district or "全市", r.source, r.changed_by)
                for r in rows
            ],
            [r.id for r in rows],
        )  # fmt: skip

    def selected_row(self) -> PolicyRowView | None:
        key = row_key(self.table)
        return next((r for r in self.rows if r.id == key), None)

    def _row_selected(self) -> None:
        if not self.editable:
            return
        row = self.selected_row()
        if row is None:
            self.fix_target.setText("请先在上表中选择一行")
            return
        until = row.effective_to.isoformat() if row.effective_to else "长期"
        self.fix_target.setText(f"{row.label}：{row.effective_from.isoformat()} 至 {until}")
        self.fix_value.setText(row.value_text)
        self.fix_value.setPlaceholderText(value_hint(row.key))
        self.fix_source.setText(row.source)

    def new_input(self) -> PolicyRowInput:
        """What the add form says."""
        until = None
        if not self.new_open.isChecked():
            last = month_of(self.new_until)
            until = last.replace(day=monthrange(last.year, last.month)[1])
        return PolicyRowInput(
            key=self.new_key.currentData(),
            value=self.new_value.text().strip(),
            effective_from=month_of(self.new_from),
            effective_to=until,
            district=self.new_district.text().strip() or None,
            source=self.new_source.text().strip(),
        )

    def add_row(self) -> None:
        data = self.new_input()
        ops.run_op(self, add_policy_row, self.store, self.actor, data, on_done=self._added)

    def _added(self, view: PolicyRowView | None, error: BaseException | None) -> None:
        if error is not None or view is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self._say(f"已新增：{view.label} = {view.value}，自 {view.effective_from.isoformat()} 起")
        self.new_value.clear()
        self.reload()

    def correct_row(self) -> None:
        row = self.selected_row()
        if row is None:
            self._say("所选行：请先在上表中选择要更正的行", error=True)
            return
        ops.run_op(
            self,
            correct_policy_row,
            self.store,
            self.actor,
            row.id,
            reason=self.fix_reason.text(),
            value=self.fix_value.text().strip(),
            source=self.fix_source.text().strip(),
            on_done=self._corrected,
        )

    def _corrected(self, view: PolicyRowView | None, error: BaseException | None) -> None:
        if error is not None or view is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self._say(f"已更正：{view.label} = {view.value}")
        self.fix_reason.clear()
        self.reload()

    def set_new_from(self, day: date) -> None:
        """Pick the first month of the new period (tests, shortcuts)."""
        self.new_from.setDate(QDate(day.year, day.month, 1))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.say(text, error)
