"""Helpers of the case-page tests: demo cases by number, PDF text, Chinese input, pen strokes."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy import select

from desktop.store.models import Application
from desktop.store.store import Store

# Demo store (seed 7), office 河西区友谊路街道 (120103001) holds both sides of these cases.
INVESTIGATING = "120103001-2026-00001"  # 低保, 核对调查中, survey step due
CONFIRMING = "120103001-2026-00005"  # 低保, 待审核确认
# 一城通办: lives here, registered at 河西区东海街道, in payment — the other office holds it.
SPLIT_PAYING = "120103012-2026-00001"


def case_id(store: Store, number: str) -> str:
    with store.sessions.read() as s:
        found = s.scalar(select(Application.id).where(Application.number == number))
    assert found, number
    return found


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def commit_text(widget: QWidget, text: str) -> None:
    """Chinese text as the input method commits it (QTest cannot type it)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _mouse(kind: QMouseEvent.Type, widget: QWidget, point: QPointF, button, buttons) -> None:  # type: ignore[no-untyped-def]
    event = QMouseEvent(kind, point, QPointF(widget.mapToGlobal(point.toPoint())), button,
                        buttons, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, event)


def draw_stroke(canvas: QWidget, points: list[tuple[int, int]]) -> None:
    """Press, move with the left button held, release: one pen stroke."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _mouse(QMouseEvent.Type.MouseButtonPress, canvas, QPointF(QPoint(*points[0])), left, left)
    for x, y in points[1:]:
        _mouse(QMouseEvent.Type.MouseMove, canvas, QPointF(x, y), none, left)
    _mouse(QMouseEvent.Type.MouseButtonRelease, canvas, QPointF(*points[-1]), left, none)


def answer_message_box(button: QMessageBox.StandardButton, attempts: int = 500) -> list[str]:
    """Press ``button`` on the next modal message box (its text is appended to the list)."""
    seen: list[str] = []

    def poll(left: int) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.button(button) is not None:
            seen.append(box.text())
            box.button(button).click()
        elif left:
            QTimer.singleShot(10, lambda: poll(left - 1))

    QTimer.singleShot(0, lambda: poll(attempts))
    return seen
