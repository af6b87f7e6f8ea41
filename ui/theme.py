"""The calm light theme of the window (one stylesheet) and the case-status colours."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QWidget

STATUS_OVERDUE = "overdue"
STATUS_DUE_SOON = "due_soon"
STATUS_NORMAL = "normal"

STATUS_LABELS: dict[str, str] = {
    STATUS_OVERDUE: "逾期",
    STATUS_DUE_SOON: "临近",
    STATUS_NORMAL: "正常",
}
# Text colours keep a contrast ratio of at least 4.5:1 on white and on their own tint.
STATUS_TEXT: dict[str, str] = {
    STATUS_OVERDUE: "#b3261e",
    STATUS_DUE_SOON: "#8a4b00",
    STATUS_NORMAL: "#1e6b31",
}
STATUS_TINT: dict[str, str] = {
    STATUS_OVERDUE: "#fde7e5",
    STATUS_DUE_SOON: "#fff1d0",
    STATUS_NORMAL: "#e3f2e6",
}
# Strong fills for charts and badges.
STATUS_FILL: dict[str, str] = {
    STATUS_OVERDUE: "#d93025",
    STATUS_DUE_SOON: "#f29900",
    STATUS_NORMAL: "#2e8b46",
}

TEXT = "#1f2328"
MUTED = "#57606a"
WINDOW = "#f6f7f9"
BASE = "#ffffff"
BORDER = "#aab2bd"
ACCENT = "#1a5fb4"
ERROR = STATUS_TEXT[STATUS_OVERDUE]
# Series colours for charts, distinguishable for the common colour-vision deficiencies.
SERIES: tuple[str, ...] = ("#1a5fb4", "#e66100", "#26a269", "#9141ac", "#c01c28", "#865e3c")

STYLESHEET = f"""
QWidget {{ color: {TEXT}; }}
QMainWindow, QDialog {{ background: {WINDOW}; }}
QLineEdit, QDateEdit, QComboBox, QPlainTextEdit, QTextEdit {{
    background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px;
    padding: 4px 6px; min-height: 22px;
    selection-background-color: {ACCENT}; selection-color: #ffffff;
}}
QPlainTextEdit, QTextEdit {{ min-height: 54px; }}
QPlainTextEdit[narrative="true"] {{ min-height: 76px; }}
QLineEdit:focus, QDateEdit:focus, QComboBox:focus,
QPlainTextEdit:focus, QTextEdit:focus {{ border: 2px solid {ACCENT}; }}
QLineEdit[invalid="true"] {{ border: 2px solid {ERROR}; }}
QLabel#fieldError {{ color: {ERROR}; }}
QPushButton {{
    background: {BASE}; border: 1px solid {BORDER}; border-radius: 4px;
    padding: 5px 14px; min-height: 22px;
}}
QPushButton:hover {{ background: #eef3fb; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton:default {{ background: {ACCENT}; color: #ffffff; border-color: {ACCENT}; }}
QPushButton:disabled {{ color: #8c959f; background: #f0f1f3; }}
QTableView, QListView, QTreeView {{
    background: {BASE}; alternate-background-color: #f3f6fa;
    border: 1px solid {BORDER}; gridline-color: #d8dde3;
    selection-background-color: #cfe0f7; selection-color: {TEXT};
}}
QHeaderView::section {{
    background: #e9edf2; border: none; border-right: 1px solid #d0d6dd;
    border-bottom: 1px solid #c3cad3; padding: 5px 6px; font-weight: bold;
}}
QToolTip {{ background: #fffff0; color: {TEXT}; border: 1px solid {BORDER}; }}
QLabel[muted="true"] {{ color: {MUTED}; }}
""" + "".join(
    f'QLabel[status="{key}"] {{ color: {STATUS_TEXT[key]}; background: {STATUS_TINT[key]};'
    f" border-radius: 4px; padding: 2px 8px; font-weight: bold; }}\n"
    for key in STATUS_LABELS
)


def stylesheet() -> str:
    """The application stylesheet text."""
    return STYLESHEET


def apply_theme(app: QApplication) -> None:
    """Apply the theme to the whole application (call once after ``install_app_font``)."""
    app.setStyle("Fusion")
    app.setStyleSheet(STYLESHEET)


def status_color(status: str) -> QColor:
    """Text colour for a case status key (overdue / due_soon / normal)."""
    return QColor(STATUS_TEXT[status])


def status_tint(status: str) -> QColor:
    """Light background colour for a row or badge of that status."""
    return QColor(STATUS_TINT[status])


def set_status(widget: QWidget, status: str | None) -> None:
    """Colour a label as a status badge (``None`` removes it) and re-apply the style."""
    widget.setProperty("status", status or "")
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
