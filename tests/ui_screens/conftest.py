"""Fixtures of the window-screen tests: synchronous ops, captured errors, keyboard helpers."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui_fixtures import _ops_clean, captured_errors, sync_ops  # noqa: F401


class Keyboard:
    """Types into whatever widget has the keyboard focus, like a clerk at the window."""

    def __init__(self, qtbot) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        """ASCII as key presses; Chinese as the input method commits it (QTest cannot type it)."""
        if text.isascii():
            self.qtbot.keyClicks(self.focus(), text)
            return
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(self.focus(), event)

    def enter(self, times: int = 1) -> None:
        for _ in range(times):
            self.qtbot.keyClick(self.focus(), Qt.Key.Key_Return)

    def alt(self, key: Qt.Key) -> None:
        self.qtbot.keyClick(self.focus(), key, Qt.KeyboardModifier.AltModifier)

    def field(self, text: str, enter: bool = True) -> None:
        """Type ``text`` into the focused field and press Enter."""
        if text:
            self.type(text)
        if enter:
            self.enter()


@pytest.fixture
def keyboard(qtbot) -> Keyboard:  # type: ignore[no-untyped-def]
    return Keyboard(qtbot)


@pytest.fixture
def pdf_text():  # type: ignore[no-untyped-def]
    """All text of a PDF, read back with pypdf."""

    def read(data: bytes) -> str:
        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)

    return read
