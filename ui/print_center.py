"""打印中心: notices, announcements, flyers, blank forms, authorisations and the payment roster.

Every document is built on the writer thread (data from ``printing.records``, PDF from
``reports``) and opens in the print preview; batches print in one job with progress and 取消.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.workflow import STATE_LABELS
from desktop.services.base import Actor
from desktop.services.family.search import CaseFilter, fetch_cases
from desktop.store.store import Store
from printing import records
from reports.archive import ArchiveBatchResult
from reports.flyer import render_policy_flyer
from reports.forms import render_blank_home_survey, render_check_authorization
from reports.notices import render_confirmation_announcement, render_public_notice
from reports.roster import render_payment_roster
from ui import ops
from ui.archive_batch import ArchiveBatch
from ui.errors import error_message, show_error
from ui.widgets.fields import CHINESE, DateField
from ui.widgets.pdf_preview import (
    BatchPrintResult,
    PdfPreviewDialog,
    PdfSource,
    PrintDialogFn,
    ask_printer,
    print_batch,
)

CASE_LIMIT = 50


# ---------------------------------------------------------------- documents (writer thread)
def notice_pdf(store: Store, actor: Actor, community: str, start: date) -> bytes:
    """公示 of one community."""
    return render_public_notice(records.public_notice_for(store, actor, community, start))


def announcement_pdf(store: Store, actor: Actor, community: str, first: date, last: date) -> bytes:
    """审核确认公告 of one community for a period."""
    ann = records.confirmation_announcement_for(store, actor, community, first, last)
    return render_confirmation_announcement(ann)


def flyer_pdf(store: Store, actor: Actor, month: date) -> bytes:
    """明白纸 with the standards of ``month``."""
    return render_policy_flyer(records.policy_flyer_for(store, actor, month))


def blank_survey_pdf(store: Store, actor: Actor) -> bytes:
    """空白入户调查表 headed with this office."""
    return render_blank_home_survey(records.report_office(store, actor.office_id))


def authorization_pdf(store: Store, actor: Actor, application_id: str) -> bytes:
    """核对授权书 of one case."""
    return render_check_authorization(records.check_authorization_for(store, actor, application_id))


def roster_pdf(store: Store, actor: Actor, month: date) -> bytes:
    """发放花名册 of ``month``."""
    return render_payment_roster(records.payment_roster_for(store, actor, month))


def _month_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setLocale(CHINESE)
    edit.setDisplayFormat("yyyy年MM月")
    today = date.today()
    edit.setDate(QDate(today.year, today.month, 1))
    return edit


def _month_of(edit: QDateEdit) -> date:
    value: date = edit.date().toPython()  # type: ignore[assignment]
    return value.replace(day=1)


class PrintCenterPanel(QWidget):
    """Pick a community, a period, a month or cases; each button opens a preview."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        print_dialog: PrintDialogFn | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.print_dialog = print_dialog
        self.preview: PdfPreviewDialog | None = None
        self.last_batch: BatchPrintResult | None = None
        self.archives = ArchiveBatch(self, store, actor, print_dialog)
        self.archives.status.connect(self._archive_status)
        self.archives.printed.connect(self._archives_printed)
        self.status = QLabel()
        self.status.setObjectName("printStatus")
        self.status.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self._notice_box(), 0, 0)
        grid.addWidget(self._cases_box(), 0, 1, 2, 1)
        grid.addWidget(self._other_box(), 1, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        title = QLabel(f"打印中心 — {actor.office_name}")
        title.setStyleSheet("font-weight: bold; font-size: 15px;")
        layout.addWidget(title)
        layout.addLayout(grid, 1)
        layout.addWidget(self.status)
        self.reload_communities()

    # ------------------------------------------------------------------ layout
    def _notice_box(self) -> QGroupBox:
        box = QGroupBox("公示与审核确认公告（按社区）")
        self.communities = QListWidget()
        self.communities.setAccessibleName("社区")
        self.communities.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.notice_start = DateField("公示开始日期", value=date.today())
        self.period_start = DateField("确认期间起", value=date.today() - timedelta(days=30))
        self.period_end = DateField("确认期间止", value=date.today())
        self.notice_button = QPushButton("公示…")
        self.announcement_button = QPushButton("审核确认公告…")
        self.batch_notice_button = QPushButton("批量打印勾选社区的公示…")
        self.notice_button.clicked.connect(self.open_notice)
        self.announcement_button.clicked.connect(self.open_announcement)
        self.batch_notice_button.clicked.connect(self.batch_notices)
        form = QGridLayout()
        form.addWidget(QLabel("公示开始日期："), 0, 0)
        form.addWidget(self.notice_start, 0, 1)
        form.addWidget(self.notice_button, 0, 2)
        form.addWidget(QLabel("审核确认期间："), 1, 0)
        period = QHBoxLayout()
        period.addWidget(self.period_start)
        period.addWidget(QLabel("至"))
        period.addWidget(self.period_end)
        form.addLayout(period, 1, 1)
        form.addWidget(self.announcement_button, 1, 2)
        column = QVBoxLayout(box)
        hint = QLabel("勾选一个或多个社区；公示只列姓名、家庭人口、救助类别和金额。")
        hint.setProperty("muted", True)
        hint.setWordWrap(True)
        column.addWidget(hint)
        column.addWidget(self.communities, 1)
        column.addLayout(form)
        column.addWidget(self.batch_notice_button)
        return box

    def _other_box(self) -> QGroupBox:
        box = QGroupBox("明白纸、空白表格、发放花名册")
        self.flyer_month = _month_edit()
        self.roster_month = _month_edit()
        self.flyer_button = QPushButton("明白纸…")
        self.survey_button = QPushButton("空白入户调查表…")
        self.roster_button = QPushButton("发放花名册…")
        self.flyer_button.clicked.connect(self.open_flyer)
        self.survey_button.clicked.connect(self.open_blank_survey)
        self.roster_button.clicked.connect(self.open_roster)
        grid = QGridLayout(box)
        grid.addWidget(QLabel("政策月份："), 0, 0)
        grid.addWidget(self.flyer_month, 0, 1)
        grid.addWidget(self.flyer_button, 0, 2)
        grid.addWidget(QLabel("发放月份："), 1, 0)
        grid.addWidget(self.roster_month, 1, 1)
        grid.addWidget(self.roster_button, 1, 2)
        grid.addWidget(self.survey_button, 2, 2)
        grid.setColumnStretch(1, 1)
        return box

    def _cases_box(self) -> QGroupBox:
        box = QGroupBox("按案件：核对授权书、家庭档案")
        self.case_search = QLineEdit()
        self.case_search.setPlaceholderText(
            "输入姓名、拼音首字母、身份证号后4位或申请编号，回车查找"
        )
        self.case_search.returnPressed.connect(self.find_cases)
        self.cases = QListWidget()
        self.cases.setAccessibleName("案件")
        self.cases.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.cases.itemActivated.connect(lambda _i: self.open_authorization())
        self.auth_button = QPushButton("核对授权书…")
        self.batch_auth_button = QPushButton("批量打印所选案件的授权书…")
        self.batch_archive_button = QPushButton("批量打印所选案件的档案…")
        self.batch_archive_button.setToolTip("每件案件一份带书签的档案；可随时取消")
        self.auth_button.clicked.connect(self.open_authorization)
        self.batch_auth_button.clicked.connect(self.batch_authorizations)
        self.batch_archive_button.clicked.connect(self.batch_archives)
        buttons = QGridLayout()
        buttons.addWidget(self.auth_button, 0, 0)
        buttons.addWidget(self.batch_auth_button, 0, 1)
        buttons.addWidget(self.batch_archive_button, 1, 1)
        buttons.setColumnStretch(2, 1)
        column = QVBoxLayout(box)
        column.addWidget(self.case_search)
        column.addWidget(self.cases, 1)
        column.addLayout(buttons)
        return box

    # ------------------------------------------------------------------ pickers
    def reload_communities(self) -> None:
        ops.run_op(self, records.notice_counts, self.store, self.actor, on_done=self._communities)

    def _communities(self, counts: dict[str, int] | None, error: BaseException | None) -> None:
        self.communities.clear()
        for name, count in (counts or {}).items():
            item = QListWidgetItem(f"{name}（公示中 {count} 户）" if count else name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setData(Qt.ItemDataRole.UserRole + 1, count)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.communities.addItem(item)
        if self.communities.count():
            self.communities.setCurrentRow(0)
        if error is not None:
            self._failed(error)

    def community(self) -> str | None:
        item = self.communities.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _community_items(self) -> list[QListWidgetItem]:
        return [self.communities.item(i) for i in range(self.communities.count())]

    def select_community(self, name: str, checked: bool = False) -> None:
        """Make ``name`` the current community (and tick it when ``checked``)."""
        for item in self._community_items():
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.communities.setCurrentItem(item)
                if checked:
                    item.setCheckState(Qt.CheckState.Checked)

    def checked_communities(self) -> list[str]:
        """Ticked communities that have cases in public notice."""
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in self._community_items()
            if item.checkState() == Qt.CheckState.Checked
            and item.data(Qt.ItemDataRole.UserRole + 1)
        ]

    def find_cases(self) -> None:
        text = self.case_search.text().strip()
        flt = CaseFilter(text=text, office_id=self.actor.office_id)
        ops.run_op(
            self, fetch_cases, self.store, self.actor, flt, 0, CASE_LIMIT, on_done=self._found
        )

    def _found(self, rows: list[Any] | None, error: BaseException | None) -> None:
        self.cases.clear()
        if error is not None:
            self._failed(error)
            return
        for row in rows or []:
            state = STATE_LABELS.get(row.state, row.state)
            item = QListWidgetItem(f"{row.number}　{row.applicant_name}　{row.type_label}　{state}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.cases.addItem(item)
        self.status.setText(f"找到 {len(rows or [])} 件（最多显示 {CASE_LIMIT} 件）")

    def selected_cases(self) -> list[tuple[str, str]]:
        return [
            (str(item.data(Qt.ItemDataRole.UserRole)), item.text().split("　")[1])
            for item in self.cases.selectedItems()
        ]

    # ------------------------------------------------------------------ single documents
    def _open(self, title: str, file_name: str, fn: Callable[..., bytes], *args: Any) -> None:
        self.status.setText(f"正在生成《{title}》…")

        def done(pdf: bytes | None, error: BaseException | None) -> None:
            if error is not None or pdf is None:
                self._failed(error)
                return
            self.status.setText(f"《{title}》已生成。")
            self.preview = PdfPreviewDialog(pdf, self, title=title, file_name=file_name)
            self.preview.open()

        ops.run_op(self, fn, self.store, self.actor, *args, on_done=done, progress_text="正在生成…")

    def _failed(self, error: BaseException | None) -> None:
        self.status.setText(error_message(error) if error else "")
        self.status.setStyleSheet("color: #b3261e;")
        if error is not None:
            show_error(self, error)

    def _need_community(self) -> str | None:
        community = self.community()
        if community is None:
            self.status.setText("社区：请先选择一个社区")
        return community

    def open_notice(self) -> None:
        community = self._need_community()
        if community:
            start = self.notice_start.value()
            self._open("社会救助对象公示", f"{community}公示.pdf", notice_pdf, community, start)

    def open_announcement(self) -> None:
        community = self._need_community()
        if community:
            first, last = self.period_start.value(), self.period_end.value()
            self._open(
                "审核确认公告",
                f"{community}审核确认公告.pdf",
                announcement_pdf,
                community,
                first,
                last,
            )

    def open_flyer(self) -> None:
        self._open("社会救助政策明白纸", "明白纸.pdf", flyer_pdf, _month_of(self.flyer_month))

    def open_blank_survey(self) -> None:
        self._open("入户调查表（空白）", "入户调查表.pdf", blank_survey_pdf)

    def open_roster(self) -> None:
        month = _month_of(self.roster_month)
        self._open("发放花名册", f"发放花名册-{month:%Y%m}.pdf", roster_pdf, month)

    def open_authorization(self) -> None:
        chosen = self.selected_cases()
        if not chosen:
            self.status.setText("案件：请先查找并选择一件案件")
            return
        app_id, name = chosen[0]
        self._open("家庭经济状况核对授权书", f"核对授权书-{name}.pdf", authorization_pdf, app_id)

    # ------------------------------------------------------------------ batches
    def _batch(self, jobs: list[tuple[str, PdfSource]], empty: str) -> None:
        if not jobs:
            self.status.setText(empty)
            return
        printer = ask_printer(self, self.print_dialog)
        if printer is None:
            return
        self.status.setText(f"正在打印 {len(jobs)} 份…")
        print_batch(self, jobs, printer, on_done=self._batch_done)

    def _batch_done(self, result: BatchPrintResult | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            self._failed(error)
            return
        self.last_batch = result
        head = "已取消，" if result.cancelled else ""
        self.status.setStyleSheet("")
        self.status.setText(f"{head}已打印 {len(result.printed)} 份，共 {result.pages} 页。")

    def batch_notices(self) -> None:
        """One public notice per checked community, in one print job."""
        start = self.notice_start.value()
        store, actor = self.store, self.actor
        jobs: list[tuple[str, PdfSource]] = [
            (f"{c}公示", lambda c=c: notice_pdf(store, actor, c, start))  # type: ignore[misc]
            for c in self.checked_communities()
        ]
        self._batch(jobs, "社区：请先勾选有公示中案件的社区")

    def batch_authorizations(self) -> None:
        """One authorisation per selected case, in one print job."""
        store, actor = self.store, self.actor
        jobs: list[tuple[str, PdfSource]] = [
            (f"核对授权书（{name}）", lambda a=app_id: authorization_pdf(store, actor, a))  # type: ignore[misc]
            for app_id, name in self.selected_cases()
        ]
        self._batch(jobs, "案件：请先选择要打印授权书的案件")

    def batch_archives(self) -> None:
        """The archive dossier of every selected case: built with progress and 取消, then
        printed in one job (a case that cannot be archived yet is listed with its reason)."""
        self.archives.start([app_id for app_id, _name in self.selected_cases()])

    def _archive_status(self, text: str, error: bool) -> None:
        self.status.setStyleSheet("color: #b3261e;" if error else "")
        self.status.setText(text)

    def _archives_printed(self, result: BatchPrintResult) -> None:
        self.last_batch = result

    @property
    def last_archives(self) -> ArchiveBatchResult | None:
        return self.archives.last_archives

    @property
    def archive_handle(self) -> ops.OpHandle | None:
        return self.archives.handle
