"""The one-line outcome under a form: what was saved, or the error in the theme's colour."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ui import theme


class MessageLine(QLabel):
    """A word-wrapped label that says how the last action went."""

    def __init__(self, object_name: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)

    def say(self, text: str, error: bool = False) -> None:
        """Show ``text``; an error in the error colour."""
        self.setText(text)
        self.setStyleSheet(f"color: {theme.ERROR};" if error else "")
