"""The 同步 tab and the background sync: registration, outbox by state, open conflicts.

The sync runs on the network pool (``ops.run_network_op``); its store steps queue on the
writer thread between the person's own saves, so the window never waits on the network.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.base import ALL_ROLES, Actor, Role
from desktop.services.cases.case_numbers import renumber_refused_case, renumberable_cases
from desktop.settings import get_setting
from desktop.store.outbox import OutboxState
from desktop.store.store import Store
from sync.admin import (
    OUTBOX_STATES,
    SyncStatus,
    list_outbox,
    list_quarantined,
    register_device,
    sync_status,
)
from sync.client import NotRegistered, SyncSummary, client_from_settings
from sync.resolution import get_conflict, list_conflicts
from sync.transport import SyncCancelled
from ui import errors, ops
from ui.conflicts_dialog import ConflictsDialog

OUTBOX_COLUMNS = ["序号", "类别", "记录编号", "操作", "状态", "尝试次数", "原因"]
CONFLICT_COLUMNS = ["类别", "记录编号", "发现于", "不同的字段"]
QUARANTINE_COLUMNS = ["隔离时间", "类别", "记录编号", "原因"]
OPS_LABELS = {"upsert": "新增或修改", "delete": "删除"}
CONFIRM_RENUMBER = (
    "案件 {number} 因编号与市级平台上的另一案件重复被拒绝上传。\n\n"
    "重新编号后，原编号 {number} 作废；该编号可能已打印在受理回执、通知书或档案上，"
    "请收回或在纸质材料上更正。此操作记入操作日志。\n\n确定为该案件重新编号吗？"
)


def run_sync(store: Store, progress: Any = None, cancelled: Any = None) -> SyncSummary:
    """One sync with the registered hub: network on this (pool) thread, store steps on the writer."""
    client = client_from_settings(store, run_db=ops.run_on_writer)
    return client.sync_once(progress, cancelled)


run_sync.changes = frozenset({"sync", "cases", "households", "persons", "documents"})  # type: ignore[attr-defined]


def _register(
    store: Store, actor: Actor, url: str, code: str, name: str, progress: Any, cancelled: Any
) -> SyncStatus:
    """register_device with its store steps on the writer thread (runs on the network pool)."""
    return register_device(
        store, actor, url, code, name, run_db=ops.run_on_writer, cancelled=cancelled
    )


_register.changes = register_device.changes  # type: ignore[attr-defined]


def _timer_setup(store: Store) -> tuple[bool, int]:
    """Whether the desk is registered and the sync interval setting (minutes)."""
    return sync_status(store).registered, int(get_setting(store, "sync_interval_min"))


class SyncController(QObject):
    """Runs a sync now or every 自动同步间隔 minutes (the setting, applied live); reports to the window."""

    finished = Signal(object)  # SyncSummary or the error
    busy_changed = Signal(bool)

    def __init__(self, store: Store, window: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.window = store, window
        self.busy = False
        self.last: SyncSummary | None = None
        self.handle: ops.OpHandle | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.sync_now)
        self._reload_timer()
        ops.change_bus().changed.connect(self._on_changed)

    def _on_changed(self, kinds: set[str]) -> None:
        if "settings" in kinds:
            self._reload_timer()

    def _reload_timer(self) -> None:
        ops.run_op(self.window, _timer_setup, self.store, on_done=self._timer_loaded)

    def _timer_loaded(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            errors.show_error(self.window, error)
            return
        registered, minutes = result
        self.timer.setInterval(max(1, minutes) * 60_000)  # keeps running with the new interval
        if registered and not self.timer.isActive():
            self.timer.start()

    def sync_now(self) -> None:
        """Start a sync unless one runs; the desk's registration is checked by the sync itself."""
        if self.busy:
            return
        self._set_busy(True)
        self.handle = ops.run_network_op(
            self.window,
            run_sync,
            self.store,
            on_done=self._done,
            on_progress=self._progress,
        )

    def toggle(self) -> None:
        """立即同步 when idle, 取消同步 while a sync runs (the button and the toolbar action)."""
        if self.busy:
            self.cancel()
        else:
            self.sync_now()

    def cancel(self) -> None:
        """Ask the running sync to stop; it ends at its next step (within a fraction of a second)."""
        if self.handle is not None and self.busy:
            self.handle.cancel()
            self._status("正在取消同步…")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if not busy:
            self.handle = None
        self.busy_changed.emit(busy)
        if busy:
            self._status("正在与市级平台同步…")

    def _status(self, text: str) -> None:
        if self.window is not None and hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(text, 15_000)

    def _progress(self, done: int, total: int, text: str) -> None:
        self._status(f"正在同步：{text} {done}/{total}" if total else f"正在同步：{text}")

    def _set_online(self, online: bool, detail: str) -> None:
        if self.window is not None and hasattr(self.window, "set_online"):
            self.window.set_online(online, detail)

    def _done(self, result: Any, error: BaseException | None) -> None:
        self._set_busy(False)
        if isinstance(error, NotRegistered):
            self._set_online(False, "未注册")
            self.finished.emit(error)
            return
        if error is not None:
            self._set_online(False, "同步出错")
            self._status("同步出错：" + errors.error_message(error))  # no dialog every interval
            self.finished.emit(error)
            return
        self.last = result
        online = not any("无法连接" in e or "暂时不可用" in e for e in result.errors)
        self._set_online(online, "已同步" if result.ok else "同步未完成")
        self._status(result.text())
        if self.window is not None and hasattr(self.window, "update_status"):
            self.window.update_status()
        if not self.timer.isActive():
            self.timer.start()
        self.finished.emit(result)


