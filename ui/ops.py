"""Background work for the UI: a writer thread for the store, a network pool, results on the main thread.

Two executors, as in Anki's task manager: the single writer thread runs every core call that
touches the store (one at a time, in order); the network pool runs work that waits on the hub
and touches the store only through short steps handed to the writer (``run_on_writer``), so a
slow or dead network never holds up a save.

Usage::

    run_op(self, services.save_household, actor, data, on_done=self._saved)
    run_long_op(self, services.archive_batch, ids, on_done=self._archived,
                progress_text="正在归档…")   # fn gets progress= and cancelled= keywords
    run_network_op(self, run_sync, store, on_done=self._synced)  # network pool, no dialog

``on_done(result, error)`` is always called on the main thread with exactly one of the two set
(``error`` is None on success). Without ``on_done`` an error is shown with ``ui.errors``.
A result carrying a ``changed`` set of kind names is published on the shared ``ChangeBus``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop.services.changes import change_kinds

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600
DoneCallback = Callable[[Any, BaseException | None], None]
ProgressCallback = Callable[[int, int, str], None]

NETWORK_WORKERS = 2

_synchronous = False
_pending = 0


class OpHandle:
    """One submitted job: its cancel flag, latest progress, progress dialog and outcome."""

    def __init__(self, label: str | None, cancellable: bool) -> None:
        self.label = label
        self.cancellable = cancellable
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.dialog: QProgressDialog | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._progress: tuple[int, int, str] = (0, 0, label or "")
        self._progress_posted = False
        self._timer: QTimer | None = None
        self.on_progress: ProgressCallback | None = None

    def cancel(self) -> None:
        """Ask the job to stop; the job sees it through ``cancelled()`` and ends cooperatively."""
        self._cancel.set()

    def cancelled(self) -> bool:
        """True once the person (or code) asked the job to stop."""
        return self._cancel.is_set()

    @property
    def progress(self) -> tuple[int, int, str]:
        """The latest ``(done, total, text)`` the job reported."""
        with self._lock:
            return self._progress

    def report(self, done: int, total: int, text: str = "") -> None:
        """Record progress from the worker; at most one update is queued to the main thread."""
        with self._lock:
            self._progress = (done, total, text or self.label or "")
            if self._progress_posted or _synchronous:
                return
            self._progress_posted = True
        _relay().progressed.emit(self)


class _Task:
    def __init__(
        self,
        parent: QWidget | None,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        on_done: DoneCallback | None,
        handle: OpHandle,
    ) -> None:
        self.parent = parent
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.on_done = on_done
        self.handle = handle

    def execute(self) -> None:
        try:
            self.handle.result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # every failure goes back to the caller as ``error``
            self.handle.error = exc

    def run_and_report(self) -> None:
        """Execute on a background thread and queue the delivery to the main thread."""
        self.execute()
        _relay().finished.emit(self)


class _Relay(QObject):
    """Lives on the main thread; signals emitted by the worker are queued to it."""

    finished = Signal(object)
    progressed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(_deliver, Qt.ConnectionType.QueuedConnection)
        self.progressed.connect(_show_progress, Qt.ConnectionType.QueuedConnection)


class _Worker:
    """The single writer thread: takes jobs from a queue and runs them one after another."""

    def __init__(self) -> None:
        self.queue: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="ui-ops-writer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            job()


_relay_obj: _Relay | None = None
_worker_obj: _Worker | None = None
_network_obj: _NetworkPool | None = None
_bus_obj: ChangeBus | None = None


def _relay() -> _Relay:
    global _relay_obj
    if _relay_obj is None:
        _relay_obj = _Relay()
    return _relay_obj


def _worker() -> _Worker:
    global _worker_obj
    _relay()  # created on the calling (main) thread before the worker can emit
    if _worker_obj is None:
        _worker_obj = _Worker()
    return _worker_obj


class _NetworkPool:
    """Daemon threads for network work: a hung request never keeps the program from exiting."""

    def __init__(self, workers: int) -> None:
        self.queue: queue.Queue[_Task] = queue.Queue()
        self.running: set[OpHandle] = set()
        self._lock = threading.Lock()
        for i in range(workers):
            name = f"ui-ops-network-{i}"
            threading.Thread(target=self._loop, name=name, daemon=True).start()

    def _loop(self) -> None:
        while True:
            task = self.queue.get()
            with self._lock:
                self.running.add(task.handle)
            try:
                task.run_and_report()
            finally:
                with self._lock:
                    self.running.discard(task.handle)

    def cancel_all(self) -> None:
        with self._lock:
            handles = list(self.running)
        for handle in handles:
            handle.cancel()


def _network() -> _NetworkPool:
    global _network_obj
    _relay()
    if _network_obj is None:
        _network_obj = _NetworkPool(NETWORK_WORKERS)
        app = QCoreApplication.instance()
        if app is not None:  # quitting cancels a sync still waiting on the hub
            app.aboutToQuit.connect(cancel_network_ops)
    return _network_obj


def cancel_network_ops() -> None:
    """Ask every running network job to stop (on quit, on log out)."""
    if _network_obj is not None:
        _network_obj.cancel_all()


def on_writer_thread() -> bool:
    """True when the calling thread is the writer thread."""
    return _worker_obj is not None and threading.current_thread() is _worker_obj.thread


def set_synchronous(enabled: bool) -> None:
    """Run every job inline in the calling thread (deterministic GUI tests); no dialogs appear."""
    global _synchronous
    _synchronous = enabled


def is_synchronous() -> bool:
    """True when jobs run inline (see ``set_synchronous``)."""
    return _synchronous


def pending_jobs() -> int:
    """Jobs submitted (to either executor) whose ``on_done`` has not run yet."""
    return _pending


def run_op(
    parent: QWidget | None,
    fn: Callable[..., Any],
    *args: Any,
    on_done: DoneCallback | None = None,
    progress_text: str | None = None,
    cancellable: bool = False,
    **kwargs: Any,
) -> OpHandle:
    """Run ``fn(*args, **kwargs)`` on the writer thread; call ``on_done(result, error)`` after.

    With ``progress_text`` a busy dialog shows that text if the job takes longer than 600 ms.
    ``on_done`` is skipped when ``parent`` was deleted meanwhile.
    """
    handle = OpHandle(progress_text, cancellable)
    task = _Task(parent, fn, args, kwargs, on_done, handle)
    _submit(task, show_dialog=progress_text is not None)
    return handle


def run_long_op(
    parent: QWidget | None,
    fn: Callable[..., Any],
    *args: Any,
    on_done: DoneCallback | None = None,
    progress_text: str = "正在处理…",
    cancellable: bool = True,
    **kwargs: Any,
) -> OpHandle:
    """Like ``run_op`` for long jobs: ``fn`` also receives ``progress=`` and ``cancelled=``.

    ``progress(done, total, text)`` updates the dialog (shown only after 600 ms);
    ``cancelled()`` turns True when the person presses 取消; ``fn`` should then stop and return.
    """
    handle = OpHandle(progress_text, cancellable)
    kwargs = {**kwargs, "progress": handle.report, "cancelled": handle.cancelled}
    task = _Task(parent, fn, args, kwargs, on_done, handle)
    _submit(task, show_dialog=True)
    return handle


def run_network_op(
    parent: QWidget | None,
    fn: Callable[..., Any],
    *args: Any,
    on_done: DoneCallback | None = None,
    on_progress: ProgressCallback | None = None,
    **kwargs: Any,
) -> OpHandle:
    """Run network work on the network pool; ``fn`` receives ``progress=`` and ``cancelled=``.

    No dialog opens: the window stays usable and ``on_progress(done, total, text)`` (main
    thread) may show progress in a status line. ``fn`` must reach the store only through
    ``run_on_writer``; ``handle.cancel()`` asks it to stop.
    """
    handle = OpHandle(None, cancellable=True)
    handle.on_progress = on_progress
    kwargs = {**kwargs, "progress": handle.report, "cancelled": handle.cancelled}
    task = _Task(parent, fn, args, kwargs, on_done, handle)
    global _pending
    if _synchronous:
        task.execute()
        _deliver(task)
        return handle
    _pending += 1
    _network().queue.put(task)
    return handle


def run_on_writer[T](fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one short store step on the writer thread and wait for its result (background threads).

    Used by network work between its requests; inline when jobs run synchronously or when
    already on the writer thread. An exception of ``fn`` is raised here.
    """
    if _synchronous or on_writer_thread():
        return fn(*args, **kwargs)
    if threading.current_thread() is threading.main_thread():
        log.warning("run_on_writer called on the main thread; the window waits for the writer")
    done = threading.Event()
    box: list[Any] = []

    def job() -> None:
        try:
            box.append((True, fn(*args, **kwargs)))
        except BaseException as exc:  # handed back to the waiting thread
            box.append((False, exc))
        finally:
            done.set()

    _worker().queue.put(job)
    done.wait()
    ok, value = box[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def _submit(task: _Task, show_dialog: bool) -> None:
    global _pending
    if _synchronous:
        task.execute()
        _deliver(task)
        return
    worker = _worker()
    _pending += 1
    if show_dialog:
        timer = QTimer(_relay())
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: _open_dialog(task))
        timer.start(PROGRESS_DELAY_MS)
        task.handle._timer = timer
    worker.queue.put(task.run_and_report)


