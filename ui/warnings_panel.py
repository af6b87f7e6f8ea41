"""预警处置: monitoring warnings sent to this office (open or disposed) and the disposal form
(who checked, what was found, how it was disposed), synced back to the hub."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.ids import mask_id
from desktop.services.base import Actor
from desktop.services.outreach.warnings import (
    DISPOSALS,
    WARNING_STATUSES,
    WRITERS,
    IntakePrefill,
    WarningView,
    dispose_warning,
    intake_for_warning,
    list_warnings,
)
from desktop.store.store import Store
from ui import ops, theme
from ui.dashboard_parts import fill_table, filter_bar, read_only_table, row_key
from ui.errors import error_message
from ui.widgets.message import MessageLine

HEADERS = ("预警日期", "预警类型", "姓名", "身份证号", "预警内容", "状态", "处置方式", "核查人",
           "处置期限", "社区", "方向")  # fmt: skip


class WarningsPanel(QWidget):
    """The office's warnings with a status filter and, for staff who may, the disposal form."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.warnings: list[WarningView] = []
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName("处置状态")
        self.status_filter.addItem("待处置", "open")
        self.status_filter.addItem("核查中", "assigned")
        self.status_filter.addItem("已处置", "disposed")
        self.status_filter.addItem("全部", None)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName("预警类别")
        self.kind_filter.addItem("全部类别", None)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.community_filter = QLineEdit()
        self.community_filter.setAccessibleName("社区")
        self.community_filter.setPlaceholderText("社区")
        self.community_filter.editingFinished.connect(self.reload)
        self.overdue_only = QCheckBox("仅逾期")
        self.overdue_only.toggled.connect(lambda _c: self.reload())
        self.table = read_only_table(HEADERS, stretch=4)
        self.table.currentCellChanged.connect(lambda *_a: self._selected())
        self.count_label = QLabel("")
        self.message = MessageLine("warningMessage")
        top = filter_bar(
            f"监测预警处置 — {actor.office_name}",
            self.count_label,
            self.status_filter,
            self.kind_filter,
            self.community_filter,
            self.overdue_only,
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        if actor.role in WRITERS:
            layout.addWidget(self._form())
        layout.addWidget(self.message)
        ops.change_bus().watch(self, {"warnings", "sync"}, lambda _k: self.reload())
        self.reload()

    def _form(self) -> QGroupBox:
        box = QGroupBox("处置所选预警")
        self.target = QLabel("请先在上表中选择一条预警")
        self.checked_by = QLineEdit(self.actor.display_name)
        self.checked_by.setAccessibleName("核查人")
        self.finding = QPlainTextEdit()
        self.finding.setAccessibleName("核查情况")
        self.finding.setPlaceholderText(
            "入户或电话核查的情况，如：核实其配偶已于本月就业，月收入约3000元"
        )
        self.finding.setFixedHeight(70)
        self.disposal = QComboBox()
        self.disposal.setAccessibleName("处置方式")
        for code, label in DISPOSALS.items():
            self.disposal.addItem(label, code)
        self.referral_to = QLineEdit()
        self.referral_to.setAccessibleName("转介单位")
        self.referral_to.setPlaceholderText("转介时填写，如：区残联")
        self.intake_button = QPushButton("纳入救助：预填申请…")
        self.intake_button.setToolTip("按低收入人口库和预警依据预填救助申请，提交后记为纳入救助")
        self.intake_button.clicked.connect(self.open_intake)
        self.intake_dialog: QWidget | None = None
        self.dispose_button = QPushButton("保存处置")
        self.dispose_button.clicked.connect(self.dispose_selected)
        form = QFormLayout(box)
        form.addRow("预警", self.target)
        form.addRow("核查人", self.checked_by)
        form.addRow("核查情况", self.finding)
        row = QHBoxLayout()
        row.addWidget(self.disposal, 1)
        row.addWidget(self.dispose_button)
        form.addRow("处置方式", row)
        form.addRow("转介单位", self.referral_to)
        form.addRow("", self.intake_button)
        return box

    def _id_text(self, number: str) -> str:
        return number if self.actor.sees_full_personal_data() else mask_id(number)

    def reload(self) -> None:
        status = self.status_filter.currentData()
        ops.run_op(
            self,
            list_warnings,
            self.store,
            self.actor.office_id,
            status,
            kind=self.kind_filter.currentData(),
            community=self.community_filter.text().strip() or None,
            overdue_only=self.overdue_only.isChecked(),
            on_done=self._listed,
        )

    def _listed(self, rows: list[WarningView] | None, error: BaseException | None) -> None:
        if error is not None or rows is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self.warnings = rows
        self.count_label.setText(f"共 {len(rows)} 条")
        for w in rows:  # kinds seen so far become filter choices
            if w.kind and self.kind_filter.findData(w.kind) < 0:
                self.kind_filter.addItem(w.evidence.get("feed") or w.kind, w.kind)
        fill_table(
            self.table,
            [
                (w.date.isoformat() if w.date else "", w.warning_type, w.name,
                 self._id_text(w.id_number), w.detail,
                 (WARNING_STATUSES[w.status], theme.ERROR if w.status == "open" else None),
                 w.disposal_label, w.checked_by,
                 ((w.deadline.isoformat() if w.deadline else "")
                  + ("（已督办）" if w.escalated_on else ""), theme.ERROR if w.overdue else None),
                 w.community, w.direction_label)
                for w in rows
            ],
            [w.id for w in rows],
        )  # fmt: skip
        self._selected()

    def selected_warning(self) -> WarningView | None:
        key = row_key(self.table)
        return next((w for w in self.warnings if w.id == key), None)

    def _selected(self) -> None:
        if self.actor.role not in WRITERS:
            return
        w = self.selected_warning()
        self.target.setText(
            f"{w.name}（{self._id_text(w.id_number)}）{w.warning_type}：{w.detail}"
            if w
            else "请先在上表中选择一条预警"
        )
        if w is not None and w.status == "disposed":
            self.finding.setPlainText(w.finding)
            self.checked_by.setText(w.checked_by)
            self.disposal.setCurrentIndex(max(self.disposal.findData(w.disposal), 0))

    def dispose_selected(self) -> None:
        w = self.selected_warning()
        if w is None:
            self._say("预警：请先在上表中选择一条预警", error=True)
            return
        ops.run_op(
            self,
            dispose_warning,
            self.store,
            self.actor,
            w.id,
            self.checked_by.text(),
            self.finding.toPlainText(),
            self.disposal.currentData(),
            referral_to=self.referral_to.text(),
            on_done=self._disposed,
        )

    def open_intake(self) -> None:
        """纳入救助: open the intake window prefilled from the registry and the evidence; the
        application it files is recorded as the warning's outcome."""
        w = self.selected_warning()
        if w is None:
            self._say("预警：请先在上表中选择一条预警", error=True)
            return
        ops.run_op(self, intake_for_warning, self.store, self.actor, w.id, on_done=self._prefilled)

    def _prefilled(self, pre: IntakePrefill | None, error: BaseException | None) -> None:
        if error is not None or pre is None:
            self._say(error_message(error) if error else "", error=True)
            return
        from ui.intake import IntakeDialog

        dialog = IntakeDialog(self.store, self.actor, self)
        dialog.restore(
            {
                "household": {
                    "residence_office_id": pre.residence_office_id or self.actor.office_id,
                    "hukou_office_id": pre.hukou_office_id or self.actor.office_id,
                    "community": pre.community,
                },
                "members": [
                    {"name": pre.name, "id_number": pre.id_number, "relation": "applicant"}
                ],
                "application": {"assistance_type": pre.assistance_type, "reason": pre.reason},
            }
        )
        dialog.finished.connect(lambda _r: self._intake_closed(dialog, pre))
        self.intake_dialog = dialog
        dialog.show()

    def _intake_closed(self, dialog: QWidget, pre: IntakePrefill) -> None:
        result = getattr(dialog, "result_value", None)
        self.intake_dialog = None
        if result is None:
            return
        ops.run_op(
            self,
            dispose_warning,
            self.store,
            self.actor,
            pre.warning_id,
            self.checked_by.text(),
            self.finding.toPlainText() or f"已提交救助申请{result.application.number}",
            "add_to_coverage",
            new_case_id=result.application.id,
            on_done=self._disposed,
        )

    def _disposed(self, view: WarningView | None, error: BaseException | None) -> None:
        if error is not None or view is None:
            self._say(error_message(error) if error else "", error=True)
            return
        self._say(f"已处置：{view.name} {view.warning_type} — {view.disposal_label}")
        self.finding.clear()
        self.reload()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.say(text, error)
