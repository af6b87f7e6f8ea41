"""The case page: one tab per opened case — summary, household, assessment, timeline and
deadlines, documents, economic check, the workflow steps this user may take, and letters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.workflow import ActionOption
from desktop.money import fmt_yuan
from desktop.services.base import Actor
from desktop.services.cases.case_overview import (
    CasePageData,
    case_page_data,
    may_fill_survey,
    printable_letters,
)
from desktop.services.cases.workflow import perform, record_survey_from_record, start_payment
from desktop.services.changes import Change
from desktop.store.store import Store
from printing.case_files import (
    DOSSIER,
    file_print_options,
    render_case_dossier,
    render_case_survey,
)
from printing.letters import render_case_letter
from ui import theme
from ui.cases.actions import ActionDialog, ActionPanel, fields_for
from ui.cases.documents import CheckPanel, DocumentsPanel, FileDialog
from ui.cases.household import AssessmentTab, HouseholdTab
from ui.cases.support_tab import SupportTab
from ui.cases.timeline import DeadlineTable, TimelineTable
from ui.errors import error_message, show_error
from ui.ops import change_bus, run_op
from ui.widgets.pdf_preview import PdfPreviewDialog

WATCHED = {
    Change.CASES,
    Change.DOCUMENTS,
    Change.SURVEYS,
    Change.CHECKS,
    Change.HOUSEHOLDS,
    Change.PERSONS,
    Change.FINANCES,
}
BANNER_STYLE = (
    f"background: {theme.STATUS_TINT[theme.STATUS_DUE_SOON]};"
    f" color: {theme.STATUS_TEXT[theme.STATUS_DUE_SOON]};"
    " border: 1px solid #e0b252; border-radius: 4px; padding: 6px 10px; font-weight: bold;"
)
SUMMARY_FIELDS = [
    ("number", "申请编号"), ("type", "救助类别"), ("state", "办理状态"), ("amount", "救助金额"),
    ("residence", "居住地街道"), ("hukou", "户籍地街道"), ("applied", "申请日期"),
    ("channel", "申请渠道"), ("proxy", "代办人"), ("holder", "当前办理方"),
    ("address", "居住地址"), ("survey", "入户调查表"),
]  # fmt: skip


class CasePage(QWidget):
    """Everything about one case; refreshes itself when the ChangeBus reports a change."""

    title_changed = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        application_id: str,
        parent: QWidget | None = None,
        *,
        file_dialog: FileDialog | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.application_id = application_id
        self.data: CasePageData | None = None
        self.tab_title = "案件"
        self.dialog: ActionDialog | None = None
        self.survey_window: QWidget | None = None
        self.preview: QDialog | None = None
        self.setObjectName("casePage")
        self._build(file_dialog)
        change_bus().watch(self, WATCHED, lambda _kinds: self.refresh())
        self.refresh()

    # ------------------------------------------------------------------ layout
    def _build(self, file_dialog: FileDialog | None) -> None:
        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.title = QLabel()
        self.title.setObjectName("caseTitle")
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.state_label = QLabel()
        self.state_label.setObjectName("stateLabel")
        self.message = QLabel()
        self.message.setObjectName("caseMessage")
        self.message.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.state_label)
        head.addStretch(1)
        head.addWidget(self.message, 2)
        self.summary: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for i, (key, label) in enumerate(SUMMARY_FIELDS):
            name = QLabel(label + "：")
            name.setProperty("muted", True)
            value = QLabel()
            value.setObjectName(f"summary_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.summary[key] = value
            grid.addWidget(name, i // 4, (i % 4) * 2)
            grid.addWidget(value, i // 4, (i % 4) * 2 + 1)
        for col in (1, 3, 5, 7):
            grid.setColumnStretch(col, 1)
        self.tabs = QTabWidget()
        self.household = HouseholdTab(self.store, self.actor)
        self.assessment = AssessmentTab(self.store, self.actor)
        self.timeline = TimelineTable()
        self.deadlines = DeadlineTable()
        self.documents = DocumentsPanel(self.store, self.actor, file_dialog=file_dialog)
        self.checks = CheckPanel(self.store, self.actor)
        self.support = SupportTab(self.store, self.actor)
        history = QWidget()
        hl = QVBoxLayout(history)
        hl.addWidget(QLabel("<b>办理时限</b>"))
        hl.addWidget(self.deadlines, 1)
        hl.addWidget(QLabel("<b>办理记录</b>"))
        hl.addWidget(self.timeline, 3)
        for widget, label in ((self.household, "家庭情况"), (self.assessment, "资格测算"),
                              (history, "时限和记录"), (self.documents, "申请材料"),
                              (self.checks, "经济状况核对"), (self.support, "综合帮扶")):  # fmt: skip
            self.tabs.addTab(widget, label)
        body = QHBoxLayout()
        body.addWidget(self.tabs, 3)
        body.addWidget(self._side_column(), 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(head)
        layout.addLayout(grid)
        layout.addLayout(body, 1)

    def _side_column(self) -> QWidget:
        self.step_panel = ActionPanel()
        self.step_panel.triggered.connect(self.open_action)
        steps = QGroupBox("办理")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.step_panel)
        QVBoxLayout(steps).addWidget(scroll)
        self.survey_button = QPushButton("入户调查表…")
        self.survey_button.setObjectName("surveyButton")
        self.survey_button.clicked.connect(self.open_survey)
        self.survey_reason = QLabel()
        self.survey_reason.setProperty("muted", True)
        self.survey_reason.setWordWrap(True)
        survey = QGroupBox("入户调查")
        sl = QVBoxLayout(survey)
        sl.addWidget(self.survey_button)
        sl.addWidget(self.survey_reason)
        self.print_box = QGroupBox("打印文书")
        self.print_layout = QVBoxLayout(self.print_box)
        self.print_buttons: dict[str, QPushButton] = {}
        self.file_buttons: dict[str, QPushButton] = {}
        for kind, title, _reason in file_print_options(self.actor, False, "未填写"):
            button = QPushButton(f"打印{title}…")
            button.setObjectName(f"print_{kind}")
            button.clicked.connect(self._print_file(kind, title))
            self.print_layout.addWidget(button)
            self.file_buttons[kind] = button
        column = QWidget()
        cl = QVBoxLayout(column)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(steps, 3)
        cl.addWidget(survey)
        cl.addWidget(self.print_box)
        column.setMinimumWidth(330)
        return column

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        """Reload everything off the UI thread."""
        run_op(self, case_page_data, self.store, self.actor, self.application_id,
               on_done=self._loaded)  # fmt: skip

    def _loaded(self, data: CasePageData | None, error: BaseException | None) -> None:
        if error is not None or data is None:
            self.message.setText(error_message(error) if error else "")
            return
        self.data = data
        c = data.overview
        locked = c.read_only_reason
        self.banner.setText(f"只读：{locked}" if locked else "")
        self.banner.setVisible(bool(locked))
        self.title.setText(f"{c.applicant_name}　{c.number}")
        self.timeline.set_items(data.timeline, data.office_names)
        self.deadlines.set_deadlines(data.deadlines)
        self.state_label.setText(c.state_cn)
        theme.set_status(self.state_label, self._state_status())
        self._fill_summary(data)
        self.household.set_case(c)
        self.assessment.set_case(c, editable=not locked)
        self.documents.set_documents(c.id, c.household_id, data.documents, editable=not locked)
        self.checks.set_reports(c.household_id, data.check_reports, editable=not locked)
        self.support.set_household(c.household_id)
        self.step_panel.set_options(data.actions, locked)
        allowed, why = may_fill_survey(self.actor, c)
        self.survey_button.setEnabled(allowed)
        self.survey_button.setText(
            "查看入户调查表" if c.survey_status == "已定稿" else "填写入户调查表…"
        )
        self.survey_reason.setText(why or f"调查表：{c.survey_status}")
        self._fill_letters(data)
        self.tab_title = f"{c.applicant_name} {c.number}"
        self.title_changed.emit(self.tab_title)

    def _state_status(self) -> str:
        statuses = self.deadlines.statuses
        if theme.STATUS_OVERDUE in statuses:
            return theme.STATUS_OVERDUE
        if theme.STATUS_DUE_SOON in statuses:
            return theme.STATUS_DUE_SOON
        return theme.STATUS_NORMAL

    def _fill_summary(self, data: CasePageData) -> None:
        c = data.overview
        split = "（一城通办：人户分离）" if c.split else ""
        values = {
            "number": c.number, "type": c.type_cn, "state": c.state_cn,
            "amount": f"{fmt_yuan(c.amount)} 元/月" if c.amount is not None else "—",
            "residence": f"{c.residence.name}（{c.residence.code}）",
            "hukou": f"{c.hukou.name}（{c.hukou.code}）{split}",
            "applied": c.applied_on.isoformat(), "channel": c.channel_cn,
            "proxy": c.proxy_name or "无", "holder": c.holder_cn,
            "address": f"{c.community} {c.address}".strip(), "survey": c.survey_status,
        }  # fmt: skip
        for key, text in values.items():
            self.summary[key].setText(text)
            self.summary[key].setToolTip(text)

    def _fill_letters(self, data: CasePageData) -> None:
        c = data.overview
        decided = bool(c.snapshot.decision_on)
        for kind, title, reason in file_print_options(self.actor, decided, c.survey_status):
            button = self.file_buttons[kind]
            button.setEnabled(not reason)
            button.setToolTip(reason or f"预览并打印本案件的{title}")
        for button in self.print_buttons.values():
            button.deleteLater()
        self.print_buttons = {}
        for kind, title in printable_letters(data.overview.snapshot):
            button = QPushButton(f"打印{title}")
            button.setObjectName(f"print_{kind}")
            button.clicked.connect(self._print_letter(kind, title))
            self.print_layout.addWidget(button)
            self.print_buttons[kind] = button

    def _print_file(self, kind: str, title: str) -> Callable[[], None]:
        render = render_case_dossier if kind == DOSSIER else render_case_survey

        def go() -> None:
            self.message.setText(f"正在生成{title}…")
            run_op(self, render, self.store, self.actor, self.application_id,
                   on_done=lambda pdf, err: self._show_pdf(pdf, err, title),
                   progress_text=f"正在生成{title}…")  # fmt: skip

        return go

    # ------------------------------------------------------------------ steps
    def open_action(self, option: ActionOption) -> ActionDialog | None:
        """Open the parameter dialog of a step (nothing happens for a step not allowed)."""
        if self.data is None or not option.allowed or self.data.overview.read_only_reason:
            return None
        c, survey = self.data.overview, self.data.survey
        final = survey is not None and survey.locked
        missing = [d.title for d in self.data.documents if d.status == "required"]
        note = ""
        if option.action == "record_survey" and final and survey is not None:
            note = (f"按已定稿的入户调查表登记：调查日期 {survey.visited_on}，"
                    f"调查人员 {'、'.join(survey.surveyors)}，在场成员 {'、'.join(survey.members_present)}")  # fmt: skip
        fields = fields_for(option.action, c, missing=missing, survey_final=final)
        dialog = ActionDialog(option, fields, note, self)
        if option.action == "record_survey" and final and survey and survey.visited_on:
            dialog.when.set_value(survey.visited_on)
        dialog.submitted.connect(lambda params, when: self.take_step(option, params, when))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _call(
        self, action: str, params: dict[str, Any], when: date
    ) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        assert self.data is not None
        base = (self.store, self.actor, self.application_id)
        version = self.data.overview.version
        survey = self.data.survey
        if action == "start_payment":
            return start_payment, (*base, when, version)
        if action == "record_survey" and survey is not None and survey.locked:
            return record_survey_from_record, (*base, version, when)
        return perform, (*base, action, params, when, version)

    def take_step(self, option: ActionOption, params: dict[str, Any], when: date) -> None:
        """Store the step through the writer thread with the version this page shows."""
        fn, args = self._call(option.action, params, when)
        run_op(self, fn, *args, on_done=lambda _result, error: self._stepped(option, fn, error))

    def _stepped(
        self, option: ActionOption, fn: Callable[..., Any], error: BaseException | None
    ) -> None:
        dialog = self.dialog
        if error is not None:
            text = error_message(error)
            self.message.setText(f"“{option.label_cn}”未办理：{text}")
            theme.set_status(self.message, theme.STATUS_OVERDUE)
            if dialog is not None:
                dialog.show_refusal(text)
            else:
                show_error(self, error)
            return
        self.message.setText(f"已办理：{option.label_cn}")
        theme.set_status(self.message, theme.STATUS_NORMAL)
        if dialog is not None:
            dialog.done_ok()
            self.dialog = None
        if not getattr(fn, "changes", None):  # named wrappers publish nothing themselves
            change_bus().publish({Change.CASES})

    # ------------------------------------------------------------------ survey, letters
    def open_survey(self) -> QWidget | None:
        """Open the 入户调查表 of this case in its own window."""
        if self.data is None:
            return None
        from ui.survey.form import SurveyWindow

        window = SurveyWindow(self.store, self.actor, self.data.overview, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.survey_window = window
        window.show()
        return window

    def _print_letter(self, kind: str, title: str) -> Callable[[], None]:
        def go() -> None:
            run_op(self, render_case_letter, self.store, self.actor, self.application_id, kind,
                   on_done=lambda pdf, err: self._show_pdf(pdf, err, title))  # fmt: skip

        return go

    def _show_pdf(self, pdf: Any, error: BaseException | None, title: str) -> None:
        if error is not None:
            self.message.setText(f"{title}未生成：{error_message(error)}")
            show_error(self, error)
            return
        self.message.setText("")
        number = self.data.overview.number if self.data else ""
        dialog = PdfPreviewDialog(pdf, self, title=title, file_name=f"{title}-{number}.pdf")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preview = dialog
        dialog.open()
