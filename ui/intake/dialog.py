"""新建申请: the keyboard-first intake wizard with autosaved drafts and the 一次性告知书."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.base import Actor
from desktop.services.family.drafts import delete_draft, load_draft, save_draft
from desktop.services.family.search import communities
from desktop.store.store import Store
from printing.records import list_offices
from ui import ops
from ui.errors import error_message, show_error
from ui.intake.application_page import ApplicationPage
from ui.intake.finances_page import FinancesPage
from ui.intake.household_page import HouseholdPage
from ui.intake.members_page import MembersPage
from ui.intake.model import (
    DRAFT_KEY,
    DRAFT_KIND,
    IntakeResult,
    empty_intake,
    file_intake,
    missing_documents_pdf,
)
from ui.intake.summary_page import SummaryPage
from ui.screen import fit_to_screen
from ui.widgets.pdf_preview import PdfPreviewDialog

AUTOSAVE_MS = 3000


class IntakeDialog(QDialog):
    """Five pages; Enter moves through the fields, Alt+N / Alt+B between pages, Alt+S files."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.setWindowTitle("新建申请")
        fit_to_screen(self, 1180, 760)
        self.result_value: IntakeResult | None = None
        self.preview: PdfPreviewDialog | None = None
        self._dirty = False
        self._pending_draft: dict[str, Any] | None = None
        offices = list_offices(store)
        self.office_names = {o.id: o.name for o in offices}
        self.household = HouseholdPage(offices, actor.office_id, communities(store))
        self.members = MembersPage(store, actor)
        self.finances = FinancesPage()
        self.application = ApplicationPage()
        self.summary = SummaryPage()
        self.pages: list[Any] = [
            self.household,
            self.members,
            self.finances,
            self.application,
            self.summary,
        ]
        self._build()
        self.application.restore({})
        self.members.set_form({})
        self._wire()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self.go_to(0)
        ops.run_op(
            self, load_draft, store, actor, DRAFT_KIND, DRAFT_KEY, on_done=self._draft_loaded
        )

    def _build(self) -> None:
        self.steps = QListWidget()
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setFixedWidth(150)
        for index, page in enumerate(self.pages, start=1):
            self.steps.addItem(f"{index}. {page.title}")
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(page)
        self.banner = QFrame()
        self.banner.setObjectName("draftBanner")
        self.banner.setStyleSheet("#draftBanner { background: #fff1d0; border-radius: 4px; }")
        self.banner_label = QLabel()
        self.resume_button = QPushButton("继续上次未完成的录入（Alt+R）")
        self.discard_button = QPushButton("放弃草稿")
        banner_row = QHBoxLayout(self.banner)
        banner_row.addWidget(self.banner_label, 1)
        banner_row.addWidget(self.resume_button)
        banner_row.addWidget(self.discard_button)
        self.banner.hide()
        self.back_button = QPushButton("上一步（Alt+B）")
        self.next_button = QPushButton("下一步（Alt+N）")
        self.submit_button = QPushButton("提交受理（Alt+S）")
        self.print_button = QPushButton("打印一次性告知书（Alt+P）")
        self.close_button = QPushButton("关闭")
        self.saved_label = QLabel()
        self.saved_label.setProperty("muted", True)
        bar = QHBoxLayout()
        bar.addWidget(self.saved_label, 1)
        for button in (
            self.back_button,
            self.next_button,
            self.submit_button,
            self.print_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
            bar.addWidget(button)
        right = QVBoxLayout()
        right.addWidget(self.banner)
        right.addWidget(self.stack, 1)
        right.addLayout(bar)
        layout = QHBoxLayout(self)
        layout.addWidget(self.steps)
        layout.addLayout(right, 1)

    def _wire(self) -> None:
        self.back_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        self.submit_button.clicked.connect(self.submit)
        self.print_button.clicked.connect(self.print_notice)
        self.close_button.clicked.connect(self.reject)
        self.resume_button.clicked.connect(self.resume_draft)
        for key, slot in (
            ("Alt+N", self.next_page),
            ("Alt+B", self.previous_page),
            ("Alt+S", self._submit_key),
            ("Alt+P", self.print_notice),
            ("Alt+R", self._resume_key),
        ):
            QShortcut(QKeySequence(key), self, slot)
        self.discard_button.clicked.connect(self.discard_draft)
        self.household.form.submitted.connect(self.next_page)
        self.household.bank.form.submitted.connect(self.next_page)
        self.members.advance.connect(self.next_page)
        self.application.form.submitted.connect(self.next_page)
        for page in (self.household, self.members, self.finances, self.application):
            page.changed.connect(self._mark_dirty)

    # ------------------------------------------------------------------ pages
    def current(self) -> int:
        return self.stack.currentIndex()

    def go_to(self, index: int) -> None:
        """Show page ``index`` (no checks) and save the draft."""
        if index == 2:
            self.finances.set_members(self.members.members)
        if index == 4 and self.result_value is None:
            self.summary.show_data(self.data(), self.office_names)
        self.stack.setCurrentIndex(index)
        self.steps.setCurrentRow(index)
        done = self.result_value is not None
        self.back_button.setEnabled(index > 0 and not done)
        self.next_button.setEnabled(index < 4)
        self.submit_button.setVisible(index == 4 and not done)
        self.submit_button.setDefault(index == 4 and not done)
        self.print_button.setVisible(done)
        self.pages[index].first_focus().setFocus(Qt.FocusReason.OtherFocusReason)
        if not done:
            self.autosave(force=True)

    def next_page(self) -> bool:
        """Check the page; go on when it is valid."""
        index = self.current()
        if index >= 4 or not self.pages[index].validate():
            return False
        self.go_to(index + 1)
        return True

    def _submit_key(self) -> None:
        if self.submit_button.isVisible() and self.submit_button.isEnabled():
            self.submit()

    def _resume_key(self) -> None:
        if self.banner.isVisible():
            self.resume_draft()

    def previous_page(self) -> None:
        if self.current() > 0:
            self.go_to(self.current() - 1)

    # ------------------------------------------------------------------ data and drafts
    def data(self) -> dict[str, Any]:
        """Everything typed, as the draft stores it."""
        members, form = self.members.data()
        incomes, assets = self.finances.data()
        return {
            "page": self.current(),
            "household": self.household.data(),
            "members": members,
            "member_form": form,
            "incomes": incomes,
            "assets": assets,
            "application": self.application.data(),
            "bank": self.household.bank.data(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Fill every page from ``data`` (a draft) and show the page it was on."""
        base = empty_intake(self.actor.office_id)
        self.household.restore({**base["household"], **data.get("household", {})})
        self.members.restore(data.get("members", []), data.get("member_form", {}))
        self.finances.restore(data.get("incomes", []), data.get("assets", []))
        self.application.restore(data.get("application", {}))
        self.household.bank.restore({**base["bank"], **(data.get("bank") or {})})
        self.go_to(min(max(int(data.get("page", 0)), 0), 3))

    def _mark_dirty(self) -> None:
        self._dirty = True
        if self._pending_draft is not None:
            # Typing before choosing starts a new entry; its autosave replaces the old draft.
            self._pending_draft = None
            self.banner.hide()

    def autosave(self, force: bool = False) -> None:
        """Save the draft now if anything changed since the last save (or when forced)."""
        if self.result_value is not None or self._pending_draft is not None:
            return
        if not (self._dirty or force) or not self._has_content():
            return
        self._dirty = False
        ops.run_op(
            self,
            save_draft,
            self.store,
            self.actor,
            DRAFT_KIND,
            DRAFT_KEY,
            self.data(),
            on_done=self._saved,
        )

    def _has_content(self) -> bool:
        h = self.household.data()
        _members, form = self.members.data()
        return bool(
            h["address"] or h["community"] or h["phone"] or self.members.members or form["name"]
        )

    def _saved(self, info: Any, error: BaseException | None) -> None:
        if error is not None:
            self.saved_label.setText(f"草稿未能保存：{error_message(error)}")
            return
        self.saved_label.setText(f"草稿已自动保存（{info.saved_at:%H:%M:%S}）")

    def _draft_loaded(self, data: Any, error: BaseException | None) -> None:
        if error is not None or not data:
            return
        self._pending_draft = data
        members = data.get("members") or []
        who = f"，申请人 {members[0]['name']}" if members else ""
        self.banner_label.setText(
            f"发现上次未完成的录入{who}（未提交）。直接开始录入将替换该草稿。"
        )
        self.banner.show()
        self.resume_button.setFocus()

    def resume_draft(self) -> None:
        """继续上次未完成的录入."""
        data, self._pending_draft = self._pending_draft, None
        self.banner.hide()
        if data:
            self.restore(data)

    def discard_draft(self) -> None:
        self._pending_draft = None
        self.banner.hide()
        ops.run_op(self, delete_draft, self.store, self.actor, DRAFT_KIND, DRAFT_KEY)
        self.go_to(0)

    # ------------------------------------------------------------------ filing
    def submit(self) -> None:
        """File everything as one core call on the writer thread (all or nothing)."""
        self.submit_button.setEnabled(False)
        self.summary.set_status("正在保存…", error=False)
        ops.run_op(
            self,
            file_intake,
            self.store,
            self.actor,
            self.data(),
            on_done=self._submitted,
            progress_text="正在保存申请…",
        )

    def _submitted(self, result: IntakeResult | None, error: BaseException | None) -> None:
        self.submit_button.setEnabled(True)
        if error is not None or result is None:
            message = error_message(error) if error else "保存失败"
            message += "\n（未保存任何内容；已录入的信息保留在草稿中，修改后可再次提交。）"
            self.summary.set_status(f"未能受理：{message}", error=True)
            self.autosave(force=True)
            if error is not None:
                show_error(self, error)
            return
        self.result_value = result
        self.autosave_timer.stop()
        ops.run_op(self, delete_draft, self.store, self.actor, DRAFT_KIND, DRAFT_KEY)
        self.summary.show_result(result)
        self.saved_label.setText("")
        self.go_to(4)
        self.print_button.setFocus()

    def print_notice(self) -> None:
        """Open the 一次性告知书 of the filed application in the print preview."""
        if self.result_value is None:
            return
        ops.run_op(
            self,
            missing_documents_pdf,
            self.store,
            self.actor,
            self.result_value.application.id,
            on_done=self._show_notice,
            progress_text="正在生成一次性告知书…",
        )

    def _show_notice(self, pdf: bytes | None, error: BaseException | None) -> None:
        if error is not None or pdf is None:
            if error is not None:
                show_error(self, error)
            return
        app = self.result_value.application if self.result_value else None
        name = f"一次性告知书-{app.number}.pdf" if app else "一次性告知书.pdf"
        self.preview = PdfPreviewDialog(pdf, self, title="一次性告知书", file_name=name)
        self.preview.open()

    # ------------------------------------------------------------------ closing
    def reject(self) -> None:
        """Close; what was typed stays as a draft for next time."""
        self.autosave(force=True)
        self.autosave_timer.stop()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.autosave(force=True)
        self.autosave_timer.stop()
        super().closeEvent(event)
