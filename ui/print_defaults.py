"""The 默认打印机 and 默认打印份数 settings as every print dialog starts from them (kept current live)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from desktop.settings import get_setting
from desktop.store.store import Store
from ui import ops


@dataclass(frozen=True)
class PrintDefaults:
    """The printer to preselect ("" = the system default) and the number of copies."""

    printer_name: str = ""
    copies: int = 1


_current = PrintDefaults()
_store: Store | None = None
_watching = False


def current() -> PrintDefaults:
    """The defaults last read from the settings."""
    return _current


def read_defaults(store: Store) -> PrintDefaults:
    """Read both settings from the store (runs on the writer thread)."""
    name = str(get_setting(store, "printer_name"))
    return PrintDefaults(name, int(get_setting(store, "print_copies")))


def track(store: Store) -> None:
    """Load the defaults of ``store`` now and again whenever the settings change."""
    global _store, _watching
    _store = store
    if not _watching:
        ops.change_bus().changed.connect(_on_changed)
        _watching = True
    _reload()


def _on_changed(kinds: set[str]) -> None:
    if "settings" in kinds:
        _reload()


def _reload() -> None:
    if _store is not None:
        ops.run_op(None, read_defaults, _store, on_done=_loaded)


def _loaded(result: Any, error: BaseException | None) -> None:
    global _current
    if error is None:
        _current = result


def apply(printer: QPrinter, defaults: PrintDefaults | None = None) -> bool:
    """Preselect the default printer and copies; False when the named printer is not installed."""
    chosen = defaults or _current
    printer.setCopyCount(max(1, chosen.copies))
    if not chosen.printer_name:
        return True
    if chosen.printer_name not in QPrinterInfo.availablePrinterNames():
        return False
    printer.setPrinterName(chosen.printer_name)
    return True
