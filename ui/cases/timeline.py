"""The case page's history (steps, documents, survey) and its running deadlines in colour."""

from __future__ import annotations

from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.domain.workflow import Deadline
from desktop.services.cases.case_views import TimelineItem
from ui import theme

DUE_SOON_WORKING_DAYS = 2
KIND_CN = {"step": "办理", "document": "材料", "survey": "调查"}


def setup_table(table: QTableWidget, headers: list[str]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)


def deadline_status(d: Deadline) -> str | None:
    """overdue (red) / due_soon (amber) / None, as in the case list."""
    if d.paused:
        return None
    if d.overdue or d.days_left < 0:
        return theme.STATUS_OVERDUE
    if d.days_left <= DUE_SOON_WORKING_DAYS:
        return theme.STATUS_DUE_SOON
    return None


def days_left_text(d: Deadline) -> str:
    """剩余 N 个工作日 / 逾期 N 个工作日 / 暂停计时."""
    if d.paused:
        return "暂停计时（待补正）"
    if d.days_left < 0:
        return f"逾期 {-d.days_left} 个工作日"
    if d.days_left == 0:
        return "今天到期"
    return f"剩余 {d.days_left} 个工作日"


class TimelineTable(QTableWidget):
    """Every event in order: date, what happened, who, role and office."""

    HEADERS = ["日期", "类别", "事项", "办理人", "角色", "街道"]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_table(self, self.HEADERS)
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def set_items(self, items: list[TimelineItem], office_names: dict[str, str]) -> None:
        """Show ``items`` (already in order)."""
        self.setRowCount(len(items))
        for row, item in enumerate(items):
            day = item.on or item.at.date()
            office = (
                office_names.get(item.office_code, item.office_code) if item.office_code else ""
            )
            values = [
                day.isoformat(),
                KIND_CN.get(item.kind, item.kind),
                item.summary,
                item.actor_name,
                item.role_cn,
                office,
            ]
            for col, text in enumerate(values):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.setItem(row, col, cell)


class DeadlineTable(QTableWidget):
    """Running deadlines with working days left; overdue red, due soon amber."""

    HEADERS = ["环节", "责任方", "起算日", "截止日", "剩余时间"]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_table(self, self.HEADERS)
        self.statuses: list[str | None] = []

    def set_deadlines(self, deadlines: list[Deadline]) -> None:
        """Show the deadlines, earliest first."""
        self.setRowCount(len(deadlines))
        self.statuses = []
        for row, d in enumerate(deadlines):
            status = deadline_status(d)
            self.statuses.append(status)
            values = [
                d.step_cn,
                d.owner_cn,
                d.started_on.isoformat(),
                d.due.isoformat(),
                days_left_text(d) + (f"（{d.warning_cn}）" if d.warning_cn else ""),
            ]
            for col, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if status is not None:
                    cell.setForeground(QBrush(theme.status_color(status)))
                    cell.setBackground(QBrush(theme.status_tint(status)))
                self.setItem(row, col, cell)
