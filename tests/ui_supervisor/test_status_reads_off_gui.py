"""The main window's status bar (未同步 count, calendar warning) reads the store on the writer
thread: a long job there never holds up the window, and the bar fills in after it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from ui import errors, ops
from ui.main_window import MainWindow


@pytest.fixture
def threaded_ops() -> Iterator[None]:
    ops.set_synchronous(False)
    errors.set_error_sink(lambda _r: None)
    yield
    assert ops.wait_idle(10_000)
    errors.set_error_sink(None)


def test_status_bar_reads_are_not_on_the_gui_thread(qtbot, desk, threaded_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    gui = threading.current_thread()
    on_gui: list[str] = []

    def spy(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is gui and ("outbox" in statement or "calendar" in statement):
            on_gui.append(statement)

    event.listen(store.engine, "before_cursor_execute", spy)
    try:
        w = MainWindow(store, actor)
        qtbot.addWidget(w)
        assert ops.wait_idle(10_000)
        on_gui.clear()  # only the status reads are under test here
        release = threading.Event()
        ops.run_op(None, release.wait, 10)  # a long job holds the writer thread
        w.unsynced_label.setText("")
        w.update_status()
        w.update_calendar_warning()
        assert w.unsynced_label.text() == "", "nothing read while the writer is busy"
        release.set()
        qtbot.waitUntil(lambda: w.unsynced_label.text().startswith("未同步："), timeout=5000)
        assert on_gui == []
    finally:
        event.remove(store.engine, "before_cursor_execute", spy)