def _deliver(task: _Task) -> None:
    global _pending
    handle = task.handle
    handle.done = True
    if not _synchronous:
        _pending -= 1
    if handle._timer is not None:
        handle._timer.stop()
        handle._timer.deleteLater()
        handle._timer = None
    if handle.dialog is not None:
        handle.dialog.hide()
        handle.dialog.deleteLater()
        handle.dialog = None
    if task.parent is not None and not shiboken6.isValid(task.parent):
        log.info("op finished after its window closed; result dropped")
        return
    if task.on_done is not None:
        task.on_done(handle.result, handle.error)
    elif handle.error is not None:
        from ui.errors import show_error

        show_error(task.parent, handle.error)
    if handle.error is None:
        # A core service declares what it changes (@service(changes=...)); a result may add more.
        kinds = set(getattr(task.fn, "changes", ()) or ())
        extra = getattr(handle.result, "changed", None)
        if isinstance(extra, set | frozenset):  # a count or flag named "changed" is not kinds
            kinds |= extra
        if kinds:
            change_bus().publish(kinds)


class _ProgressDialog(QProgressDialog):
    """A progress dialog that cannot be closed by Esc or the title bar unless it is cancellable."""

    def __init__(self, handle: OpHandle, parent: QWidget | None) -> None:
        done, total, text = handle.progress
        super().__init__(text, "取消", 0, max(total, 0), parent)
        self._handle = handle
        self.setWindowTitle("请稍候")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(0)
        self.setMinimumWidth(360)
        if handle.cancellable:
            self.canceled.connect(self._on_cancel)
        else:
            self.setCancelButton(None)  # type: ignore[arg-type]
        self.setValue(min(done, total) if total > 0 else 0)

    def _on_cancel(self) -> None:
        self._handle.cancel()
        self.setLabelText("正在取消，请稍候…")
        self.show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self._handle.cancellable:
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        if self._handle.cancellable:
            self._on_cancel()
        event.ignore()


