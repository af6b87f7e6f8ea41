"""节假日调整 page: this office's working-day overrides (holidays and make-up working days);
adding or removing one re-counts the stored deadlines and says how many moved."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.calendar import HOLIDAY, WORKDAY
from desktop.services.base import Actor
from desktop.services.policy.calendar_admin import (
    CALENDAR_ADMINS,
    KINDS,
    OverrideChange,
    OverrideView,
    add_calendar_override,
    calendar_warning,
    list_calendar_overrides,
    remove_calendar_override,
)
from desktop.store.store import Store
from ui import ops, theme
from ui.dashboard_parts import fill_table, read_only_table, row_key
from ui.errors import error_message
from ui.widgets.fields import DateField
from ui.widgets.message import MessageLine

WEEKDAYS = "一二三四五六日"


class CalendarPage(QWidget):
    """The office's override days; supervisors and administrators add and remove them."""

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
        self.overrides: list[OverrideView] = []
        self.last_moved: int | None = None
        self.warning = QLabel("")
        self.warning.setObjectName("calendarPageWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {theme.STATUS_TEXT[theme.STATUS_DUE_SOON]};")
        self.table = read_only_table(("日期", "星期", "调整类型", "说明"), stretch=3)
        self.message = MessageLine("calendarMessage")
        hint = QLabel(
            "国务院公布的全国节假日已内置；这里录入尚未收录的年份或本街道的特殊安排。"
            "保存后，本街道在办案件的办理期限会按新的工作日重新计算。"
        )
        hint.setWordWrap(True)
        hint.setProperty("muted", True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        if actor.role in CALENDAR_ADMINS:
            layout.addWidget(self._form())
        layout.addWidget(self.message)
        ops.change_bus().watch(self, {"calendar"}, lambda _k: self.reload())
        self.reload()

    def _form(self) -> QGroupBox:
        box = QGroupBox("添加或删除调整")
        self.day = DateField("调整日期", value=self.today())
        self.kind = QComboBox()
        self.kind.setAccessibleName("调整类型")
        self.kind.addItem(KINDS[HOLIDAY], HOLIDAY)
        self.kind.addItem(KINDS[WORKDAY], WORKDAY)
        self.note = QLineEdit()
        self.note.setPlaceholderText("说明，如：春节")
        self.note.setAccessibleName("说明")
        self.add_button = QPushButton("添加")
        self.add_button.clicked.connect(self.add_override)
        self.remove_button = QPushButton("删除所选")
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout(box)
        row.addWidget(self.day)
        row.addWidget(self.kind)
        row.addWidget(self.note, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        return box

    def today(self) -> date:
        return self.fixed_today or date.today()

    def reload(self) -> None:
        ops.run_op(
            self, list_calendar_overrides, self.store, self.actor.office_id, on_done=self._listed
        )
        text = calendar_warning(self.store, self.today(), self.actor.office_id)
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))

    def _listed(self, rows: list[OverrideView] | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.overrides = rows
        fill_table(
            self.table,
            [
                (r.day.isoformat(), f"星期{WEEKDAYS[r.day.weekday()]}", r.kind_cn, r.note)
                for r in rows
            ],
            [r.day.isoformat() for r in rows],
        )

    def add_override(self) -> None:
        ops.run_op(
            self,
            add_calendar_override,
            self.store,
            self.actor,
            self.day.value(),
            self.kind.currentData(),
            self.note.text(),
            today=self.today(),
            on_done=self._added,
        )

    def _added(self, change: OverrideChange | None, error: BaseException | None) -> None:
        if error is not None or change is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.last_moved = change.deadlines_changed
        o = change.override
        self._say(
            f"已将 {o.day.isoformat()} 设为{o.kind_cn}；"
            f"重新计算后 {change.deadlines_changed} 件案件的办理期限有变化。"
        )
        self.note.clear()
        self.reload()

    def remove_selected(self) -> None:
        key = row_key(self.table)
        if not key:
            self._say("调整日期：请先在表中选择要删除的一天", error=True)
            return
        day = date.fromisoformat(str(key))
        ops.run_op(
            self,
            remove_calendar_override,
            self.store,
            self.actor,
            day,
            today=self.today(),
            on_done=lambda moved, e: self._removed(day, moved, e),
        )

    def _removed(self, day: date, moved: int | None, error: BaseException | None) -> None:
        if error is not None or moved is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.last_moved = moved
        self._say(f"已删除 {day.isoformat()} 的调整；重新计算后 {moved} 件案件的办理期限有变化。")
        self.reload()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.say(text, error)
