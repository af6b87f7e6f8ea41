"""A sync stuck on a dead network never holds up the window or a save, and cancels promptly."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit

from desktop.settings import get_setting, update_settings
from desktop.store.store import Store
from sync.client import SyncSummary
from sync.state import HUB_URL, TOKEN, put, relaxed
from sync.transport import HttpClient, HttpSettings, SyncCancelled
from ui import errors, ops
from ui.sync_panel import SyncController, SyncPanel

STALL_LIMIT_S = 0.1


@pytest.fixture
def threaded_ops() -> Iterator[list[errors.ErrorReport]]:
    ops.set_synchronous(False)
    reports: list[errors.ErrorReport] = []
    errors.set_error_sink(reports.append)
    yield reports
    assert ops.wait_idle(10_000)
    errors.set_error_sink(None)


class BlackHole:
    """A loopback listener that takes connections and never answers."""

    def __init__(self) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.setblocking(False)
        self.accepted: list[socket.socket] = []

    def url(self) -> str:
        host, port = self.listener.getsockname()
        return f"http://{host}:{port}"

    def took_connection(self) -> bool:
        try:
            conn, _addr = self.listener.accept()
        except BlockingIOError:
            return bool(self.accepted)
        self.accepted.append(conn)
        return True

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.listener.close()


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    yield hole
    hole.close()


def _point_at(store: Store, hole: BlackHole) -> None:
    with relaxed(store) as conn:
        put(conn, HUB_URL, hole.url())
        put(conn, TOKEN, "token-of-this-desk")


class StallMeter:
    """A 10 ms timer on the main thread that records the longest gap between its ticks."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.monotonic()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def stop(self) -> None:
        self.timer.stop()


def test_save_goes_through_while_the_sync_waits_on_a_dead_hub(
    qtbot, threaded_ops, admin, black_hole
) -> None:
    store, actor = admin
    _point_at(store, black_hole)
    controller = SyncController(store)
    panel = SyncPanel(store, actor, controller)
    qtbot.addWidget(panel)
    finished: list[object] = []
    controller.finished.connect(finished.append)
    controller.sync_now()
    assert controller.busy and panel.sync_button.text() == "取消同步"
    qtbot.waitUntil(black_hole.took_connection, timeout=5000)

    meter = StallMeter()
    form = QLineEdit()
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form, "022-12345")
    saved: list[object] = []
    ops.run_op(
        form,
        update_settings,
        store,
        actor,
        {"office_hotline": form.text()},
        on_done=lambda result, error: saved.append(error or result),
    )
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    qtbot.wait(200)  # let the meter run a little longer while the sync still hangs
    meter.stop()
    assert saved == [{"office_hotline": "022-12345"}], "the save waited behind the sync"
    assert get_setting(store, "office_hotline") == "022-12345"
    assert controller.busy and not finished, "the sync ended before the save (not hanging)"
    assert meter.longest < STALL_LIMIT_S, f"the window stalled {meter.longest:.3f} s"

    qtbot.waitUntil(panel.sync_button.isEnabled)  # the tab read its status meanwhile
    panel.sync_button.click()  # 取消同步
    qtbot.waitUntil(lambda: bool(finished), timeout=2000)
    assert panel.sync_button.text() == "立即同步"
    summary = finished[0]
    assert isinstance(summary, SyncSummary) and summary.cancelled and not controller.busy
    assert threaded_ops == []


def test_retry_wait_gives_up_when_cancelled() -> None:
    """A refused port with a long backoff: cancelling ends the request, not the retry budget."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now: every attempt is refused at once
    http = HttpClient(HttpSettings(attempts=6, backoff_initial_s=5, backoff_max_s=5))
    deadline = time.monotonic() + 0.3
    with pytest.raises(SyncCancelled):
        http.request(
            "GET", f"http://127.0.0.1:{port}/", cancelled=lambda: time.monotonic() > deadline
        )


def test_registering_with_a_dead_hub_does_not_hold_up_a_save(
    qtbot, threaded_ops, admin, black_hole
) -> None:
    store, actor = admin
    panel = SyncPanel(store, actor, SyncController(store))
    qtbot.addWidget(panel)
    panel.url_edit.setText(black_hole.url())
    panel.code_edit.setText("ABCD-EFGH")
    handle = panel.register()
    qtbot.waitUntil(black_hole.took_connection, timeout=5000)
    saved: list[object] = []
    ops.run_op(
        panel,
        update_settings,
        store,
        actor,
        {"window_address": "友谊路35号"},
        on_done=lambda result, error: saved.append(error or result),
    )
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    assert saved == [{"window_address": "友谊路35号"}] and not panel.register_button.isEnabled()
    handle.cancel()
    qtbot.waitUntil(panel.register_button.isEnabled, timeout=2000)
    assert threaded_ops == [], "a cancelled registration is not reported as an error"