def _open_dialog(task: _Task) -> None:
    handle = task.handle
    if handle.done or handle.dialog is not None:
        return
    parent = task.parent if task.parent is not None and shiboken6.isValid(task.parent) else None
    handle.dialog = _ProgressDialog(handle, parent)
    handle.dialog.show()


def _show_progress(handle: OpHandle) -> None:
    with handle._lock:
        handle._progress_posted = False
        done, total, text = handle._progress
    if handle.on_progress is not None and not handle.done:
        handle.on_progress(done, total, text)
    dialog = handle.dialog
    if dialog is None or handle.done:
        return
    if dialog.maximum() != max(total, 0):
        dialog.setMaximum(max(total, 0))
    if total > 0:
        dialog.setValue(min(done, total))
    if not handle.cancelled():
        dialog.setLabelText(text)


def wait_idle(timeout_ms: int = 10_000) -> bool:
    """Process events until every submitted job has delivered its result (tests, shutdown)."""
    from PySide6.QtCore import QDeadlineTimer

    deadline = QDeadlineTimer(timeout_ms)
    while pending_jobs() > 0:
        if deadline.hasExpired():
            return False
        QCoreApplication.processEvents()
        threading.Event().wait(0.005)
    return True


class ChangeBus(QObject):
    """Fans out the "changed" sets of services; screens listen and refresh when shown.

    ``changed`` carries a ``set[str]`` of kind names such as {"household", "application"}.
    """

    changed = Signal(object)

    def publish(self, kinds: Iterable[str]) -> None:
        """Emit ``changed`` with the given kinds (nothing when empty)."""
        kinds_set: set[str] = set(change_kinds(kinds))
        if kinds_set:
            self.changed.emit(kinds_set)

    def watch(
        self, widget: QWidget, kinds: Iterable[str], refresh: Callable[[set[str]], None]
    ) -> None:
        """Call ``refresh(kinds)`` when a watched kind changes: now if visible, else when shown.

        ``kinds`` are ``Change`` names; an unknown one fails here, not silently never."""
        _Watcher(self, widget, set(change_kinds(kinds)), refresh)


class _Watcher(QObject):
    def __init__(
        self,
        bus: ChangeBus,
        widget: QWidget,
        kinds: set[str],
        refresh: Callable[[set[str]], None],
    ) -> None:
        super().__init__(widget)
        self._widget = widget
        self._kinds = kinds
        self._refresh = refresh
        self._dirty: set[str] = set()
        bus.changed.connect(self._on_changed)
        widget.installEventFilter(self)

    def _on_changed(self, kinds: set[str]) -> None:
        hit = kinds & self._kinds
        if not hit:
            return
        if self._widget.isVisible():
            self._refresh(hit)
        else:
            self._dirty |= hit

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._widget and event.type() == QEvent.Type.Show and self._dirty:
            dirty, self._dirty = self._dirty, set()
            self._refresh(dirty)
        return False


def change_bus() -> ChangeBus:
    """The application's one ChangeBus (created on first use, on the main thread)."""
    global _bus_obj
    if _bus_obj is None:
        _bus_obj = ChangeBus()
    return _bus_obj