def _table(columns: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    return table


class SyncPanel(QWidget):
    """Status, 立即同步, registration (admin), the outbox by state and the open conflicts."""

    def __init__(
        self, store: Store, actor: Actor, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.controller = store, actor, controller
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.status_label = QLabel()
        self.sync_button = QPushButton("立即同步")
        self.sync_button.clicked.connect(controller.toggle)
        self.sync_button.setEnabled(False)
        controller.busy_changed.connect(self._busy_changed)
        top.addWidget(self.status_label, 1)
        top.addWidget(self.sync_button)
        layout.addLayout(top)
        self.register_box = self._register_box()
        layout.addWidget(self.register_box)
        self.state_filter = QComboBox()
        self.state_filter.addItem(
            "全部未完成", tuple(s.value for s in OutboxState if s != OutboxState.APPLIED)
        )
        for key, label in OUTBOX_STATES.items():
            self.state_filter.addItem(label, (key,))
        self.state_filter.currentIndexChanged.connect(self.refresh)
        layout.addWidget(QLabel("待上传的变更："))
        layout.addWidget(self.state_filter)
        self.outbox = _table(OUTBOX_COLUMNS)
        self.outbox.itemSelectionChanged.connect(self._outbox_selected)
        layout.addWidget(self.outbox, 2)
        self.renumber_button = QPushButton("重新编号（编号重复被拒绝的案件）")
        self.renumber_button.setEnabled(False)
        self.renumber_button.clicked.connect(self.renumber_selected)
        self.renumber_button.setVisible(actor.role in (Role.SUPERVISOR, Role.ADMIN))
        self.renumber_note = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.renumber_button)
        row.addWidget(self.renumber_note, 1)
        layout.addLayout(row)
        self._outbox_ids: list[str] = []
        self._renumberable: dict[str, str] = {}
        layout.addWidget(QLabel("待处理的冲突（双击处理）："))
        self.conflicts = _table(CONFLICT_COLUMNS)
        self.conflicts.cellDoubleClicked.connect(lambda row, _c: self.open_conflict(row))
        layout.addWidget(self.conflicts, 1)
        self.quarantine_label = QLabel("已隔离的接收记录：0 条")
        layout.addWidget(self.quarantine_label)
        self.quarantine = _table(QUARANTINE_COLUMNS)
        layout.addWidget(self.quarantine, 1)
        self._conflict_ids: list[str] = []
        controller.finished.connect(self._on_changed)
        ops.change_bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, _what: object) -> None:
        self.refresh()

    def _busy_changed(self, busy: bool) -> None:
        self.sync_button.setText("取消同步" if busy else "立即同步")

    def _register_box(self) -> QGroupBox:
        box = QGroupBox("在市级平台注册本机（系统管理员）")
        form = QFormLayout(box)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://…")
        self.code_edit = QLineEdit()
        self.name_edit = QLineEdit("窗口电脑")
        self.register_button = QPushButton("注册")
        self.register_button.clicked.connect(self.register)
        form.addRow("平台地址", self.url_edit)
        form.addRow("注册码", self.code_edit)
        form.addRow("终端名称", self.name_edit)
        form.addRow(self.register_button)
        box.setVisible(self.actor.role == Role.ADMIN)
        return box

    def register(self) -> ops.OpHandle:
        """Enrol the desk: the request on the network pool, its store steps on the writer."""
        self.register_button.setEnabled(False)
        return ops.run_network_op(
            self,
            _register,
            self.store,
            self.actor,
            self.url_edit.text(),
            self.code_edit.text(),
            self.name_edit.text(),
            on_done=self._registered,
        )

    def _registered(self, result: Any, error: BaseException | None) -> None:
        self.register_button.setEnabled(True)
        if isinstance(error, SyncCancelled):
            return
        if error is not None:
            errors.show_error(self, error)
            return
        self.code_edit.clear()
        self.controller.timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Read status, outbox and conflicts on the writer thread, then fill the tab."""
        states = self.state_filter.currentData() or ()
        ops.run_op(self, _panel_data, self.store, self.actor, states, on_done=self._loaded)

    def _loaded(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            errors.show_error(self, error)
            return
        status, outbox, conflicts, quarantined, self._renumberable = result
        self._fill_status(status)
        self._fill_outbox(outbox)
        self._fill_conflicts(conflicts)
        self._fill_quarantine(quarantined)

    def _fill_status(self, status: SyncStatus) -> None:
        if status.registered:
            text = f"已注册：{status.hub_url}（终端“{status.device_name}”）"
            text += f"；未同步 {status.unsynced} 条；冲突 {status.open_conflicts} 条"
            if status.last_sync_at:
                text += f"；上次同步 {status.last_sync_at.replace('T', ' ')}：{status.last_text}"
        else:
            text = "本机尚未在市级平台注册，数据只保存在本机"
        self.status_label.setText(text)
        self.sync_button.setEnabled(status.registered)

    def _selected_renumberable(self) -> str | None:
        row = self.outbox.currentRow()
        if not self.outbox.selectedItems() or not 0 <= row < len(self._outbox_ids):
            return None
        app_id = self._outbox_ids[row]
        return app_id if app_id in self._renumberable else None

    def _outbox_selected(self) -> None:
        self.renumber_button.setEnabled(self._selected_renumberable() is not None)

    def confirm_renumber(self, number: str) -> bool:
        """Ask before renumbering; 否 (the default) keeps the number."""
        answer = QMessageBox.question(
            self, "重新编号", CONFIRM_RENUMBER.format(number=number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def renumber_selected(self) -> None:
        """Renumber the selected refused case (the service checks role and refusal)."""
        app_id = self._selected_renumberable()
        if app_id is None or not self.confirm_renumber(self._renumberable[app_id]):
            return
        old = self._renumberable[app_id]
        ops.run_op(
            self, renumber_refused_case, self.store, self.actor, app_id,
            on_done=lambda result, error: self._renumbered(old, result, error),
        )  # fmt: skip

    def _renumbered(self, old: str, result: Any, error: BaseException | None) -> None:
        if error is not None:
            errors.show_error(self, error)
            return
        self.renumber_note.setText(f"案件编号已由 {old} 改为 {result}，下次同步时上传")
        self.refresh()

    def _fill_outbox(self, rows: list[Any]) -> None:
        self._outbox_ids = [v.entity_id for v in rows]
        self.outbox.setRowCount(len(rows))
        for r, v in enumerate(rows):
            values = [
                str(v.seq),
                v.entity_label,
                v.entity_id[:8],
                OPS_LABELS.get(v.op, v.op),
                v.state_label,
                str(v.attempts),
                v.reason,
            ]
            for c, value in enumerate(values):
                self.outbox.setItem(r, c, QTableWidgetItem(value))

    def _fill_conflicts(self, rows: list[Any]) -> None:
        self._conflict_ids = [c.id for c in rows]
        self.conflicts.setRowCount(len(rows))
        for r, c in enumerate(rows):
            values = [
                c.entity_label,
                c.entity_id[:8],
                "上传时" if c.source == "push" else "接收时",
                "、".join(f.label for f in c.differing),
            ]
            for col, value in enumerate(values):
                self.conflicts.setItem(r, col, QTableWidgetItem(value))

    def _fill_quarantine(self, rows: list[Any]) -> None:
        self.quarantine_label.setText(
            f"已隔离的接收记录：{len(rows)} 条（内容不正确，未写入本机，其余数据照常同步）"
        )
        self.quarantine.setRowCount(len(rows))
        for r, q in enumerate(rows):
            values = [q.at.replace("T", " "), q.entity, q.record_id[:8], q.reason]
            for col, value in enumerate(values):
                self.quarantine.setItem(r, col, QTableWidgetItem(value))

    def open_conflict(self, row: int) -> ConflictsDialog | None:
        """Read the conflict in ``row`` on the writer, then open its dialog (modal); returns
        the dialog once it is open (at once when jobs run inline)."""
        self.conflict_dialog: ConflictsDialog | None = None
        if not 0 <= row < len(self._conflict_ids):
            return None
        conflict_id = self._conflict_ids[row]
        ops.run_op(self, get_conflict, self.store, self.actor, conflict_id,
                   on_done=self._show_conflict)  # fmt: skip
        return self.conflict_dialog

    def _show_conflict(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            errors.show_error(self, error)
            return
        dialog = ConflictsDialog(self.store, self.actor, result, self)
        dialog.open()
        dialog.finished.connect(lambda _r: self.refresh())
        self.conflict_dialog = dialog


def _panel_data(
    store: Store, actor: Actor, states: tuple[str, ...]
) -> tuple[SyncStatus, list[Any], list[Any], list[Any], dict[str, str]]:
    """Everything the 同步 tab shows, read in one writer-thread job."""
    return (
        sync_status(store),
        list_outbox(store, states),
        list_conflicts(store, actor),
        list_quarantined(store),
        renumberable_cases(store),
    )


def install_sync(window: Any) -> SyncController:
    """Add the 同步 tab, the 立即同步 action and the background sync to the main window (a
    purchased-service provider syncs its work but gets no 同步 tab: its conflicts and outbox
    list other families' records)."""
    controller = SyncController(window.store, window, parent=window)
    if window.actor.role in ALL_ROLES:
        window.sync_panel = SyncPanel(window.store, window.actor, controller)
        window.add_panel("同步", window.sync_panel)
    window.sync_action = window.add_action("立即同步", controller.toggle)
    controller.busy_changed.connect(
        lambda busy: window.sync_action.setText("取消同步" if busy else "立即同步")
    )
    window.set_online(False, "等待同步")

    def show_registration(result: Any, error: BaseException | None) -> None:
        if error is None and not result.registered:
            window.set_online(False, "未注册")

    ops.run_op(window, sync_status, window.store, on_done=show_registration)
    return controller
