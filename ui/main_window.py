"""The main window: composes the panels, the actions and the status bar; holds no logic."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from desktop.services.base import Actor
from desktop.services.status import unsynced_count
from desktop.store.store import Store
from ui import ops
from ui.cases.list_panel import CaseListPanel
from ui.sync_panel import install_sync

STATUS_REFRESH_MS = 5000


class MainWindow(QMainWindow):
    """Tabs of panels (case list first), a toolbar of actions, a status bar of facts."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.setWindowTitle(f"街道社会救助窗口 — {actor.office_name}")
        self.resize(1360, 820)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.cases = CaseListPanel(store, actor)
        self.add_panel("案件列表", self.cases)
        self.toolbar = self.addToolBar("常用")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.add_action("刷新", self.refresh, QKeySequence.StandardKey.Refresh)
        self._build_status_bar()
        self.sync = install_sync(self)
        ops.change_bus().changed.connect(self._on_changed)
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(self.update_status)
        self._status_timer.start(STATUS_REFRESH_MS)
        self.update_status()
        self.cases.search.setFocus()

    def add_panel(self, title: str, widget: QWidget) -> int:
        return self.tabs.addTab(widget, title)

    def add_action(self, text: str, slot, shortcut=None) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.office_label = QLabel(f"街道：{self.actor.office_name}（{self.actor.office_code}）")
        self.user_label = QLabel(f"用户：{self.actor.display_name}（{self.actor.role.label}）")
        self.online_label = QLabel("离线")
        self.online_label.setObjectName("onlineLabel")
        self.unsynced_label = QLabel()
        self.unsynced_label.setObjectName("unsyncedLabel")
        self.calendar_label = QLabel("")
        self.calendar_label.setObjectName("calendarWarning")
        self.calendar_label.setStyleSheet("color: #b54708;")
        for w in (self.office_label, self.user_label, self.online_label, self.unsynced_label):
            bar.addPermanentWidget(w)
        bar.addWidget(self.calendar_label)

    def set_online(self, online: bool, detail: str = "") -> None:
        self.online_label.setText(
            ("在线" if online else "离线") + (f"（{detail}）" if detail else "")
        )

    def set_calendar_warning(self, text: str | None) -> None:
        self.calendar_label.setText(text or "")

    def update_status(self) -> None:
        count = unsynced_count(self.store)
        self.unsynced_label.setText(f"未同步：{count} 条")

    def refresh(self) -> None:
        self.cases.refresh()
        self.update_status()

    def _on_changed(self, kinds: set[str]) -> None:
        if kinds & {"cases", "households", "persons", "documents"}:
            self.cases.refresh()
        self.update_status()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._status_timer.stop()
        ops.wait_idle()
        super().closeEvent(event)
