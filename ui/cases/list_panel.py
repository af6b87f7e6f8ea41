"""The case list: search as you type (name, pinyin initials, ID digits), filters, lazy paging."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.workflow import STATE_LABELS
from desktop.money import fmt_yuan
from desktop.services.base import Actor
from desktop.services.cases.applications import ASSISTANCE_TYPES
from desktop.services.family.case_list import open_case_list
from desktop.services.family.search import CaseFilter, communities
from desktop.store.store import Store
from printing.case_files import DOSSIER_ROLES
from ui import theme
from ui.archive_batch import ArchiveBatch
from ui.lazy_model import Column, LazyTableModel, Rows

SEARCH_DELAY_MS = 150
# A page is a little more than a tall screen of rows: each row read is three random rows of
# the encrypted file (case, applicant, household), so the list after a keystroke reads only
# about what it shows; 48 pages (2,400 rows) are kept while scrolling.
PAGE_ROWS = 50
# A count that takes longer (a whole big office reads every case) is made on another thread.
QUICK_COUNT_S = 0.02

COLUMNS = [
    Column("申请编号", 1),
    Column("申请人", 2),
    Column("身份证号", 3),
    Column("救助类别", 5),
    Column("办理状态", 6, lambda s: STATE_LABELS.get(s, s)),
    Column("社区", 7),
    Column("申请日期", 8, lambda d: d.isoformat()),
    Column("下一时限", 9, lambda d: d.isoformat()),
    Column("待办环节", 10),
    Column("救助金（元/月）", 11, fmt_yuan, align_right=True),
]


def _row_status(today: date):  # type: ignore[no-untyped-def]
    def status(row: tuple) -> str | None:  # type: ignore[type-arg]
        deadline = row[9]
        if deadline is None:
            return None
        if deadline < today:
            return theme.STATUS_OVERDUE
        if (deadline - today).days <= 2:
            return theme.STATUS_DUE_SOON
        return None

    return status


class _Counter(QObject):
    """Counts a filter's cases on a thread of its own, at a lower priority than the window (a
    count of a whole office reads every case of it), so the list is shown and typed into
    meanwhile; the result comes back on the GUI thread. A filter already being counted is
    not counted twice."""

    done = Signal(object, int)  # filter, count

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._waiting: dict[CaseFilter, list[Callable[[int], None]]] = {}
        self.done.connect(self._done)

    def start(
        self, f: CaseFilter, count: Callable[[CaseFilter], int], deliver: Callable[[int], None]
    ) -> None:
        if f in self._waiting:
            self._waiting[f].append(deliver)
            return
        self._waiting[f] = [deliver]

        def work() -> None:
            if hasattr(os, "setpriority"):  # Linux: this thread only
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
            try:
                n = count(f)
            except Exception:  # noqa: BLE001 - closed or interrupted: nothing to show
                n = -1
            with contextlib.suppress(RuntimeError):  # the panel is gone
                self.done.emit(f, n)

        threading.Thread(target=work, name="case-count", daemon=True).start()

    def _done(self, f: CaseFilter, n: int) -> None:
        for deliver in self._waiting.pop(f, []):
            if n >= 0:
                deliver(n)


class CaseListPanel(QWidget):
    """Search box + filters above a lazily paged table of cases."""

    case_activated = Signal(str)  # application id

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.filter = CaseFilter()
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            "搜索：姓名、拼音首字母（如 zsf）、全拼、身份证号或电话中任意4位以上数字、申请编号"
        )
        self.search.setClearButtonEnabled(True)
        self.type_box = QComboBox()
        self.type_box.addItem("全部类别", "")
        for code, label in ASSISTANCE_TYPES.items():
            self.type_box.addItem(label, code)
        self.state_box = QComboBox()
        self.state_box.addItem("全部状态", "")
        for code, label in STATE_LABELS.items():
            self.state_box.addItem(label, code)
        self.community_box = QComboBox()
        self.community_box.addItem("全部社区", "")
        for name in communities(store):
            self.community_box.addItem(name, name)
        self.overdue = QCheckBox("仅看逾期")
        self.open_only = QCheckBox("仅看办理中")
        self.count_label = QLabel()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.apply_filter)
        for box in (self.type_box, self.state_box, self.community_box):
            box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        for check in (self.overdue, self.open_only):
            check.toggled.connect(lambda _c: self.apply_filter())

        self.cases = open_case_list(store, actor)
        self.destroyed.connect(self.cases.close)
        self._counter = _Counter(self)
        self.model = LazyTableModel(
            COLUMNS,
            self._fetch,
            self._count,
            key_index=0,
            page_size=PAGE_ROWS,
            max_pages=48,
            row_status=_row_status(date.today()),
            count_later=self._count_later,
            parent=self,
        )
        self.model.counted.connect(lambda _n: self._update_count())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        # One line a cell (rows are 28 px): laying each cell out for wrapping doubled the paint.
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((190, 80, 170, 150, 110, 110, 100, 100, 130, 120)):
            self.table.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        # 打印所选案件档案: the print centre's batch, for the cases selected here.
        self.archives = ArchiveBatch(self, store, actor)
        self.print_status = QLabel()
        self.print_status.setWordWrap(True)
        self.archives.status.connect(self._print_status)
        self.print_archives_action = QAction("打印所选案件档案…", self)
        self.print_archives_action.triggered.connect(self.print_selected_archives)
        self.print_archives_button = QPushButton("打印所选案件档案…")
        self.print_archives_button.clicked.connect(self.print_selected_archives)
        may_print = actor.role in DOSSIER_ROLES
        self.print_archives_button.setVisible(may_print)
        self.print_archives_action.setVisible(may_print)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        filters = QHBoxLayout()
        for w in (self.type_box, self.state_box, self.community_box, self.overdue, self.open_only):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        filters.addWidget(self.print_archives_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.print_status)
        self._update_count()

    def _fetch(self, offset: int, limit: int) -> Rows:
        page = self.cases.page(self.filter, offset, limit)
        rows = Rows(page.rows)
        rows.total = page.total
        return rows

    def _count(self) -> int | None:
        """The count if it takes no longer than ``QUICK_COUNT_S``; else None (counted later)."""
        return self.cases.count(self.filter, within=QUICK_COUNT_S)

    def _count_later(self, deliver) -> None:  # type: ignore[no-untyped-def]
        """The exact count on the counter's thread, on the list's second connection; kept for
        this filter if the data did not change meanwhile."""
        f, version = self.filter, self.cases.version()

        def delivered(n: int) -> None:
            self.cases.keep_count(f, n, version)
            deliver(n)

        self._counter.start(f, self.cases.count_apart, delivered)

    def apply_filter(self) -> None:
        """Rebuild the filter from the widgets and reload the first page."""
        self._timer.stop()
        self.filter = replace(
            self.filter,
            text=self.search.text().strip(),
            assistance_type=self.type_box.currentData() or "",
            state=self.state_box.currentData() or "",
            community=self.community_box.currentData() or "",
            overdue_on=date.today() if self.overdue.isChecked() else None,
            open_only=self.open_only.isChecked(),
        )
        self.model.reset()
        self.table.doItemsLayout()  # lay the new rows out now: one paint, not three
        self._update_count()

    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(
            f"共 {n:,}+ 件（正在计数…）" if self.model.counting else f"共 {n:,} 件"
        )

    def _activated(self, index: QModelIndex) -> None:
        key = self.model.row_key(index.row())
        if key:
            self.case_activated.emit(str(key))

    def current_case_id(self) -> str | None:
        index = self.table.currentIndex()
        return str(self.model.row_key(index.row())) if index.isValid() else None

    def selected_case_ids(self) -> list[str]:
        """The application ids of the selected rows, in table order."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [str(k) for k in (self.model.row_key(r) for r in rows) if k]

    def print_selected_archives(self) -> None:
        """打印所选案件档案: the dossiers of the selected cases, in one print job."""
        self.archives.start(self.selected_case_ids())

    def _print_status(self, text: str, error: bool) -> None:
        self.print_status.setStyleSheet("color: #b3261e;" if error else "")
        self.print_status.setText(text)

    def context_menu(self) -> QMenu:
        """The menu of the selected rows."""
        menu = QMenu(self)
        menu.addAction(self.print_archives_action)
        self.print_archives_action.setEnabled(bool(self.selected_case_ids()))
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        if self.print_archives_action.isVisible():
            self.context_menu().popup(self.table.viewport().mapToGlobal(pos))
