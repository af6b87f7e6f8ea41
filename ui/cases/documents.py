"""The case page's documents checklist (attach, view, mark, 一次性告知书) and economic checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.documents import DOCUMENT_KINDS
from desktop.services.base import Actor
from desktop.services.family.documents import (
    DocumentView,
    attach_document,
    read_attachment,
    set_document_status,
)
from desktop.services.outreach.warnings import CheckReportView, request_economic_check
from desktop.store.store import Store
from printing.records import missing_documents_for
from reports.letters import render_missing_documents
from ui import theme
from ui.cases.timeline import setup_table
from ui.errors import show_error
from ui.ops import run_op
from ui.widgets.pdf_preview import PdfPreviewDialog

FileDialog = Callable[[QWidget], str | None]
STATUS_COLOURS = {"required": theme.STATUS_DUE_SOON, "received": theme.STATUS_NORMAL}


def _pick_file(parent: QWidget) -> str | None:
    name, _filter = QFileDialog.getOpenFileName(
        parent, "选择材料文件", "", "图片或PDF (*.jpg *.jpeg *.png *.pdf);;所有文件 (*)"
    )
    return name or None


def _pdf_render(store: Store, actor: Actor, application_id: str) -> bytes:
    return render_missing_documents(missing_documents_for(store, actor, application_id))


class ImageDialog(QDialog):
    """Shows an image attachment scaled to the window."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 640)
        self.pixmap = QPixmap()
        self.pixmap.loadFromData(data)
        label = QLabel()
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setPixmap(self.pixmap.scaled(780, 580, Qt.AspectRatioMode.KeepAspectRatio))
        scroll = QScrollArea()
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)


