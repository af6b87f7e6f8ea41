"""The 系统管理 tab: users and offices (administrators), policy rows, holiday overrides, the
reserve fund, the support catalogues (帮扶资源) and the audit trail's check (administrators and supervisors; policy rows read-only
for supervisors)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from desktop.services.base import Actor, Role
from desktop.store.store import Store
from ui.admin.audit import AuditPage
from ui.admin.calendar import CalendarPage
from ui.admin.offices import OfficesPanel
from ui.admin.policy_rows import PolicyRowsPage
from ui.admin.reserve_fund import ReserveFundPage
from ui.admin.users import UsersPanel
from ui.support.admin_page import SupportAdminPage

ADMIN_ROLES = {Role.ADMIN, Role.SUPERVISOR}


class AdminPanel(QTabWidget):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if actor.role == Role.ADMIN:
            self.users = UsersPanel(store, actor)
            self.offices = OfficesPanel(store, actor)
            self.addTab(self.users, "用户")
            self.addTab(self.offices, "街道")
        self.policy = PolicyRowsPage(store, actor)
        self.calendar = CalendarPage(store, actor)
        self.reserve = ReserveFundPage(store, actor)
        self.addTab(self.policy, "政策参数")
        self.addTab(self.calendar, "节假日调整")
        self.addTab(self.reserve, "备用金")
        self.support = SupportAdminPage(store, actor)
        self.addTab(self.support, "帮扶资源")
        self.audit = AuditPage(store, actor)
        self.addTab(self.audit, "操作日志")

    def page_titles(self) -> list[str]:
        """The titles of the pages this person sees."""
        return [self.tabText(i) for i in range(self.count())]
