"""Fixtures of the window-screen tests: synchronous ops, captured errors, keyboard helpers."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from ui import errors, ops


@pytest.fixture(autouse=True)
def _ops_clean() -> Iterator[None]:
    ops.set_synchronous(False)
    yield
    assert ops.wait_idle(10_000)
    ops.set_synchronous(False)


@pytest.fixture
def sync_ops() -> Iterator[None]:
    """Run every core call inline so the screens are deterministic."""
    ops.set_synchronous(True)
    yield
    ops.set_synchronous(False)


@pytest.fixture
def captured_errors() -> Iterator[list[errors.ErrorReport]]:
    """Error reports that would have opened a message box."""
    reports: list[errors.ErrorReport] = []
    errors.set_error_sink(reports.append)
    yield reports
    errors.set_error_sink(None)


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
