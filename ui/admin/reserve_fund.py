"""备用金 page: the office reserve fund's balance and ledger; supervisors and administrators
record deposits (拨入) and adjustments (调整, signed, with a reason)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.money import fmt_yuan
from desktop.services.base import Actor
from desktop.services.payment.reserve_fund import (
    FUND_MANAGERS,
    FundEntryView,
    adjust_reserve_fund,
    deposit_reserve_fund,
    reserve_ledger,
)
from desktop.store.store import Store
from ui import ops, theme
from ui.dashboard_parts import fill_table, read_only_table
from ui.errors import error_message
from ui.widgets.fields import DateField
from ui.widgets.message import MessageLine

HEADERS = ("日期", "类型", "金额（元）", "余额（元）", "说明", "经办人")


class ReserveFundPage(QWidget):
    """Balance, the ledger newest first, and the deposit / adjust forms for fund managers."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.entries: list[FundEntryView] = []
        self.balance = QLabel("余额：—")
        self.balance.setObjectName("fundBalance")
        self.balance.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.table = read_only_table(HEADERS, stretch=4)
        self.message = MessageLine("fundMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.balance)
        layout.addWidget(self.table, 1)
        if actor.role in FUND_MANAGERS:
            layout.addWidget(self._form())
        layout.addWidget(self.message)
        ops.change_bus().watch(self, {"reserve_fund"}, lambda _k: self.reload())
        self.reload()

    def _form(self) -> QGroupBox:
        box = QGroupBox("拨入或调整备用金")
        self.on = DateField("日期", value=date.today(), maximum=date.today())
        self.amount = QLineEdit()
        self.amount.setAccessibleName("金额")
        self.amount.setPlaceholderText("拨入填正数；调整可填负数，如 -200.00")
        self.note = QLineEdit()
        self.note.setAccessibleName("说明")
        self.note.setPlaceholderText("拨入说明；调整时必须写明原因")
        self.deposit_button = QPushButton("拨入")
        self.adjust_button = QPushButton("调整")
        self.deposit_button.clicked.connect(self.deposit)
        self.adjust_button.clicked.connect(self.adjust)
        grid = QGridLayout(box)
        grid.addWidget(QLabel("日期"), 0, 0)
        grid.addWidget(self.on, 0, 1)
        grid.addWidget(QLabel("金额（元）"), 0, 2)
        grid.addWidget(self.amount, 0, 3)
        grid.addWidget(QLabel("说明 / 调整原因"), 1, 0)
        grid.addWidget(self.note, 1, 1, 1, 3)
        grid.addWidget(self.deposit_button, 0, 4)
        grid.addWidget(self.adjust_button, 1, 4)
        grid.setColumnStretch(3, 1)
        return box

    def reload(self) -> None:
        ops.run_op(self, reserve_ledger, self.store, self.actor.office_id, on_done=self._listed)

    def _listed(self, rows: list[FundEntryView] | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.entries = list(reversed(rows))
        current = rows[-1].balance if rows else Decimal("0.00")
        self.balance.setText(f"{self.actor.office_name} 备用金余额：{fmt_yuan(current)} 元")
        fill_table(
            self.table,
            [
                (e.on.isoformat(), e.kind_cn,
                 (fmt_yuan(e.amount), theme.ERROR if e.amount < 0 else None),
                 fmt_yuan(e.balance), e.note, e.actor)
                for e in self.entries
            ],
        )  # fmt: skip

    def current_balance(self) -> Decimal:
        """The balance shown (after the last reload)."""
        return self.entries[0].balance if self.entries else Decimal("0.00")

    def deposit(self) -> None:
        ops.run_op(
            self, deposit_reserve_fund, self.store, self.actor, self.amount.text().strip(),
            self.on.value(), self.note.text(), on_done=self._saved,
        )  # fmt: skip

    def adjust(self) -> None:
        ops.run_op(
            self, adjust_reserve_fund, self.store, self.actor, self.amount.text().strip(),
            self.on.value(), self.note.text(), on_done=self._saved,
        )  # fmt: skip

    def _saved(self, entry: FundEntryView | None, error: BaseException | None) -> None:
        if error is not None or entry is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self._say(
            f"已记录{entry.kind_cn} {fmt_yuan(entry.amount)} 元，余额 {fmt_yuan(entry.balance)} 元"
        )
        self.amount.clear()
        self.note.clear()
        self.reload()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.say(text, error)
