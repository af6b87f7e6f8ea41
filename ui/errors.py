"""The one place that turns any exception into a Chinese message and shows it to the person."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop import errors as de
from desktop.logs import current_log_path, install_excepthooks

log = logging.getLogger(__name__)

# Most specific class first: the first isinstance match gives the dialog title.
_TITLES: tuple[tuple[type[BaseException], str], ...] = (
    (de.DuplicateError, "记录重复"),
    (de.ValidationError, "输入有误"),
    (de.PermissionDenied, "没有权限"),
    (de.NotFound, "记录不存在"),
    (de.WorkflowError, "当前不能办理"),
    (de.ConcurrencyError, "记录已被他人修改"),
    (de.PolicyError, "政策数据问题"),
    (de.WrongKeyError, "密码错误"),
    (de.DamagedStoreError, "数据文件损坏"),
    (de.StoreError, "数据库无法打开"),
    (de.ReportError, "无法生成文件"),
    (de.DeskError, "操作未完成"),
    (OSError, "文件读写失败"),
)
_HINTS: dict[type[BaseException], str] = {
    de.ConcurrencyError: "请刷新后重新操作。",
    de.DamagedStoreError: "请联系管理员从备份恢复，原文件未被改动。",
}


@dataclass(frozen=True)
class ErrorReport:
    """What the person is told: a dialog title, the message and whether it is a program bug."""

    title: str
    message: str
    internal: bool


def describe_error(exc: BaseException) -> ErrorReport:
    """Map any exception to a Chinese title and message; unknown ones are logged with traceback."""
    if isinstance(exc, de.DeskError):
        title = next(t for cls, t in _TITLES if isinstance(exc, cls))
        message = exc.message
        hint = next((h for cls, h in _HINTS.items() if isinstance(exc, cls)), None)
        if hint:
            message = f"{message}\n{hint}"
        return ErrorReport(title, message, internal=False)
    if isinstance(exc, OSError):
        where = f"（{exc.filename}）" if exc.filename else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        return ErrorReport("文件读写失败", f"文件读写失败：{reason}{where}", internal=False)
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return ErrorReport("程序错误", internal_message(exc), internal=True)


def internal_message(exc: BaseException) -> str:
    """The Chinese text of a program bug: what happened and where the log file is."""
    detail = str(exc) or type(exc).__name__
    path = current_log_path()
    where = f"日志文件：{path}" if path is not None else "日志未启用"
    return f"程序内部错误：{detail}\n详细信息已记入日志，请联系管理员。\n{where}"


def error_message(exc: BaseException) -> str:
    """The Chinese message for ``exc`` (ValidationError messages start with the field name)."""
    return describe_error(exc).message


ErrorSink = Callable[[ErrorReport], None]
_sink: ErrorSink | None = None
_last: ErrorReport | None = None


def set_error_sink(sink: ErrorSink | None) -> None:
    """Send reports to ``sink`` instead of opening a message box (tests, batch tools)."""
    global _sink
    _sink = sink


def last_error() -> ErrorReport | None:
    """The last report passed to ``show_error`` (tests read it without a modal loop)."""
    return _last


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox | None:
    """Tell the person what went wrong: a window-modal message box that does not block.

    Returns the box (``None`` when an error sink is set) so callers and tests can close it.
    """
    global _last
    report = describe_error(exc)
    _last = report
    if _sink is not None:
        _sink(report)
        return None
    icon = QMessageBox.Icon.Critical if report.internal else QMessageBox.Icon.Warning
    box = QMessageBox(icon, report.title, report.message, QMessageBox.StandardButton.Ok, parent)
    ok = box.button(QMessageBox.StandardButton.Ok)
    if ok is not None:
        ok.setText("确定")
    box.setObjectName("errorBox")
    box.open()
    return box


class _HookRelay(QObject):
    """Lives on the main thread; an uncaught error of any thread is shown through it."""

    raised = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def _show(self, exc: BaseException) -> None:
        global _last
        report = ErrorReport("程序错误", internal_message(exc), internal=True)
        _last = report
        if _sink is not None:
            _sink(report)
            return
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            report.title,
            report.message,
            QMessageBox.StandardButton.Ok,
            QApplication.activeWindow(),
        )
        box.setObjectName("errorBox")
        box.open()


_hook_relay: _HookRelay | None = None


def install_error_hooks() -> None:
    """Log uncaught exceptions of every thread and tell the person in a Chinese dialog."""
    global _hook_relay
    if _hook_relay is None:
        _hook_relay = _HookRelay()
    relay = _hook_relay
    assert threading.current_thread() is threading.main_thread()
    install_excepthooks(relay.raised.emit)
