"""Small charts drawn with QPainter: bar chart, horizontal stacked bar and donut (no QtCharts)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme

Number = int | float | Decimal
Formatter = Callable[[Number], str]


def default_format(value: Number) -> str:
    """Whole numbers without decimals, others with two."""
    number = float(value)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"


class _Chart(QWidget):
    """Shared title, formatter, colours and image rendering."""

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent)
        self.title = title
        self.formatter: Formatter = default_format
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(240, 120))

    def sizeHint(self) -> QSize:
        return QSize(480, 280)

    def render_image(self, size: QSize | None = None) -> QImage:
        """Draw the chart into a white image of ``size`` (default the widget size)."""
        size = size or self.size()
        self.resize(size)
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        self._draw(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        return image

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self._draw(painter, QRectF(self.rect()))
        painter.end()

    def _draw(self, painter: QPainter, rect: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        if self.title:
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            height = QFontMetrics(bold).height() + 8
            painter.setPen(QColor(theme.TEXT))
            painter.drawText(rect.adjusted(8, 4, -8, 0), Qt.AlignmentFlag.AlignLeft, self.title)
            painter.setFont(self.font())
            rect = rect.adjusted(0, height, 0, 0)
        self._draw_body(painter, rect)

    def _draw_body(self, painter: QPainter, rect: QRectF) -> None:
        self._empty(painter, rect)  # concrete charts draw their data here

    def _empty(self, painter: QPainter, rect: QRectF) -> None:
        painter.setPen(QColor(theme.MUTED))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "暂无数据")


class BarChart(_Chart):
    """Vertical bars per category with the value above each bar."""

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent, title)
        self.categories: list[str] = []
        self.values: list[Number] = []
        self.colors: list[QColor] = []

    def set_data(
        self,
        categories: Sequence[str],
        values: Sequence[Number],
        colors: Sequence[str | QColor] | None = None,
    ) -> None:
        """Replace the bars; ``colors`` per bar (default: one calm blue)."""
        if len(categories) != len(values):
            raise ValueError("categories and values differ in length")
        self.categories = list(categories)
        self.values = list(values)
        chosen = list(colors) if colors else [theme.SERIES[0]] * len(values)
        self.colors = [QColor(c) for c in chosen]
        self.update()

    def _draw_body(self, painter: QPainter, rect: QRectF) -> None:
        if not self.values:
            self._empty(painter, rect)
            return
        metrics = QFontMetrics(painter.font())
        line = metrics.height()
        plot = rect.adjusted(12, line + 6, -12, -(line + 10))
        top = max(float(v) for v in self.values) or 1.0
        slot = plot.width() / len(self.values)
        bar_width = min(slot * 0.6, 80.0)
        painter.setPen(QPen(QColor(theme.BORDER), 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        for i, (name, value) in enumerate(zip(self.categories, self.values, strict=True)):
            height = plot.height() * max(float(value), 0.0) / top
            x = plot.left() + slot * i + (slot - bar_width) / 2
            bar = QRectF(x, plot.bottom() - height, bar_width, height)
            painter.fillRect(bar, self.colors[i % len(self.colors)])
            painter.setPen(QColor(theme.TEXT))
            label_rect = QRectF(plot.left() + slot * i, bar.top() - line - 2, slot, line)
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, self.formatter(value))
            name_rect = QRectF(plot.left() + slot * i, plot.bottom() + 4, slot, line + 4)
            elided = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(slot) - 2)
            painter.drawText(
                name_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided
            )


class _PartsChart(_Chart):
    """A chart of parts of a whole: ``(label, value, colour)`` segments and a legend."""

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent, title)
        self.segments: list[tuple[str, Number, QColor]] = []

    def set_data(self, segments: Sequence[tuple[str, Number, str | QColor | None]]) -> None:
        """Replace the segments; a missing colour takes the next series colour."""
        self.segments = [
            (label, value, QColor(color or theme.SERIES[i % len(theme.SERIES)]))
            for i, (label, value, color) in enumerate(segments)
        ]
        self.update()

    def total(self) -> float:
        """Sum of the segment values."""
        return sum(max(float(v), 0.0) for _l, v, _c in self.segments)

    def legend_texts(self) -> list[str]:
        """“label value（percent）” for each segment."""
        total = self.total() or 1.0
        return [
            f"{label} {self.formatter(value)}（{float(value) / total:.0%}）"
            for label, value, _c in self.segments
        ]

    def _draw_legend(self, painter: QPainter, rect: QRectF) -> None:
        metrics = QFontMetrics(painter.font())
        x, y = rect.left(), rect.top()
        for (_label, _value, color), text in zip(self.segments, self.legend_texts(), strict=True):
            width = metrics.horizontalAdvance(text) + 30
            if x + width > rect.right() and x > rect.left():
                x, y = rect.left(), y + metrics.height() + 6
            painter.fillRect(QRectF(x, y + 3, 12, metrics.height() - 6), color)
            painter.setPen(QColor(theme.TEXT))
            painter.drawText(QPointF(x + 16, y + metrics.ascent()), text)
            x += width


class StackedBarChart(_PartsChart):
    """One horizontal bar split into coloured parts, e.g. 逾期 / 临近 / 正常 cases."""

    def _draw_body(self, painter: QPainter, rect: QRectF) -> None:
        total = self.total()
        if total <= 0:
            self._empty(painter, rect)
            return
        metrics = QFontMetrics(painter.font())
        bar = QRectF(
            rect.left() + 12, rect.top() + 8, rect.width() - 24, max(28.0, metrics.height() + 12)
        )
        x = bar.left()
        for _label, value, color in self.segments:
            width = bar.width() * max(float(value), 0.0) / total
            part = QRectF(x, bar.top(), width, bar.height())
            painter.fillRect(part, color)
            text = self.formatter(value)
            if metrics.horizontalAdvance(text) + 6 < width:
                painter.setPen(QColor("#ffffff"))
                painter.drawText(part, Qt.AlignmentFlag.AlignCenter, text)
            x += width
        self._draw_legend(painter, rect.adjusted(12, bar.height() + 20, -12, 0))


class DonutChart(_PartsChart):
    """A ring of parts with the total in the middle."""

    def __init__(
        self, parent: QWidget | None = None, title: str = "", center_label: str = "合计"
    ) -> None:
        super().__init__(parent, title)
        self.center_label = center_label

    def _draw_body(self, painter: QPainter, rect: QRectF) -> None:
        total = self.total()
        if total <= 0:
            self._empty(painter, rect)
            return
        metrics = QFontMetrics(painter.font())
        legend_height = (metrics.height() + 6) * 2
        side = max(10.0, min(rect.width(), rect.height() - legend_height) - 16)
        ring = QRectF(rect.center().x() - side / 2, rect.top() + 8, side, side)
        thickness = max(side * 0.22, 6.0)
        start = 90.0 * 16
        for _label, value, color in self.segments:
            span = -360.0 * 16 * max(float(value), 0.0) / total
            pen = QPen(color, thickness)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            inset = thickness / 2
            painter.drawArc(
                ring.adjusted(inset, inset, -inset, -inset), math.floor(start), math.floor(span)
            )
            start += span
        painter.setPen(QColor(theme.TEXT))
        centre = f"{self.center_label}\n{self.formatter(total)}"
        painter.drawText(ring, Qt.AlignmentFlag.AlignCenter, centre)
        self._draw_legend(
            painter, QRectF(rect.left() + 12, ring.bottom() + 10, rect.width() - 24, legend_height)
        )