class DocumentsPanel(QWidget):
    """Required / received / waived materials of the case with the file actions."""

    HEADERS = ["材料", "类别", "状态", "文件", "收到日期"]

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        file_dialog: FileDialog | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.application_id = ""
        self.household_id = ""
        self.documents: list[DocumentView] = []
        self.last_dialog: QDialog | None = None
        self._file_dialog = file_dialog or _pick_file
        self.table = QTableWidget()
        setup_table(self.table, self.HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(
            0, self.table.horizontalHeader().ResizeMode.Stretch
        )
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.view_selected())
        self.attach_button = QPushButton("附加文件…")
        self.view_button = QPushButton("查看附件")
        self.received_button = QPushButton("标记已收到（纸质）")
        self.waive_button = QPushButton("免于提交…")
        self.notice_button = QPushButton("打印一次性告知书")
        self.attach_button.clicked.connect(self.attach_from_dialog)
        self.view_button.clicked.connect(self.view_selected)
        self.received_button.clicked.connect(lambda: self.set_status("received"))
        self.waive_button.clicked.connect(self._ask_waive)
        self.notice_button.clicked.connect(self.print_missing_notice)
        bar = QHBoxLayout()
        for b in (self.attach_button, self.view_button, self.received_button, self.waive_button):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.notice_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        self.editable = True

    def set_documents(
        self, application_id: str, household_id: str, docs: list[DocumentView], editable: bool
    ) -> None:
        """Show the checklist; ``editable`` False greys the write buttons (read-only page)."""
        self.application_id, self.household_id = application_id, household_id
        self.documents = [d for d in docs if d.kind not in ("signature",)]
        self.editable = editable
        self.table.setRowCount(len(self.documents))
        for row, d in enumerate(self.documents):
            kind = DOCUMENT_KINDS[d.kind].title if d.kind in DOCUMENT_KINDS else d.kind
            values = [d.title, kind, d.status_label, d.file_name or "—",
                      d.received_on.isoformat() if d.received_on else ""]  # fmt: skip
            for col, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if col == 2 and d.status in STATUS_COLOURS:
                    cell.setForeground(QBrush(theme.status_color(STATUS_COLOURS[d.status])))
                self.table.setItem(row, col, cell)
        self.notice_button.setEnabled(any(d.status == "required" for d in docs))
        self._update_buttons()

    def selected(self) -> DocumentView | None:
        """The highlighted document, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.documents[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        doc = self.selected()
        self.attach_button.setEnabled(self.editable)
        self.view_button.setEnabled(bool(doc and doc.sha256))
        pending = bool(doc and doc.status == "required") and self.editable
        self.received_button.setEnabled(pending)
        self.waive_button.setEnabled(pending)

    def attach_file(self, path: str | Path) -> None:
        """Store the file; fills the selected required slot, else adds an 其他材料 entry."""
        file = Path(path)
        doc = self.selected()
        slot = doc if doc is not None and doc.status == "required" else None
        run_op(
            self, attach_document, self.store, self.actor,
            household_id=self.household_id, kind=slot.kind if slot else "other",
            data=file.read_bytes(), file_name=file.name, application_id=self.application_id,
            title=slot.title if slot else file.stem, document_id=slot.id if slot else None,
        )  # fmt: skip

    def attach_from_dialog(self) -> None:
        """Ask for a file, then attach it."""
        path = self._file_dialog(self)
        if path:
            self.attach_file(path)

    def set_status(self, status: str, note: str = "") -> None:
        """Mark the selected required document received (paper) or waived."""
        doc = self.selected()
        if doc is not None:
            run_op(self, set_document_status, self.store, self.actor, doc.id, status, note)

    def _ask_waive(self) -> None:
        note, ok = QInputDialog.getText(self, "免于提交", "免于提交的理由：")
        if ok:
            self.set_status("waived", note)

    def view_selected(self) -> None:
        """Open the selected attachment: images in a viewer, PDFs in the preview."""
        doc = self.selected()
        if doc is None or not doc.sha256:
            return
        run_op(self, read_attachment, self.store, self.actor, doc.id,
               on_done=lambda data, err: self._show_attachment(doc, data, err))  # fmt: skip

    def _show_attachment(self, doc: DocumentView, data: Any, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        if doc.mime == "application/pdf" or bytes(data[:5]) == b"%PDF-":
            dialog: QDialog = PdfPreviewDialog(data, self, title=doc.title, file_name=doc.file_name)
        else:
            dialog = ImageDialog(data, doc.title, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()

    def print_missing_notice(self) -> None:
        """一次性告知书 of the documents still required, in the print preview."""
        run_op(self, _pdf_render, self.store, self.actor, self.application_id,
               on_done=self._show_notice)  # fmt: skip

    def _show_notice(self, data: Any, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        dialog = PdfPreviewDialog(data, self, title="一次性告知书", file_name="一次性告知书.pdf")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()


class CheckPanel(QWidget):
    """家庭经济状况核对: ask for a check and read the reports once synced back."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.household_id = ""
        self.requested_note = ""
        self.request_button = QPushButton("申请家庭经济状况核对")
        self.request_button.clicked.connect(self.request_check)
        self.status_label = QLabel()
        self.status_label.setProperty("muted", True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["核对报告 / 成员 / 数据来源", "结果", "金额（元）"])
        self.tree.setColumnWidth(0, 320)
        self.tree.setColumnWidth(1, 420)
        bar = QHBoxLayout()
        bar.addWidget(self.request_button)
        bar.addWidget(self.status_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)

    def set_reports(
        self, household_id: str, reports: list[CheckReportView], editable: bool
    ) -> None:
        """Show the reports received for the household (newest first)."""
        self.household_id = household_id
        self.request_button.setEnabled(editable)
        self.tree.clear()
        for report in reports:
            top = QTreeWidgetItem(
                [f"核对报告（{report.generated_at[:19]}）", f"{len(report.members)} 人", ""]
            )
            for member in report.members:
                person = QTreeWidgetItem([str(member.get("name", "")), "", ""])
                for item in member.get("items", []):
                    person.addChild(QTreeWidgetItem([
                        str(item.get("source", "")), str(item.get("summary", "")),
                        str(item.get("amount") or ""),
                    ]))  # fmt: skip
                top.addChild(person)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        if not reports:
            text = "尚未收到核对报告（联网同步后自动取回）"
        else:
            text = f"已收到 {len(reports)} 份核对报告"
        self.status_label.setText("；".join(t for t in (self.requested_note, text) if t))

    def request_check(self) -> None:
        """Queue the check request for the hub (sent with the next sync)."""
        run_op(self, request_economic_check, self.store, self.actor, self.household_id,
               on_done=self._requested)  # fmt: skip

    def _requested(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)
            return
        self.requested_note = (
            f"已提交核对申请（{result.member_count} 人），将在下次同步时发送到市级核对系统"
        )
        self.status_label.setText(self.requested_note)
