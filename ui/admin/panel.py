"""The 系统管理 tab: users and offices side by side (administrators only)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from desktop.services.base import Actor
from desktop.store.store import Store
from ui.admin.offices import OfficesPanel
from ui.admin.users import UsersPanel


class AdminPanel(QTabWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.users = UsersPanel(store, actor)
        self.offices = OfficesPanel(store, actor)
        self.addTab(self.users, "用户")
        self.addTab(self.offices, "街道")
