"""Windows that fit the screen they open on (a 1366×768 office PC included) and remember where
the person left them; Qt's own dialogs in Chinese."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

ORGANIZATION = "jiuzhu-desk"
APPLICATION = "jiuzhu-desk"
# Room left for the title bar and the window frame that the window manager adds.
FRAME_ALLOWANCE = (16, 40)
QT_TRANSLATOR = "qtbaseZhCN"


def window_settings() -> QSettings:
    """Per-machine window settings (geometry), kept apart from the encrypted store."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                     APPLICATION)  # fmt: skip


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width``×``height``, or less so that it fits, frame included, on
    the available area of its screen; the minimum size shrinks with it."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        widget.resize(width, height)
        return
    area = screen.availableGeometry()
    max_w = area.width() - FRAME_ALLOWANCE[0]
    max_h = area.height() - FRAME_ALLOWANCE[1]
    minimum = widget.minimumSize()
    widget.setMinimumSize(min(minimum.width(), max_w), min(minimum.height(), max_h))
    widget.resize(min(width, max_w), min(height, max_h))
    frame = widget.frameGeometry()
    if not area.contains(frame):
        widget.move(area.x() + max(0, (area.width() - frame.width()) // 2),
                    area.y() + max(0, (area.height() - frame.height()) // 2))  # fmt: skip


def restore_geometry(widget: QWidget, key: str, width: int, height: int) -> None:
    """Put ``widget`` where it was last time under ``key``; else (or if that no longer fits
    this screen) ``fit_to_screen``."""
    saved = window_settings().value(key)
    if isinstance(saved, QByteArray | bytes) and widget.restoreGeometry(QByteArray(saved)):
        screen = widget.screen() or QGuiApplication.primaryScreen()
        if screen is None or screen.availableGeometry().contains(widget.frameGeometry()):
            return
    fit_to_screen(widget, width, height)


def save_geometry(widget: QWidget, key: str) -> None:
    """Remember where ``widget`` is (size, position, maximised) under ``key``."""
    settings = window_settings()
    settings.setValue(key, widget.saveGeometry())
    settings.sync()


def install_chinese_qt(app: QApplication) -> QTranslator | None:
    """Qt's own texts (file and print dialogs, 确定/取消/是/否) in Simplified Chinese, from
    the qtbase_zh_CN translations that ship with PySide6; once per application."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    existing = app.findChild(QTranslator, QT_TRANSLATOR)
    if existing is not None:
        return existing
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    translator.setObjectName(QT_TRANSLATOR)
    if not translator.load("qtbase_zh_CN", folder):
        translator.deleteLater()
        return None
    app.installTranslator(translator)
    return translator
