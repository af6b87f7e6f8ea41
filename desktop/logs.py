"""The desk's log: a rotating file in the data folder, personal numbers masked, uncaught errors logged.

``setup_logging(data_dir)`` is called once at start (window and ``main.py --sync``);
``install_excepthooks(on_error)`` sends every uncaught exception of any thread to the log and
then to ``on_error`` (the window shows a Chinese dialog naming the log file).
Code logs events and ids, never names, ID numbers or phone numbers; ``MaskPersonalData`` is the
safety net that masks 15/18-digit ID numbers and 11-digit mobile numbers in every record.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

LOG_DIR = "logs"
LOG_FILE = "desk.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
QUIET_LOGGERS = ("alembic", "urllib3")
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"

# Digits not glued to other digits: an 18-digit ID (last may be X), a 15-digit ID, a mobile.
_ID18 = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_ID15 = re.compile(r"(?<!\d)(\d{6})\d{6}(\d{3})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")

_handler: RotatingFileHandler | None = None
ErrorHook = Callable[[BaseException], None]


def mask_personal(text: str) -> str:
    """``text`` with ID numbers and mobile numbers masked (first and last digits kept)."""
    text = _ID18.sub(r"\1********\2", text)
    text = _ID15.sub(r"\1******\2", text)
    return _MOBILE.sub(r"\1****\2", text)


class MaskPersonalData(logging.Filter):
    """Masks personal numbers in the message, its arguments and the traceback of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


def log_path(data_dir: Path) -> Path:
    """Where the log of the desk with this data folder is written."""
    return data_dir / LOG_DIR / LOG_FILE


def current_log_path() -> Path | None:
    """The file the log goes to now (None before ``setup_logging``)."""
    return Path(_handler.baseFilename) if _handler is not None else None


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send the root logger to ``<data_dir>/logs/desk.log`` (rotating); repeat calls replace it."""
    global _handler
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(MaskPersonalData())
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in QUIET_LOGGERS:  # migration chatter at every start says nothing useful
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    _handler = handler
    logging.captureWarnings(True)
    return path


def stop_logging() -> None:
    """Detach and close the log file handler (tests, a data folder switched at run time)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def install_excepthooks(on_error: ErrorHook | None = None) -> None:
    """Log every uncaught exception (main thread and other threads), then call ``on_error``."""
    log = logging.getLogger("desk.uncaught")

    def report(
        kind: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("uncaught exception in %s", where, exc_info=(kind, exc, tb))
        if on_error is not None:
            try:
                on_error(exc)
            except Exception:  # the hook must never raise itself
                log.exception("error hook failed")

    def main_hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        report(kind, exc, tb, "main thread")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "thread"
        report(args.exc_type, args.exc_value, args.exc_traceback, name)

    sys.excepthook = main_hook
    threading.excepthook = thread_hook
