"""Settings reach their consumers at once: print dialogs and the background sync timer."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter

from desktop.settings import update_settings
from ui import ops, print_defaults
from ui.sync_panel import SyncController
from ui.widgets.pdf_preview import ask_printer


def _save(store, actor, values) -> None:  # type: ignore[no-untyped-def]
    ops.run_op(None, update_settings, store, actor, values)  # as the 设置 dialog does


def test_print_dialog_starts_from_the_copies_setting_and_follows_changes(
    qtbot, admin, sync_ops
) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    print_defaults.track(store)
    seen: list[tuple[int, str]] = []

    def dialog(printer: QPrinter, _parent) -> bool:  # type: ignore[no-untyped-def]
        seen.append((printer.copyCount(), printer.printerName()))
        return True

    ask_printer(None, dialog)
    _save(store, actor, {"print_copies": 3})
    ask_printer(None, dialog)
    assert [copies for copies, _name in seen] == [1, 3]
    _save(store, actor, {"printer_name": "窗口激光打印机", "print_copies": 2})
    assert print_defaults.current() == print_defaults.PrintDefaults("窗口激光打印机", 2)
    printer = QPrinter()
    assert not print_defaults.apply(printer), "a printer that is not installed is not forced"
    assert printer.copyCount() == 2


def test_sync_timer_follows_the_interval_setting(qtbot, admin, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    controller = SyncController(store)
    assert controller.timer.interval() == 15 * 60_000
    _save(store, actor, {"sync_interval_min": 40})
    assert controller.timer.interval() == 40 * 60_000
