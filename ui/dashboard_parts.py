"""Small building blocks of the supervisor screens: figure cards, read-only tables, month picker."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.widgets.charts import DonutChart
from ui.widgets.fields import CHINESE

Cell = str | tuple[str, str | None]
"""A table cell: text, or (text, text colour)."""


class StatCard(QFrame):
    """A labelled figure: caption, big value, a muted line underneath."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"QFrame#statCard {{ background: {theme.BASE}; border: 1px solid {theme.BORDER};"
            " border-radius: 6px; }"
        )
        self.caption = QLabel(caption)
        self.caption.setProperty("muted", True)
        self.value = QLabel("—")
        self.value.setObjectName("statValue")
        self.value.setStyleSheet("font-size: 22px; font-weight: bold; border: none;")
        self.note = QLabel("")
        self.note.setProperty("muted", True)
        for label in (self.caption, self.note):
            label.setStyleSheet(f"color: {theme.MUTED}; border: none;")
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 12, 8)
        column.setSpacing(2)
        column.addWidget(self.caption)
        column.addWidget(self.value)
        column.addWidget(self.note)

    def set(self, value: str, note: str = "", color: str | None = None) -> None:
        """Show ``value`` (optionally coloured) and the line underneath."""
        self.value.setText(value)
        self.value.setStyleSheet(
            f"font-size: 22px; font-weight: bold; border: none; color: {color or theme.TEXT};"
        )
        self.note.setText(note)


def read_only_table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    """A table people read and select rows in, but do not edit."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return table


def fill_table(
    table: QTableWidget, rows: Sequence[Sequence[Cell]], keys: Sequence[object] = ()
) -> None:
    """Replace the rows; ``keys[i]`` is stored on the first cell of row i (UserRole)."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            text, color = (cell, None) if isinstance(cell, str) else cell
            item = QTableWidgetItem(text)
            if color:
                item.setForeground(QColor(color))
            if text[:1] in "-+0123456789¥" and any(ch.isdigit() for ch in text):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c == 0 and r < len(keys):
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)


def row_key(table: QTableWidget) -> object | None:
    """The key stored on the current row (see ``fill_table``), or None."""
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def month_edit(value: date | None = None) -> QDateEdit:
    """A month picker shown as yyyy年MM月."""
    edit = QDateEdit()
    edit.setLocale(CHINESE)
    edit.setDisplayFormat("yyyy年MM月")
    day = value or date.today()
    edit.setDate(QDate(day.year, day.month, 1))
    edit.setAccessibleName("月份")
    return edit


def month_of(edit: QDateEdit) -> date:
    """The first day of the month picked in ``edit``."""
    value: date = edit.date().toPython()  # type: ignore[assignment]
    return value.replace(day=1)


def heading(text: str) -> QLabel:
    """A bold section title."""
    label = QLabel(text)
    label.setStyleSheet("font-weight: bold; font-size: 15px;")
    return label


def filter_bar(title: str, count: QLabel, *widgets: QWidget) -> QHBoxLayout:
    """An inbox's top line: its title, the row count and the filters (and buttons) after 显示："""
    top = QHBoxLayout()
    top.addWidget(heading(title))
    top.addStretch(1)
    top.addWidget(count)
    top.addWidget(QLabel("显示："))
    for widget in widgets:
        top.addWidget(widget)
    return top


SHORT_TYPES = {
    "dibao": "低保",
    "tekun": "特困供养",
    "bianyuan": "低保边缘",
    "linshi_jinan": "临时救助·急难",
    "linshi_zhichu": "临时救助·支出",
    "gangxing": "刚性支出困难",
}


TINY_TYPES = {
    "dibao": "低保",
    "tekun": "特困",
    "bianyuan": "边缘",
    "linshi_jinan": "急难",
    "linshi_zhichu": "支出",
    "gangxing": "刚性",
}
TINY_STATES = {
    "new": "待受理",
    "supplementing": "待补正",
    "accepted": "已受理",
    "investigating": "调查中",
    "preliminary_review": "待初审",
    "notice_pending": "待公示",
    "in_notice": "公示中",
    "appraisal": "待评议",
    "confirming": "待确认",
    "confirmed": "待发放",
    "refused": "不予",
    "paying": "在保",
    "gradual_exit": "渐退",
    "aid_paid": "先行救助",
    "backfilled": "已补办",
    "stopped": "停发",
    "closed": "办结",
    "withdrawn": "撤回",
}


def tiny_type(code: str) -> str:
    """A two- or three-character name of an assistance type for narrow chart axes."""
    return TINY_TYPES.get(code, code)


def tiny_state(code: str) -> str:
    """A short name of a case state for chart axes."""
    return TINY_STATES.get(code, code)


def short_type(code: str) -> str:
    """A short name of an assistance type for charts and narrow columns."""
    return SHORT_TYPES.get(code, code)


class LegendDonut(DonutChart):
    """A donut that leaves as many legend lines as its segments need (not a fixed two)."""

    def _legend_lines(self, width: float, metrics: QFontMetrics) -> int:
        lines, x = 1, 0.0
        for text in self.legend_texts():
            item = metrics.horizontalAdvance(text) + 30
            if x + item > width and x > 0:
                lines, x = lines + 1, 0.0
            x += item
        return lines

    def _draw_body(self, painter: QPainter, rect: QRectF) -> None:
        total = self.total()
        if total <= 0:
            self._empty(painter, rect)
            return
        metrics = QFontMetrics(painter.font())
        legend_height = (metrics.height() + 6) * self._legend_lines(rect.width() - 24, metrics)
        side = max(10.0, min(rect.width(), rect.height() - legend_height) - 16)
        ring = QRectF(rect.center().x() - side / 2, rect.top() + 8, side, side)
        thickness = max(side * 0.22, 6.0)
        start = 90.0 * 16
        inset = thickness / 2
        for _label, value, color in self.segments:
            span = -360.0 * 16 * max(float(value), 0.0) / total
            pen = QPen(color, thickness)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            arc = ring.adjusted(inset, inset, -inset, -inset)
            painter.drawArc(arc, math.floor(start), math.floor(span))
            start += span
        painter.setPen(QColor(theme.TEXT))
        painter.drawText(
            ring, Qt.AlignmentFlag.AlignCenter, f"{self.center_label}\n{self.formatter(total)}"
        )
        self._draw_legend(
            painter, QRectF(rect.left() + 12, ring.bottom() + 10, rect.width() - 24, legend_height)
        )
