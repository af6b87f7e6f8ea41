"""The main window: composes the panels, the actions and the status bar; holds no logic."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from desktop.services.base import Actor, Role
from desktop.services.cases.case_overview import case_overview
from desktop.services.dashboard.status import unsynced_count
from desktop.services.policy.calendar_admin import calendar_warning
from desktop.store.store import Store
from ui import ops, print_defaults
from ui.admin.panel import ADMIN_ROLES, AdminPanel
from ui.admin.users import ask_password_change
from ui.cases.list_panel import CaseListPanel
from ui.errors import show_error
from ui.screen import restore_geometry, save_geometry
from ui.settings_dialog import SettingsDialog
from ui.sync_panel import install_sync
from ui.warnings_panel import WarningsPanel

SUPERVISOR_ROLES = {Role.SUPERVISOR, Role.ADMIN}
VISIT_ROLES = {Role.COORDINATOR, Role.SUPERVISOR, Role.ADMIN}

STATUS_REFRESH_MS = 5000
# Wanted size; on a smaller screen (1366×768 office PCs) the window is fitted to it.
WINDOW_SIZE = (1360, 820)
LOGOUT_KEY = QKeySequence("Ctrl+Shift+L")
SWITCH_USER_KEY = QKeySequence("Ctrl+Shift+U")


class MainWindow(QMainWindow):
    """Tabs of panels (case list first), a toolbar of actions, a status bar of facts.

    ``logout_requested(switch)`` asks the session to end (注销, or 切换用户 when ``switch``);
    ``closed`` fires once the window has closed.
    """

    logout_requested = Signal(bool)
    closed = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.setWindowTitle(f"街道社会救助窗口 — {actor.office_name}（{actor.display_name}）")
        self.geometry_key = f"main_window/{actor.username}/geometry"
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.cases = CaseListPanel(store, actor)
        self.add_panel("案件列表", self.cases)
        self.cases.case_activated.connect(self.open_case)
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self.toolbar = self.addToolBar("常用")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.add_action("刷新", self.refresh, QKeySequence.StandardKey.Refresh)
        self.add_action("新建申请", self.open_intake, QKeySequence("Ctrl+N"))
        self.add_action("自助评估", self.open_selfcheck)
        self.add_action("打印", self.open_print_center, QKeySequence("Ctrl+Shift+P"))
        self.add_action("设置", self.open_settings)
        self.add_action("修改密码", self.change_password)
        self._build_user_menu()
        self._add_supervisor_panels()
        self._status_reading = self._status_again = False
        self._build_status_bar()
        self.update_calendar_warning()
        self.sync = install_sync(self)
        print_defaults.track(store)
        ops.change_bus().changed.connect(self._on_changed)
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(self.update_status)
        self._status_timer.start(STATUS_REFRESH_MS)
        self.update_status()
        restore_geometry(self, self.geometry_key, *WINDOW_SIZE)
        self.cases.search.setFocus()

    def _build_user_menu(self) -> None:
        """用户 menu: who is logged in, 修改密码, 切换用户, 注销, 退出."""
        menu = self.menuBar().addMenu("用户(&U)")
        who = menu.addAction(f"{self.actor.display_name}（{self.actor.role.label}）")
        who.setEnabled(False)
        menu.addSeparator()
        menu.addAction("修改密码…", self.change_password)
        self.switch_user_action = menu.addAction("切换用户…", lambda: self.log_out(switch=True))
        self.switch_user_action.setShortcut(SWITCH_USER_KEY)
        self.logout_action = menu.addAction("注销", self.log_out)
        self.logout_action.setShortcut(LOGOUT_KEY)
        menu.addSeparator()
        quit_action = menu.addAction("退出", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        for action in (self.switch_user_action, self.logout_action, quit_action):
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

    def log_out(self, switch: bool = False) -> None:
        """Hand the keyboard to the next person: the session closes this window."""
        self.logout_requested.emit(switch)

    def _add_supervisor_panels(self) -> None:
        """工作台 and 发放核算 for supervisors and administrators, 预警处置 and 诉求登记 for staff,
        巡访走访 for coordinators (opened first) and supervisors, 系统管理 for administrators
        (all pages) and supervisors (calendar, fund, policy view)."""
        if self.actor.role in SUPERVISOR_ROLES:
            from ui.benefit_run import BenefitRunPanel
            from ui.dashboard import DashboardPanel

            self.dashboard = DashboardPanel(self.store, self.actor)
            self.dashboard.case_requested.connect(self.open_case)
            self.add_panel("工作台", self.dashboard)
            self.benefit_run = BenefitRunPanel(self.store, self.actor)
            self.add_panel("发放核算", self.benefit_run)
        if self.actor.role == Role.PROVIDER:
            return  # a purchased-service provider works only on its assigned families' cases
        self.warnings = WarningsPanel(self.store, self.actor)
        self.add_panel("预警处置", self.warnings)
        from ui.requests_panel import RequestsPanel

        self.requests = RequestsPanel(self.store, self.actor)
        self.add_panel("诉求登记", self.requests)
        if self.actor.role in VISIT_ROLES:
            from ui.visits.panel import VisitsPanel

            self.visits = VisitsPanel(self.store, self.actor)
            index = self.add_panel("巡访走访", self.visits)
            if self.actor.role == Role.COORDINATOR:
                self.tabs.setCurrentIndex(index)
        if self.actor.role in ADMIN_ROLES:
            self.admin = AdminPanel(self.store, self.actor)
            self.add_panel("系统管理", self.admin)

    def update_calendar_warning(self) -> None:
        """Warn in the status bar when next year's holidays are not known yet (read on the
        writer thread, so a long job there never holds up the window)."""
        ops.run_op(
            self, calendar_warning, self.store, date.today(), self.actor.office_id,
            on_done=self._calendar_read,
        )  # fmt: skip

    def _calendar_read(self, text: Any, error: BaseException | None) -> None:
        if error is None:
            self.set_calendar_warning(text)

    def add_panel(self, title: str, widget: QWidget) -> int:
        return self.tabs.addTab(widget, title)

    def add_action(self, text: str, slot, shortcut=None) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    def open_intake(self) -> None:
        from ui.intake import IntakeDialog

        dialog = IntakeDialog(self.store, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_panel(self, title: str, make) -> QWidget:  # type: ignore[no-untyped-def]
        """Switch to the tab titled ``title``, creating it with ``make()`` the first time."""
        for index in range(self.tabs.count()):
            existing = self.tabs.widget(index)
            if self.tabs.tabText(index) == title and existing is not None:
                self.tabs.setCurrentIndex(index)
                return existing
        widget = make()
        self.tabs.setCurrentIndex(self.add_panel(title, widget))
        return widget

    def open_case(self, application_id: str) -> QWidget | None:
        """Show the case page of ``application_id`` (one tab per case, closable); a
        purchased-service provider gets the case's home-survey form, the one thing it does."""
        if self.actor.role == Role.PROVIDER:
            ops.run_op(
                self, case_overview, self.store, self.actor, application_id,
                on_done=self._open_survey,
            )  # fmt: skip
            return None
        from ui.cases.case_page import CasePage

        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if isinstance(page, CasePage) and page.application_id == application_id:
                self.tabs.setCurrentIndex(index)
                return page
        page = CasePage(self.store, self.actor, application_id)
        index = self.add_panel(page.tab_title, page)
        self.tabs.setTabsClosable(True)
        for i in range(self.tabs.count()):
            if not isinstance(self.tabs.widget(i), CasePage):
                self.tabs.tabBar().setTabButton(
                    i, self.tabs.tabBar().ButtonPosition.RightSide, None
                )  # type: ignore[arg-type]
        page.title_changed.connect(lambda title: self._retitle(page, title))
        self.tabs.setCurrentIndex(index)
        return page

    def _open_survey(self, case: Any, error: BaseException | None) -> None:
        if error is not None or case is None:
            if error is not None:
                show_error(self, error)
            return
        from ui.survey.form import SurveyWindow

        window = SurveyWindow(self.store, self.actor, case, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.survey_window = window
        window.show()

    def _retitle(self, page: QWidget, title: str) -> None:
        index = self.tabs.indexOf(page)
        if index >= 0:
            self.tabs.setTabText(index, title)

    def _close_tab(self, index: int) -> None:
        from ui.cases.case_page import CasePage

        page = self.tabs.widget(index)
        if isinstance(page, CasePage):
            self.tabs.removeTab(index)
            page.deleteLater()

    def open_selfcheck(self) -> QWidget:
        from ui.selfcheck import SelfCheckPanel

        return self.show_panel("自助评估", lambda: SelfCheckPanel(self.store, self.actor))

    def open_print_center(self) -> QWidget:
        from ui.print_center import PrintCenterPanel

        return self.show_panel("打印", lambda: PrintCenterPanel(self.store, self.actor))

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
        """Read the unsynced count on the writer thread; one read at a time, so a long job
        there does not pile status reads up behind it."""
        if self._status_reading:
            self._status_again = True  # a change came in meanwhile: read once more after
            return
        self._status_reading, self._status_again = True, False
        ops.run_op(self, unsynced_count, self.store, on_done=self._status_read)

    def _status_read(self, count: Any, error: BaseException | None) -> None:
        self._status_reading = False
        if error is None:
            self.unsynced_label.setText(f"未同步：{count} 条")
        if self._status_again:
            self.update_status()

    def open_settings(self) -> None:
        SettingsDialog(self.store, self.actor, self).exec()

    def change_password(self) -> None:
        ask_password_change(self, self.store, self.actor)

    def refresh(self) -> None:
        self.cases.refresh()
        self.update_status()

    def _on_changed(self, kinds: set[str]) -> None:
        if kinds & {"cases", "households", "persons", "documents"}:
            self.cases.refresh()
        if "calendar" in kinds:
            self.update_calendar_warning()
        self.update_status()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._status_timer.stop()
        save_geometry(self, self.geometry_key)
        ops.wait_idle()
        super().closeEvent(event)
        self.closed.emit()
