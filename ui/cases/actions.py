"""Workflow step buttons of the case page and the small parameter dialog generated per step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.workflow import OUTCOME_LABELS, ActionOption, definition_of
from desktop.services.cases.case_overview import CaseOverview, remote_survey_allowed
from desktop.services.cases.surveys import SURVEY_MODES
from ui.intake.common import WARNING_STYLE, code_combo, code_of
from ui.widgets.fields import DateField, MoneyEdit

FAMILY_STABILITY = {
    "stable": "稳定家庭（老年、重度残疾、无劳动能力）",
    "variable": "收入不稳定或有劳动能力成员的家庭",
}
OUTCOMES = {o.value: label for o, label in OUTCOME_LABELS.items()}


@dataclass(frozen=True)
class Field:
    """One parameter of a step: ``kind`` is text, fixed (shown, not editable), secret, note,
    lines, names, money, int, choice, flag."""

    key: str
    label: str
    kind: str
    required: bool = True
    options: dict[str, str] = field(default_factory=dict)
    default: Any = None
    hint: str = ""


def _survey_fields(case: CaseOverview, survey_final: bool) -> list[Field]:
    if survey_final:
        return []
    present = [m.name for m in case.members if m.is_member]
    out = [
        Field("surveyors", "调查人员", "names", hint="至少2人，用顿号分隔"),
        Field("members_present", "在场家庭成员", "names", default="、".join(present[:1])),
        Field("findings", "调查情况", "note"),
    ]
    if remote_survey_allowed(case.assistance_type):
        out.append(Field("mode", "调查方式", "choice", options=dict(SURVEY_MODES)))
    out += [
        Field("signed_by_surveyors", "调查人员已签字", "flag", default=True),
        Field("signed_by_family", "家庭成员已签字", "flag", default=True),
    ]
    return out


def fields_for(
    action: str, case: CaseOverview, *, missing: list[str], survey_final: bool
) -> list[Field]:
    """The parameters the dialog asks for ``action`` (the 办理日期 is always asked)."""
    snap = case.snapshot
    ongoing = definition_of(snap.assistance_type).ongoing
    listed = "\n".join(snap.missing_documents)
    table: dict[str, list[Field]] = {
        "accept": [
            Field("missing_documents", "一次性告知缺件清单", "lines", False, default="\n".join(missing),
                  hint="每行一项；留空表示材料齐全"),
            Field("hard_case", "疑难案件", "flag", default=False),
        ],
        "return_for_supplement": [Field("missing_documents", "补正材料清单", "lines", hint="每行一项")],
        "resume": [Field("documents_received", "已补齐材料", "lines", default=listed)],
        "withdraw": [Field("reason", "撤回原因", "text", False)],
        "mark_hard_case": [Field("reason", "疑难情形说明", "note")],
        "record_check_report": [
            Field("reference", "核对报告编号", "fixed", default=case.check_reference,
                  hint="取自已收到的核对报告")
            if case.check_reference else Field("reference", "核对报告编号（纸质报告）", "text"),
            Field("summary", "核对结论摘要", "note", False),
        ],
        "schedule_survey": [
            Field("planned_on", "计划调查日期", "date"),
            Field("surveyors", "调查人员", "names", hint="至少2人，用顿号分隔"),
        ],
        "record_survey": _survey_fields(case, survey_final),
        "record_preliminary": [Field("opinion", "初审意见", "note")],
        "open_notice": [
            Field("posted_hukou", "已在户籍地张贴公示", "flag", default=True),
            Field("posted_residence", "已在居住地张贴公示", "flag", default=case.split),
        ],
        "record_objection": [Field("content", "异议内容", "note")],
        "record_appraisal": [
            Field("participants", "参加评议人数", "int", default=7),
            Field("result", "评议结果", "note"),
        ],
        "confirm": [
            Field("amount", "救助金额", "money", default=case.amount,
                  hint="应与资格测算的核算金额一致；不一致须写明理由并由第二审核人复核"),
            Field("amount_basis", "金额不一致的理由", "note", False),
            Field("approver_username", "第二审核人用户名", "text", False),
            Field("approver_password", "第二审核人密码", "secret", False),
            # the default is the core's reading of the family (domain.md §2.7), not "stable"
            *([Field("family_stability", "家庭类型", "choice", options=FAMILY_STABILITY,
                     default=case.family_stability)]
              if ongoing else []),
        ],
        "refuse": [Field("reasons", "不予救助理由", "lines", hint="每行一条理由，至少一条")],
        "send_refusal_letter": [Field("delivery", "送达方式", "text", False, default="当面送达")],
        "record_review": [
            Field("outcome", "核查结果", "choice", options=OUTCOMES, default="unchanged"),
            Field("new_amount", "调整后金额", "money", False, hint="增发、减发时填写"),
            Field("reasons", "调整理由", "lines", False, hint="增发、减发、停发时填写，每行一条"),
        ],
        "start_gradual_exit": [
            Field("months", "渐退期（月）", "int", default=6),
            Field("reason", "渐退原因", "note"),
        ],
        "report_change": [Field("change", "家庭变化情况", "note")],
        "report_death": [
            Field("member", "死亡成员", "choice", options={m.name: m.name for m in case.members}),
            Field("died_on", "死亡日期", "date"),
        ],
        "pay_emergency_aid": [Field("amount", "先行救助金额", "money")],
        "complete_backfill": [Field("documents_received", "补交材料", "lines", False, default=listed)],
    }  # fmt: skip
    return table.get(action, [])


def split_names(text: str) -> list[str]:
    for sep in (",", "，", ";", "；", " ", "\n"):
        text = text.replace(sep, "、")
    return [n.strip() for n in text.split("、") if n.strip()]


class ActionDialog(QDialog):
    """Asks the date and the parameters of one step; ``submitted(params, when)`` on 确定.

    The dialog stays open until the page calls ``done_ok()``; a refusal is shown in it with
    ``show_refusal`` so the person can correct the input.
    """

    submitted = Signal(object, object)  # params dict, date

    def __init__(
        self,
        option: ActionOption,
        fields: list[Field],
        note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.option = option
        self.fields = fields
        self.setWindowTitle(option.label_cn)
        self.setObjectName(f"actionDialog_{option.action}")
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.when = DateField("办理日期", maximum=date.today())
        form.addRow("办理日期", self.when)
        self.widgets: dict[str, QWidget] = {}
        for f in fields:
            widget = self._make(f)
            widget.setAccessibleName(f.label)
            if f.hint:
                widget.setToolTip(f.hint)
            self.widgets[f.key] = widget
            form.addRow(f.label + ("" if f.required or f.kind == "flag" else "（选填）"), widget)
        self.error_label = QLabel()
        self.error_label.setObjectName("actionError")
        self.error_label.setStyleSheet(WARNING_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定办理")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if note:
            info = QLabel(note)
            info.setObjectName("actionNote")
            info.setWordWrap(True)
            info.setProperty("muted", True)
            layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _make(self, f: Field) -> QWidget:
        if f.kind == "money":
            edit = MoneyEdit(f.label, required=f.required)
            edit.set_value(f.default)
            return edit
        if f.kind == "date":
            return DateField(f.label, value=f.default, maximum=date.today())
        if f.kind == "int":
            spin = QSpinBox()
            spin.setRange(0, 999)
            spin.setValue(int(f.default or 0))
            return spin
        if f.kind == "choice":
            box = code_combo(f.options, f.label)
            if f.default is not None:
                box.setCurrentIndex(max(box.findData(f.default), 0))
            return box
        if f.kind == "flag":
            check = QCheckBox()
            check.setChecked(bool(f.default))
            return check
        if f.kind in ("note", "lines"):
            text = QPlainTextEdit(str(f.default or ""))
            text.setTabChangesFocus(True)
            text.setFixedHeight(72)
            if f.hint:
                text.setPlaceholderText(f.hint)
            return text
        line = QLineEdit(str(f.default or ""))
        if f.kind == "fixed":
            line.setReadOnly(True)
        if f.kind == "secret":
            line.setEchoMode(QLineEdit.EchoMode.Password)
        if f.hint:
            line.setPlaceholderText(f.hint)
        return line

    def value(self, f: Field) -> Any:
        """The typed value of one field (None when left empty)."""
        w = self.widgets[f.key]
        if isinstance(w, MoneyEdit):
            return None if w.value() is None else str(w.value())
        if isinstance(w, DateField):
            return w.value()
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QComboBox):
            return code_of(w) or None
        if isinstance(w, QCheckBox):
            return w.isChecked()
        text = w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()  # type: ignore[attr-defined]
        if f.kind == "lines":
            return [line.strip() for line in text.splitlines() if line.strip()] or None
        if f.kind == "names":
            return split_names(text) or None
        return text.strip() or None

    def params(self) -> dict[str, Any]:
        """The parameters typed; empty optional fields are left out."""
        out: dict[str, Any] = {}
        for f in self.fields:
            value = self.value(f)
            if value is None and f.kind == "lines" and f.key == "missing_documents":
                value = []
            if value is not None:
                out[f.key] = value
        return out

    def missing_required(self) -> str | None:
        """The Chinese message for the first required field left empty."""
        for f in self.fields:
            if f.required and f.kind != "flag" and self.value(f) in (None, [], ""):
                return f"{f.label}：不能为空"
        return None

    def submit(self) -> None:
        """Check required fields here, then hand the step to the page."""
        message = self.missing_required()
        if message:
            self.show_refusal(message)
            return
        self.error_label.hide()
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.params(), self.when.value())

    def show_refusal(self, message: str) -> None:
        """Show why the step was not taken; the case is unchanged."""
        self.error_label.setText(f"未办理：{message}")
        self.error_label.show()
        self.ok_button.setEnabled(True)

    def done_ok(self) -> None:
        """The step was stored: close."""
        self.accept()


class ActionPanel(QWidget):
    """A button per step the workflow lists; a step not allowed is disabled with its reason."""

    triggered = Signal(object)  # ActionOption

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        self.buttons: dict[str, QPushButton] = {}
        self.reasons: dict[str, QLabel] = {}
        self.empty = QLabel("当前状态没有可办理的步骤")
        self.empty.setProperty("muted", True)

    def set_options(self, options: list[ActionOption], locked_reason: str = "") -> None:
        """Rebuild the buttons; ``locked_reason`` disables every step (read-only page)."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None and w is not self.empty:
                w.deleteLater()
        self.buttons.clear()
        self.reasons.clear()
        for r in range(self.grid.rowCount()):
            self.grid.setRowStretch(r, 0)
        self.grid.setRowStretch(max(len(options), 1), 1)
        if not options:
            self.grid.addWidget(self.empty, 0, 0, 1, 2)
            return
        for row, option in enumerate(options):
            allowed = option.allowed and not locked_reason
            reason = "" if allowed else (option.reason_cn or locked_reason)
            button = QPushButton(option.label_cn)
            button.setObjectName(f"action_{option.action}")
            button.setEnabled(allowed)
            button.setToolTip(reason or f"办理“{option.label_cn}”")
            button.clicked.connect(self._clicked(option))
            label = QLabel(reason)
            label.setObjectName(f"reason_{option.action}")
            label.setWordWrap(True)
            label.setProperty("muted", True)
            label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
            self.grid.addWidget(button, row, 0)
            self.grid.addWidget(label, row, 1)
            self.buttons[option.action] = button
            self.reasons[option.action] = label

    def _clicked(self, option: ActionOption) -> Callable[[], None]:
        return lambda: self.triggered.emit(option)
