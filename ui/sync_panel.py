"""The 同步 tab and the background sync: registration, outbox by state, open conflicts."""

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
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.base import Actor, Role
from desktop.services.conflicts import list_conflicts
from desktop.services.sync_admin import OUTBOX_STATES, list_outbox, register_device, sync_status
from desktop.store.store import Store
from sync.client import SyncSummary, client_from_settings
from ui import errors, ops
from ui.conflicts_dialog import ConflictsDialog

DEFAULT_INTERVAL_MIN = 10
OUTBOX_COLUMNS = ["序号", "类别", "记录编号", "操作", "状态", "尝试次数", "原因"]
CONFLICT_COLUMNS = ["类别", "记录编号", "发现于", "不同的字段"]
OPS_LABELS = {"upsert": "新增或修改", "delete": "删除"}


def run_sync(store: Store, progress: Any = None, cancelled: Any = None) -> SyncSummary:
    """One sync with the registered hub (runs on the ops writer thread)."""
    return client_from_settings(store).sync_once(progress, cancelled)


run_sync.changes = frozenset({"sync", "cases", "households", "persons", "documents"})  # type: ignore[attr-defined]


class SyncController(QObject):
    """Runs a sync now or every ``interval_min`` minutes and reports to the window."""

    finished = Signal(object)  # SyncSummary or the error

    def __init__(
        self,
        store: Store,
        window: Any = None,
        interval_min: int = DEFAULT_INTERVAL_MIN,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.window = store, window
        self.busy = False
        self.last: SyncSummary | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, interval_min) * 60_000)
        self.timer.timeout.connect(self.sync_now)
        if sync_status(store).registered:
            self.timer.start()

    def sync_now(self) -> None:
        """Start a sync unless one runs or the desk is not registered."""
        if self.busy:
            return
        if not sync_status(self.store).registered:
            self._set_online(False, "未注册")
            return
        self.busy = True
        ops.run_long_op(
            self.window,
            run_sync,
            self.store,
            on_done=self._done,
            progress_text="正在与市级平台同步…",
        )

    def _set_online(self, online: bool, detail: str) -> None:
        if self.window is not None and hasattr(self.window, "set_online"):
            self.window.set_online(online, detail)

    def _done(self, result: Any, error: BaseException | None) -> None:
        self.busy = False
        if error is not None:
            self._set_online(False, "同步出错")
            self.finished.emit(error)
            return
        self.last = result
        online = not any("无法连接" in e or "暂时不可用" in e for e in result.errors)
        self._set_online(online, "已同步" if result.ok else "同步未完成")
        if self.window is not None and hasattr(self.window, "statusBar"):
            self.window.statusBar().showMessage(result.text(), 15_000)
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
        self.sync_button.clicked.connect(controller.sync_now)
        top.addWidget(self.status_label, 1)
        top.addWidget(self.sync_button)
        layout.addLayout(top)
        self.register_box = self._register_box()
        layout.addWidget(self.register_box)
        self.state_filter = QComboBox()
        self.state_filter.addItem("全部未完成", ("pending", "sent", "conflict", "rejected"))
        for key, label in OUTBOX_STATES.items():
            self.state_filter.addItem(label, (key,))
        self.state_filter.currentIndexChanged.connect(self.refresh)
        layout.addWidget(QLabel("待上传的变更："))
        layout.addWidget(self.state_filter)
        self.outbox = _table(OUTBOX_COLUMNS)
        layout.addWidget(self.outbox, 2)
        layout.addWidget(QLabel("待处理的冲突（双击处理）："))
        self.conflicts = _table(CONFLICT_COLUMNS)
        self.conflicts.cellDoubleClicked.connect(lambda row, _c: self.open_conflict(row))
        layout.addWidget(self.conflicts, 1)
        self._conflict_ids: list[str] = []
        controller.finished.connect(self._on_changed)
        ops.change_bus().changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, _what: object) -> None:
        self.refresh()

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

    def register(self) -> None:
        ops.run_op(
            self,
            register_device,
            self.store,
            self.actor,
            self.url_edit.text(),
            self.code_edit.text(),
            self.name_edit.text(),
            on_done=self._registered,
        )

    def _registered(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            errors.show_error(self, error)
            return
        self.code_edit.clear()
        self.controller.timer.start()
        self.refresh()

    def refresh(self) -> None:
        status = sync_status(self.store)
        if status.registered:
            text = f"已注册：{status.hub_url}（终端“{status.device_name}”）"
            text += f"；未同步 {status.unsynced} 条；冲突 {status.open_conflicts} 条"
            if status.last_sync_at:
                text += f"；上次同步 {status.last_sync_at.replace('T', ' ')}：{status.last_text}"
        else:
            text = "本机尚未在市级平台注册，数据只保存在本机"
        self.status_label.setText(text)
        self.sync_button.setEnabled(status.registered)
        self._fill_outbox()
        self._fill_conflicts()

    def _fill_outbox(self) -> None:
        rows = list_outbox(self.store, self.state_filter.currentData() or ())
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

    def _fill_conflicts(self) -> None:
        rows = list_conflicts(self.store)
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

    def open_conflict(self, row: int) -> ConflictsDialog | None:
        """Open the dialog of the conflict in ``row`` (modal)."""
        if not 0 <= row < len(self._conflict_ids):
            return None
        dialog = ConflictsDialog(self.store, self.actor, self._conflict_ids[row], self)
        dialog.open()
        dialog.finished.connect(lambda _r: self.refresh())
        return dialog


def install_sync(window: Any) -> SyncController:
    """Add the 同步 tab, the 立即同步 action and the background sync to the main window."""
    controller = SyncController(window.store, window, parent=window)
    window.sync_panel = SyncPanel(window.store, window.actor, controller)
    window.add_panel("同步", window.sync_panel)
    window.sync_action = window.add_action("立即同步", controller.sync_now)
    status = sync_status(window.store)
    window.set_online(False, "未注册" if not status.registered else "等待同步")
    return controller
