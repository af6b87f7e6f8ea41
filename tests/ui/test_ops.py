"""The background-work helper: one writer thread, (result, error) on the main thread, progress."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from desktop.errors import ValidationError
from ui import ops


def test_result_comes_back_on_the_main_thread(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    outcome: list[tuple[object, object, threading.Thread]] = []
    worker_threads: list[threading.Thread] = []

    def job(a: int, b: int, *, scale: int) -> int:
        worker_threads.append(threading.current_thread())
        return (a + b) * scale

    ops.run_op(
        widget,
        job,
        2,
        3,
        scale=10,
        on_done=lambda r, e: outcome.append((r, e, threading.current_thread())),
    )
    qtbot.waitUntil(lambda: bool(outcome))
    result, error, thread = outcome[0]
    assert (result, error) == (50, None)
    assert thread is threading.main_thread()
    assert worker_threads[0] is not threading.main_thread()


def test_every_job_runs_on_the_same_single_writer_thread_in_order(qtbot) -> None:
    seen: list[tuple[int, int]] = []
    done: list[int] = []
    for i in range(6):
        ops.run_op(
            None,
            lambda i=i: seen.append((i, threading.get_ident())),
            on_done=lambda r, e, i=i: done.append(i),
        )
    qtbot.waitUntil(lambda: len(done) == 6)
    assert [i for i, _t in seen] == list(range(6))
    assert len({t for _i, t in seen}) == 1
    assert done == list(range(6))


def test_an_error_is_delivered_instead_of_a_result(qtbot) -> None:
    outcome: list[tuple[object, object]] = []

    def fails() -> None:
        raise ValidationError("姓名", "不能为空")

    ops.run_op(None, fails, on_done=lambda r, e: outcome.append((r, e)))
    qtbot.waitUntil(lambda: bool(outcome))
    result, error = outcome[0]
    assert result is None
    assert isinstance(error, ValidationError) and error.field == "姓名"


def test_without_on_done_the_error_is_shown(qtbot, captured_errors) -> None:
    ops.run_op(None, lambda: 1 / 0)
    qtbot.waitUntil(lambda: bool(captured_errors))
    assert captured_errors[0].message.startswith("程序内部错误：")


def test_callback_is_dropped_when_the_window_was_closed(qtbot) -> None:
    widget = QWidget()
    called: list[object] = []
    gate = threading.Event()
    ops.run_op(widget, gate.wait, 5, on_done=lambda r, e: called.append(r))
    widget.deleteLater()
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gate.set()
    assert ops.wait_idle()
    assert called == []


def test_synchronous_mode_calls_back_before_returning(sync_ops) -> None:
    outcome: list[tuple[object, object]] = []
    handle = ops.run_op(
        None, lambda: threading.current_thread(), on_done=lambda r, e: outcome.append((r, e))
    )
    assert outcome == [(threading.main_thread(), None)]
    assert handle.done


def test_long_job_gets_progress_and_cancel_and_shows_a_dialog_only_when_slow(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    may_finish = threading.Event()
    outcome: list[tuple[object, object]] = []

    def archive(ids: list[int], *, progress, cancelled) -> list[int]:
        done = []
        for n, case_id in enumerate(ids):
            if cancelled():
                break
            progress(n, len(ids), f"正在归档第{n + 1}件")
            done.append(case_id)
            may_finish.wait(5)
        return done

    handle = ops.run_long_op(
        parent,
        archive,
        [1, 2, 3],
        on_done=lambda r, e: outcome.append((r, e)),
        progress_text="正在归档…",
    )
    qtbot.waitUntil(lambda: handle.dialog is not None and handle.dialog.isVisible(), timeout=5000)
    dialog = handle.dialog
    assert dialog.windowTitle() == "请稍候"
    qtbot.waitUntil(lambda: dialog.labelText() == "正在归档第1件")
    assert dialog.maximum() == 3
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "取消"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert handle.cancelled()
    may_finish.set()
    qtbot.waitUntil(lambda: bool(outcome))
    assert outcome == [([1], None)]
    assert handle.dialog is None


def test_a_fast_job_never_shows_a_dialog(qtbot) -> None:
    outcome: list[object] = []
    handle = ops.run_long_op(
        None,
        lambda *, progress, cancelled: progress(1, 1, "好了") or "ok",
        on_done=lambda r, e: outcome.append(r),
    )
    qtbot.waitUntil(lambda: bool(outcome))
    assert outcome == ["ok"]
    assert handle.dialog is None
    assert handle.progress == (1, 1, "好了")


def test_non_cancellable_busy_dialog_has_no_cancel_button(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(ops, "PROGRESS_DELAY_MS", 0)
    gate = threading.Event()
    handle = ops.run_op(None, gate.wait, 5, progress_text="正在保存…")
    qtbot.waitUntil(lambda: handle.dialog is not None and handle.dialog.isVisible())
    assert handle.dialog.labelText() == "正在保存…"
    assert handle.dialog.findChild(QPushButton) is None
    gate.set()
    qtbot.waitUntil(lambda: handle.done)


class _Saved:
    def __init__(self, changed: set[str]) -> None:
        self.changed = changed


def test_changed_set_of_a_result_fans_out_on_the_bus(qtbot, sync_ops) -> None:
    received: list[set[str]] = []
    ops.change_bus().changed.connect(received.append)
    try:
        ops.run_op(None, lambda: _Saved({"households", "cases"}), on_done=lambda r, e: None)
        ops.run_op(None, lambda: 1 / 0, on_done=lambda r, e: None)
    finally:
        ops.change_bus().changed.disconnect(received.append)
    assert received == [{"households", "cases"}]


def test_watcher_refreshes_visible_screens_now_and_hidden_ones_when_shown(qtbot) -> None:
    bus = ops.ChangeBus()
    shown, hidden = QWidget(), QWidget()
    qtbot.addWidget(shown)
    qtbot.addWidget(hidden)
    shown.show()
    calls: dict[str, list[set[str]]] = {"shown": [], "hidden": []}
    bus.watch(shown, {"cases"}, calls["shown"].append)
    bus.watch(hidden, {"cases", "households"}, calls["hidden"].append)
    bus.publish({"cases", "audit"})
    bus.publish({"households"})
    bus.publish(set())
    assert calls["shown"] == [{"cases"}]
    assert calls["hidden"] == []
    hidden.show()
    assert calls["hidden"] == [{"cases", "households"}]


@pytest.mark.parametrize("flag", [True, False])
def test_is_synchronous_reflects_the_setting(flag: bool) -> None:
    ops.set_synchronous(flag)
    assert ops.is_synchronous() is flag


def test_a_result_counting_its_changes_is_not_taken_for_change_kinds(qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import dataclass

    @dataclass
    class Report:
        changed: int

    def job() -> Report:
        return Report(changed=3)

    job.changes = frozenset({"benefit_runs"})  # type: ignore[attr-defined]
    seen: list[set[str]] = []
    ops.change_bus().changed.connect(seen.append)
    results: list[object] = []
    ops.run_op(None, job, on_done=lambda r, e: results.append((r, e)))
    ops.change_bus().changed.disconnect(seen.append)
    assert results == [(Report(3), None)]
    assert seen == [{"benefit_runs"}]


def test_network_work_runs_beside_the_writer_and_hands_store_steps_to_it(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    release = threading.Event()
    seen: dict[str, str] = {}
    outcome: list[tuple[object, object]] = []

    def network_job(*, progress, cancelled) -> str:  # type: ignore[no-untyped-def]
        seen["net"] = threading.current_thread().name
        step = ops.run_on_writer(lambda: threading.current_thread().name)
        seen["step"] = step
        release.wait(5)  # stands for a slow request
        return "synced"

    ops.run_network_op(widget, network_job, on_done=lambda r, e: outcome.append((r, e)))
    writer_done: list[object] = []
    qtbot.waitUntil(lambda: "step" in seen)
    ops.run_op(widget, lambda: "saved", on_done=lambda r, e: writer_done.append(r))
    qtbot.waitUntil(lambda: bool(writer_done))  # the save does not wait for the network job
    assert writer_done == ["saved"] and not outcome
    assert seen["net"].startswith("ui-ops-network") and seen["step"] == "ui-ops-writer"
    release.set()
    qtbot.waitUntil(lambda: bool(outcome))
    assert outcome == [("synced", None)]


def test_quitting_cancels_running_network_work(qtbot) -> None:
    outcome: list[object] = []

    def wait_for_cancel(*, progress, cancelled) -> str:  # type: ignore[no-untyped-def]
        while not cancelled():
            threading.Event().wait(0.01)
        return "stopped"

    ops.run_network_op(None, wait_for_cancel, on_done=lambda r, e: outcome.append(r))
    qtbot.wait(50)
    QCoreApplication.instance().aboutToQuit.emit()  # what QApplication.quit() sends
    qtbot.waitUntil(lambda: bool(outcome), timeout=2000)
    assert outcome == ["stopped"]
