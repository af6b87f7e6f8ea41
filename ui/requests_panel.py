"""诉求登记: requests of this office from every channel, with their reply deadline; a
码上办 pre-application is accepted (受理) here, others are answered, referred or declined."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.ids import mask_id, mask_phone
from desktop.domain.policy.codes import REQUEST_CHANNELS
from desktop.services.base import Actor
from desktop.services.outreach.service_requests import (
    OUTCOMES,
    STATUSES,
    URGENCIES,
    WRITERS,
    RequestInput,
    RequestView,
    accept_request,
    answer_request,
    export_request_stats_xlsx,
    list_requests,
    log_request,
)
from desktop.store.store import Store
from ui import ops, theme
from ui.dashboard_parts import fill_table, filter_bar, read_only_table, row_key
from ui.errors import error_message
from ui.widgets.message import MessageLine


def ask_xlsx_path(parent: QWidget | None, name: str) -> str | None:
    """The system save dialog for an Excel file."""
    path, _filter = QFileDialog.getSaveFileName(parent, "导出诉求统计", name, "Excel 文件 (*.xlsx)")
    return path or None


HEADERS = ("收到日期", "渠道", "来电（来访）人", "联系电话", "诉求", "答复期限", "状态", "编号")


class RequestsPanel(QWidget):
    """The office's requests with a status filter, the log form and the handling buttons."""

    def __init__(
        self, store: Store, actor: Actor, parent: QWidget | None = None, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.fixed_today = today
        self.requests: list[RequestView] = []
        self.save_dialog: Callable[[QWidget | None, str], str | None] = ask_xlsx_path
        self.last_export: Path | None = None
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("办理状态")
        self.status_filter.addItem("待受理", "open")
        self.status_filter.addItem("全部", None)
        for code, label in STATUSES.items():
            if code != "open":
                self.status_filter.addItem(label, code)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.table = read_only_table(HEADERS, stretch=4)
        self.table.currentCellChanged.connect(lambda *_a: self._selected())
        self.count_label = QLabel("")
        self.message = MessageLine("requestMessage")
        self.export_button = QPushButton("导出本月统计")
        self.export_button.setToolTip("本月诉求按渠道和办理结果统计（Excel）")
        self.export_button.clicked.connect(self.export_stats)
        top = filter_bar(
            f"诉求登记 — {actor.office_name}",
            self.count_label,
            self.status_filter,
            self.export_button,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        if actor.role in WRITERS:
            forms = QHBoxLayout()
            forms.addWidget(self._handle_box(), 1)
            forms.addWidget(self._log_box(), 1)
            layout.addLayout(forms)
        layout.addWidget(self.message)
        ops.change_bus().watch(self, {"requests", "sync"}, lambda _k: self.reload())
        self.reload()

    def today(self) -> date:
        return self.fixed_today or date.today()

    def _handle_box(self) -> QGroupBox:
        box = QGroupBox("办理所选诉求")
        self.target = QLabel("请先在上表中选择一条诉求")
        self.target.setWordWrap(True)
        self.accept_button = QPushButton("受理申请")
        self.accept_button.setToolTip("码上办预申请：建立家庭和申请并受理")
        self.accept_button.clicked.connect(self.accept_selected)
        self.reply = QPlainTextEdit()
        self.reply.setAccessibleName("答复内容")
        self.reply.setFixedHeight(60)
        self.outcome = QComboBox()
        self.outcome.setAccessibleName("办理结果")
        for code, label in OUTCOMES.items():
            if code != "application":
                self.outcome.addItem(label, code)
        self.answer_button = QPushButton("保存答复")
        self.answer_button.clicked.connect(self.answer_selected)
        form = QFormLayout(box)
        form.addRow("诉求", self.target)
        form.addRow("", self.accept_button)
        form.addRow("答复内容", self.reply)
        row = QHBoxLayout()
        row.addWidget(self.outcome, 1)
        row.addWidget(self.answer_button)
        form.addRow("办理结果", row)
        return box

    def _log_box(self) -> QGroupBox:
        box = QGroupBox("登记新诉求")
        self.channel = QComboBox()
        self.channel.setAccessibleName("来源渠道")
        for code, label in REQUEST_CHANNELS.items():
            if code != "qr":
                self.channel.addItem(label, code)
        self.caller = QLineEdit()
        self.caller.setAccessibleName("来电（来访）人")
        self.phone = QLineEdit()
        self.phone.setAccessibleName("联系电话")
        self.need = QPlainTextEdit()
        self.need.setAccessibleName("诉求内容")
        self.need.setFixedHeight(60)
        self.urgency = QComboBox()
        self.urgency.setAccessibleName("紧急程度")
        for code, label in URGENCIES.items():
            self.urgency.addItem(label, code)
        self.log_button = QPushButton("登记")
        self.log_button.clicked.connect(self.log_new)
        form = QFormLayout(box)
        form.addRow("来源渠道", self.channel)
        form.addRow("来电（来访）人", self.caller)
        form.addRow("联系电话", self.phone)
        form.addRow("诉求内容", self.need)
        row = QHBoxLayout()
        row.addWidget(self.urgency, 1)
        row.addWidget(self.log_button)
        form.addRow("紧急程度", row)
        return box

    # ------------------------------------------------------------------ data
    def reload(self) -> None:
        status = self.status_filter.currentData()
        ops.run_op(
            self, list_requests, self.store, self.actor.office_code, status, on_done=self._listed
        )

    def _listed(self, rows: list[RequestView] | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.requests = rows
        today = self.today()
        self.count_label.setText(f"共 {len(rows)} 条")
        fill_table(
            self.table,
            [
                (r.received_on.isoformat(), r.channel_label, r.caller_name,
                 self._phone(r.phone), r.need,
                 (r.reply_due.isoformat() if r.reply_due else "",
                  theme.ERROR if r.overdue(today) else None),
                 (r.status_label, theme.ERROR if r.status == "open" else None),
                 r.reference)
                for r in rows
            ],
            [r.id for r in rows],
        )  # fmt: skip
        self._selected()

    def _phone(self, phone: str) -> str:
        return phone if self.actor.sees_full_personal_data() else mask_phone(phone)

    def selected_request(self) -> RequestView | None:
        key = row_key(self.table)
        return next((r for r in self.requests if r.id == key), None)

    def _selected(self) -> None:
        if self.actor.role not in WRITERS:
            return
        r = self.selected_request()
        if r is None:
            self.target.setText("请先在上表中选择一条诉求")
        else:
            number = r.id_number if self.actor.sees_full_personal_data() else mask_id(r.id_number)
            who = f"{r.caller_name}（{number}）" if number else r.caller_name
            self.target.setText(f"{r.channel_label}：{who}，{r.need}")
        is_open = r is not None and r.status == "open"
        self.accept_button.setEnabled(is_open and bool(r and r.details.get("members")))
        self.answer_button.setEnabled(is_open)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.say(text, error)

    def _done(self, view: RequestView | None, error: BaseException | None) -> None:
        if error is not None or view is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self._say(f"已保存：{view.caller_name}，{view.status_label}。{view.reply}")
        self.reload()

    # ------------------------------------------------------------------ actions
    def accept_selected(self) -> None:
        r = self.selected_request()
        if r is not None:
            ops.run_op(
                self, accept_request, self.store, self.actor, r.id, self.today(),
                on_done=self._done,
            )  # fmt: skip

    def answer_selected(self) -> None:
        r = self.selected_request()
        if r is not None:
            ops.run_op(
                self, answer_request, self.store, self.actor, r.id,
                self.reply.toPlainText(), self.outcome.currentData(), self.today(),
                on_done=self._done,
            )  # fmt: skip

    def export_stats(self) -> None:
        """Save this month's statistics by channel and outcome where the person chooses."""
        month = self.today().replace(day=1)
        path = self.save_dialog(self, f"诉求统计-{month:%Y%m}.xlsx")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        ops.run_op(
            self, export_request_stats_xlsx, self.store, self.actor.office_code, month, path,
            on_done=self._exported,
        )  # fmt: skip

    def _exported(self, path: Path | None, error: BaseException | None) -> None:
        if error is not None or path is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.last_export = path
        self._say(f"诉求统计已导出：{path}")

    def log_new(self) -> None:
        data = RequestInput(
            channel=self.channel.currentData(),
            caller_name=self.caller.text(),
            phone=self.phone.text(),
            need=self.need.toPlainText(),
            received_on=self.today(),
            urgency=self.urgency.currentData(),
        )
        ops.run_op(self, log_request, self.store, self.actor, data, on_done=self._logged)

    def _logged(self, view: RequestView | None, error: BaseException | None) -> None:
        if error is None and view is not None:
            self.caller.clear()
            self.phone.clear()
            self.need.clear()
        self._done(view, error)
