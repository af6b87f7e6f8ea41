"""A signature pad: the applicant signs with mouse or pen; the strokes export as a cropped PNG."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.errors import ValidationError

INK = QColor("#101820")
PEN_WIDTH = 3.0


class SignatureCanvas(QWidget):
    """The drawing surface; strokes are QPainterPaths in widget coordinates.

    A pen (tablet) that is not handled as a tablet event arrives as mouse events, so both work.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[QPainterPath] = []
        self._current: QPainterPath | None = None
        self.setMinimumSize(QSize(360, 160))
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setAccessibleName("签名区域")

    def strokes(self) -> list[QPainterPath]:
        """Finished strokes plus the one being drawn."""
        return self._strokes + ([self._current] if self._current is not None else [])

    def clear(self) -> None:
        """Remove every stroke."""
        self._strokes.clear()
        self._current = None
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position()
        self._current = QPainterPath(point)
        # A tap must leave a dot: a zero-length segment is drawn as a round cap.
        self._current.lineTo(point + QPointF(0.01, 0.01))
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._current is None or not (event.buttons() & Qt.MouseButton.LeftButton):
            return
        self._current.lineTo(event.position())
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._current is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self._current.lineTo(event.position())
        self._strokes.append(self._current)
        self._current = None
        self.update()
        self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QPen(QColor("#c9ced6"), 1, Qt.PenStyle.DashLine))
        baseline = self.height() - 36
        painter.drawLine(24, baseline, self.width() - 24, baseline)
        if not self.strokes():
            painter.setPen(QColor("#8c959f"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "请在此处签名")
        _draw_strokes(painter, self.strokes())
        painter.end()


def _ink_pen() -> QPen:
    pen = QPen(INK, PEN_WIDTH)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _draw_strokes(painter: QPainter, strokes: list[QPainterPath]) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(_ink_pen())
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for stroke in strokes:
        painter.drawPath(stroke)


class SignaturePad(QWidget):
    """Canvas plus a 清除 button; ``to_png()`` gives the signature cropped with a margin."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, caption: str = "签名") -> None:
        super().__init__(parent)
        self.canvas = SignatureCanvas(self)
        self.clear_button = QPushButton("清除")
        self.clear_button.setToolTip("擦掉重新签名")
        self.clear_button.clicked.connect(self.clear)
        self.canvas.changed.connect(self._on_changed)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(caption))
        bar.addStretch(1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(bar)
        self.clear_button.setEnabled(False)

    def is_empty(self) -> bool:
        """True when nothing has been drawn."""
        return not self.canvas.strokes()

    def clear(self) -> None:
        """Erase the signature."""
        self.canvas.clear()

    def bounding_rect(self) -> QRectF:
        """The area covered by the strokes, including the pen width."""
        rect = QRectF()
        for stroke in self.canvas.strokes():
            rect = rect.united(stroke.controlPointRect())
        half = PEN_WIDTH / 2
        return rect.adjusted(-half, -half, half, half)

    def to_image(self, *, white_background: bool = False, margin: int = 12) -> QImage:
        """Render the strokes into an image cropped to them with ``margin`` pixels around."""
        if self.is_empty():
            raise ValidationError("签名", "还没有签名")
        area = self.bounding_rect().adjusted(-margin, -margin, margin, margin).toAlignedRect()
        image = QImage(area.size(), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("#ffffff") if white_background else Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.translate(-area.topLeft().toPointF())
        _draw_strokes(painter, self.canvas.strokes())
        painter.end()
        return image

    def to_png(self, *, white_background: bool = False, margin: int = 12) -> bytes:
        """PNG bytes of the signature (transparent background unless ``white_background``)."""
        image = self.to_image(white_background=white_background, margin=margin)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]
        buffer.close()
        return bytes(data.data())

    def _on_changed(self) -> None:
        self.clear_button.setEnabled(not self.is_empty())
        self.changed.emit()
