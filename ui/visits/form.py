"""The visit form (走访记录), usable at tablet size: date, who was met, the checklist, notes,
photos, the family's signature, 明白纸, a change in the family and the problems found. Every
edit is kept as a draft on this computer (it survives a crash); 提交 records it in the core."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.policy.codes import PROBLEM_URGENCIES
from desktop.domain.visits import CHANGE_KINDS, CHECK_ANSWERS, CHECKLIST, PROBLEM_CATEGORIES
from desktop.services.base import Actor
from desktop.services.family.drafts import load_draft, save_draft
from desktop.services.outreach.visit_problems import ProblemInput
from desktop.services.outreach.visits import (
    DRAFT_KIND,
    Target,
    VisitInput,
    VisitView,
    submit_visit_with_files,
)
from desktop.store.store import Store
from ui import ops, theme
from ui.errors import error_message
from ui.widgets.photos import PhotoPicker
from ui.widgets.signature_pad import SignaturePad

AUTOSAVE_MS = 800
# Big enough to tap on a tablet.
TOUCH_STYLE = "QComboBox, QLineEdit, QPushButton, QDateEdit { min-height: 30px; font-size: 14px; }"


class VisitForm(QWidget):
    """The record of one visit to ``target``; ``submitted(view)`` after it is stored."""

    submitted = Signal(object)

    def __init__(
        self, store: Store, actor: Actor, target: Target, parent: QWidget | None = None,
        *, today: date | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.store, self.actor, self.target = store, actor, target
        self.today = today or date.today()
        self.problems: list[dict[str, str]] = []
        self._loading = False
        self.setStyleSheet(TOUCH_STYLE)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_draft_now)
        body = QWidget()
        column = QVBoxLayout(body)
        who = QLabel(f"{target.community}　{target.name}（{target.id_number}）　{target.address}"
                     f"\n走访类别：{target.category_labels}，每{target.interval_days}天走访一次")  # fmt: skip
        who.setWordWrap(True)
        who.setStyleSheet("font-weight: bold;")
        column.addWidget(who)
        column.addWidget(self._basics())
        column.addWidget(self._checklist())
        column.addWidget(self._change_box())
        column.addWidget(self._problem_box())
        column.addWidget(self._files_box())
        self.status = QLabel("")
        self.status.setObjectName("visitStatus")
        self.status.setWordWrap(True)
        self.submit_button = QPushButton("提交走访记录")
        self.submit_button.setObjectName("submitVisit")
        self.submit_button.clicked.connect(self.submit)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.submit_button)
        column.addLayout(bar)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._connect()
        ops.run_op(self, load_draft, store, actor, DRAFT_KIND, target.household_id,
                   on_done=self._draft_loaded)  # fmt: skip

    # ------------------------------------------------------------------ building
    def _basics(self) -> QGroupBox:
        box = QGroupBox("走访情况")
        self.visited_on = QDateEdit()
        self.visited_on.setCalendarPopup(True)
        self.visited_on.setDisplayFormat("yyyy-MM-dd")
        self.visited_on.setDate(QDate(self.today.year, self.today.month, self.today.day))
        self.visited_on.setAccessibleName("走访日期")
        self.met = QLineEdit()
        self.met.setAccessibleName("见到的人")
        self.met.setPlaceholderText("如：户主、户主之子（多人用顿号分隔）")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("走访情况")
        self.notes.setFixedHeight(70)
        self.leaflet = QCheckBox("已发放明白纸（政策明白纸）")
        form = QFormLayout(box)
        form.addRow("走访日期", self.visited_on)
        form.addRow("见到的人", self.met)
        form.addRow("走访情况", self.notes)
        form.addRow("", self.leaflet)
        return box

    def _checklist(self) -> QGroupBox:
        box = QGroupBox("走访检查项")
        grid = QGridLayout(box)  # two items a row: the whole list fits a tablet screen
        self.answers: dict[str, QComboBox] = {}
        for n, (key, label) in enumerate(CHECKLIST.items()):
            combo = QComboBox()
            combo.setAccessibleName(f"检查项（{label}）")
            combo.addItem("请选择", "")
            for code, text in CHECK_ANSWERS.items():
                combo.addItem(text, code)
            self.answers[key] = combo
            grid.addWidget(QLabel(label), n // 2, (n % 2) * 2)
            grid.addWidget(combo, n // 2, (n % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def _change_box(self) -> QGroupBox:
        box = QGroupBox("家庭变化")
        self.change_kind = QComboBox()
        self.change_kind.setAccessibleName("家庭变化")
        self.change_kind.addItem("无变化", "")
        for code, label in CHANGE_KINDS.items():
            self.change_kind.addItem(label, code)
        self.change_detail = QPlainTextEdit()
        self.change_detail.setAccessibleName("变化情况")
        self.change_detail.setFixedHeight(50)
        form = QFormLayout(box)
        form.addRow("变化类型", self.change_kind)
        form.addRow("变化情况", self.change_detail)
        return box

    def _problem_box(self) -> QGroupBox:
        box = QGroupBox("发现问题")
        self.problem_category = QComboBox()
        self.problem_category.setAccessibleName("问题类别")
        self.problem_category.addItem("请选择", "")
        for code, label in PROBLEM_CATEGORIES.items():
            self.problem_category.addItem(label, code)
        self.problem_urgency = QComboBox()
        self.problem_urgency.setAccessibleName("紧急程度")
        for code, label in PROBLEM_URGENCIES.items():
            self.problem_urgency.addItem(label, code)
        self.problem_urgency.setCurrentIndex(list(PROBLEM_URGENCIES).index("normal"))
        self.problem_text = QLineEdit()
        self.problem_text.setAccessibleName("问题描述")
        self.add_problem_button = QPushButton("添加问题")
        self.add_problem_button.clicked.connect(self.add_problem)
        self.problem_list = QListWidget()
        self.problem_list.setFixedHeight(60)
        row = QHBoxLayout()
        row.addWidget(self.problem_category)
        row.addWidget(self.problem_urgency)
        row.addWidget(self.problem_text, 1)
        row.addWidget(self.add_problem_button)
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(self.problem_list)
        return box

    def _files_box(self) -> QGroupBox:
        box = QGroupBox("照片与被访人签字")
        self.photos = PhotoPicker(self)
        self.photos.setMinimumHeight(150)
        self.signature = SignaturePad(self, caption="被访人签字")
        self.signed_by = QLineEdit()
        self.signed_by.setAccessibleName("签字人")
        self.signed_by.setPlaceholderText("签字人姓名")
        column = QVBoxLayout(box)
        column.addWidget(self.photos)
        column.addWidget(self.signature)
        column.addWidget(self.signed_by)
        return box

    def _connect(self) -> None:
        for combo in (*self.answers.values(), self.change_kind):
            combo.currentIndexChanged.connect(self._changed)
        for line in (self.met, self.signed_by):
            line.textChanged.connect(self._changed)
        for text in (self.notes, self.change_detail):
            text.textChanged.connect(self._changed)
        self.leaflet.toggled.connect(self._changed)
        self.visited_on.dateChanged.connect(self._changed)
        self.photos.changed.connect(self._changed)

    # ------------------------------------------------------------------ the draft
    def visited_day(self) -> date:
        day: date = self.visited_on.date().toPython()  # type: ignore[assignment]
        return day

    def draft(self) -> dict[str, Any]:
        """The form as a draft (photo paths, not their bytes; the signature is drawn again)."""
        return {
            "visited_on": self.visited_day().isoformat(),
            "met": self.met.text(),
            "checklist": {k: c.currentData() for k, c in self.answers.items()},
            "notes": self.notes.toPlainText(),
            "leaflet": self.leaflet.isChecked(),
            "change_kind": self.change_kind.currentData(),
            "change_detail": self.change_detail.toPlainText(),
            "signed_by": self.signed_by.text(),
            "problems": list(self.problems),
            "photos": [path for path, _sha in self.photos.paths_and_hashes()],
        }

    def _draft_loaded(self, data: dict | None, error: BaseException | None) -> None:
        if error is not None or not data:
            return
        self._loading = True
        try:
            day = date.fromisoformat(str(data.get("visited_on") or self.today.isoformat()))
            self.visited_on.setDate(QDate(day.year, day.month, day.day))
            self.met.setText(str(data.get("met") or ""))
            for key, combo in self.answers.items():
                combo.setCurrentIndex(
                    max(0, combo.findData((data.get("checklist") or {}).get(key, "")))
                )
            self.notes.setPlainText(str(data.get("notes") or ""))
            self.leaflet.setChecked(bool(data.get("leaflet")))
            self.change_kind.setCurrentIndex(
                max(0, self.change_kind.findData(data.get("change_kind") or ""))
            )
            self.change_detail.setPlainText(str(data.get("change_detail") or ""))
            self.signed_by.setText(str(data.get("signed_by") or ""))
            self.problems = [dict(p) for p in data.get("problems") or []]
            self._show_problems()
            self.photos.add_files([p for p in data.get("photos") or [] if p])
        finally:
            self._loading = False
        self.status.setText("已恢复上次未提交的草稿")

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self._timer.start(AUTOSAVE_MS)

    def save_draft_now(self) -> None:
        """Keep the form as this user's draft on this computer."""
        self._timer.stop()
        ops.run_op(self, save_draft, self.store, self.actor, DRAFT_KIND,
                   self.target.household_id, self.draft(), on_done=self._draft_saved)  # fmt: skip

    def _draft_saved(self, info: Any, error: BaseException | None) -> None:
        if error is None and info is not None:
            self.status.setText(f"草稿已保存 {info.saved_at:%H:%M:%S}")

    # ------------------------------------------------------------------ problems
    def add_problem(self) -> None:
        """Add the problem typed in the row to the visit (checked on submit)."""
        self.problems.append({
            "category": self.problem_category.currentData(),
            "urgency": self.problem_urgency.currentData(),
            "description": self.problem_text.text(),
        })  # fmt: skip
        self.problem_text.clear()
        self.problem_category.setCurrentIndex(0)
        self._show_problems()
        self._changed()

    def _show_problems(self) -> None:
        self.problem_list.clear()
        for p in self.problems:
            label = PROBLEM_CATEGORIES.get(p.get("category", ""), "未选类别")
            self.problem_list.addItem(
                f"{label}（{PROBLEM_URGENCIES.get(p.get('urgency', ''), '')}）：{p.get('description', '')}"
            )

    # ------------------------------------------------------------------ submit
    def visit_input(self) -> VisitInput:
        return VisitInput(
            household_id=self.target.household_id,
            visited_on=self.visited_day(),
            met=self.met.text(),  # type: ignore[arg-type]  # the core splits the names
            checklist={k: c.currentData() for k, c in self.answers.items()},
            notes=self.notes.toPlainText(),
            signed_by=self.signed_by.text(),
            leaflet_given=self.leaflet.isChecked(),
            change_kind=self.change_kind.currentData(),
            change_detail=self.change_detail.toPlainText(),
            problems=[
                ProblemInput(
                    p.get("category", ""), p.get("description", ""), p.get("urgency") or "normal"
                )
                for p in self.problems
            ],  # fmt: skip
        )

    def submit(self) -> None:
        """Store photos, signature and the visit in one go; a refusal keeps the draft."""
        self.save_draft_now()
        photos = [(p.path.name, p.path.read_bytes()) for p in self.photos.photos()]
        signature = (
            None if self.signature.is_empty() else self.signature.to_png(white_background=True)
        )
        self.submit_button.setEnabled(False)
        ops.run_op(
            self, submit_visit_with_files, self.store, self.actor, self.visit_input(),
            photos=photos, signature_png=signature, draft_key=self.target.household_id,
            on_done=self._submitted,
        )  # fmt: skip

    def _submitted(self, view: VisitView | None, error: BaseException | None) -> None:
        self.submit_button.setEnabled(True)
        if error is not None or view is None:
            self.status.setText(error_message(error) if error else "")
            self.status.setStyleSheet(f"color: {theme.ERROR};")
            return
        self._timer.stop()
        self.status.setStyleSheet("")
        found = f"，发现问题 {len(view.problem_ids)} 个" if view.problem_ids else ""
        self.status.setText(f"走访记录已提交（{view.visited_on}）{found}")
        self.submitted.emit(view)
