"""Intake page 2: family members — a form (Enter adds the member) above the table of members."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.household import (
    DISABILITY_TYPES,
    EMPLOYMENT,
    ILLNESS_CLASSES,
    RELATIONS,
    STUDENT_LEVELS,
    WORK_CAPACITY,
    check_relations,
)
from desktop.domain.ids import parse_id
from desktop.errors import ValidationError
from desktop.services.base import Actor
from desktop.services.family.households import (
    find_person_by_id_number,
    kin_of,
    member_label,
    validate_person,
)
from desktop.store.store import Store
from ui import ops
from ui.intake.common import IdNumberEdit, code_combo, code_of, set_code
from ui.intake.model import person_input
from ui.widgets.fields import FormLayout, ValidatedLineEdit, chain, matches, max_length, required

LEVELS = {"": "无", "1": "一级", "2": "二级", "3": "三级", "4": "四级"}
COLUMNS = ("姓名", "身份证号", "性别", "出生日期", "与申请人关系", "残疾", "重病", "劳动能力")


def _no_digits(text: str) -> str | None:
    return "姓名不能包含数字" if any(ch.isdigit() for ch in text) else None


class MembersPage(QWidget):
    """Members typed one by one; the first is the applicant. Enter on an empty 姓名 moves on."""

    changed = Signal()
    advance = Signal()
    title = "家庭成员"

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.members: list[dict[str, Any]] = []
        self.duplicates: dict[str, str] = {}  # ID number → name already registered
        self._build_form()
        self.add_button = QPushButton("添加成员(&A)")
        self.add_button.clicked.connect(self.form.submit)
        self.remove_button = QPushButton("删除所选成员(&D)")
        self.remove_button.clicked.connect(self.remove_selected)
        self.edit_button = QPushButton("修改所选成员(&E)")
        self.edit_button.clicked.connect(self.edit_selected)
        self.message = QLabel()
        self.message.setObjectName("membersMessage")
        self.message.setStyleSheet("color: #b3261e;")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel(
            "逐人录入，在最后一栏按回车即添加；第一位为申请人本人。姓名为空时按回车进入下一步。"
        )
        hint.setProperty("muted", True)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

    def _build_form(self) -> None:
        self.name = ValidatedLineEdit(
            "姓名", chain(required("姓名"), max_length("姓名", 40), _no_digits)
        )
        self.id_number = IdNumberEdit("身份证号")
        self.relation = code_combo(RELATIONS, "与申请人关系")
        self.disability = code_combo(DISABILITY_TYPES, "残疾类别")
        self.level = code_combo(LEVELS, "残疾等级")
        self.illness = code_combo(ILLNESS_CLASSES, "重病类别")
        self.capacity = code_combo(WORK_CAPACITY, "劳动能力")
        self.student = code_combo(STUDENT_LEVELS, "在校情况")
        self.employment = code_combo(EMPLOYMENT, "就业情况")
        self.phone = ValidatedLineEdit(
            "联系电话", matches("联系电话", r"[0-9\- ]{7,14}", "应为7–12位数字（手机或座机）")
        )
        self.form = FormLayout()
        for label, widget in (
            ("姓名", self.name),
            ("身份证号", self.id_number),
            ("与申请人关系", self.relation),
            ("残疾类别", self.disability),
            ("残疾等级", self.level),
            ("重病类别", self.illness),
            ("劳动能力", self.capacity),
            ("在校情况", self.student),
            ("就业情况", self.employment),
            ("联系电话", self.phone),
        ):
            self.form.add_field(label, widget)
        self.form.submitted.connect(self.add_member)
        self.disability.currentIndexChanged.connect(self._disability_changed)
        self.id_number.textChanged.connect(self._id_changed)
        self.name.line_edit.installEventFilter(self)  # after the form's filter: runs first
        for edit in (self.name, self.id_number, self.phone):
            edit.textChanged.connect(lambda _t: self.changed.emit())
        combos: tuple[QComboBox, ...] = (
            self.relation,
            self.disability,
            self.level,
            self.illness,
            self.capacity,
            self.student,
            self.employment,
        )
        for box in combos:
            box.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self.name.line_edit
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.name.text().strip()
            and not self.id_number.text().strip()
        ):
            self.advance.emit()
            return True
        return False

    def first_focus(self) -> QWidget:
        return self.name.input_widget()

    def _disability_changed(self, _index: int) -> None:
        if not code_of(self.disability):
            self.level.setCurrentIndex(0)

    def _id_changed(self, _text: str) -> None:
        number = self.id_number.number()
        if number is None:
            self.id_number.set_warning(None)
            return
        same = next((m for m in self.members if m["id_number"] == number), None)
        if same is not None:
            self.id_number.set_warning(f"本户已录入该身份证号：{same['name']}")
            return
        ops.run_op(
            self,
            find_person_by_id_number,
            self.store,
            self.actor,
            number,
            on_done=lambda found, error: self._duplicate_found(number, found, error),
        )

    def _duplicate_found(self, number: str, found: Any, error: BaseException | None) -> None:
        if error is not None or self.id_number.number() != number:
            return
        if found is None:
            self.duplicates.pop(number, None)
            self.id_number.set_warning(None)
        else:
            self.duplicates[number] = found.name
            self.id_number.set_warning(f"该身份证号已登记：{found.name}")

    def form_data(self) -> dict[str, Any]:
        level = code_of(self.level)
        return {
            "name": self.name.text().strip(),
            "id_number": self.id_number.number() or self.id_number.text().strip(),
            "relation": code_of(self.relation),
            "disability_type": code_of(self.disability),
            "disability_level": int(level) if level else None,
            "illness_class": code_of(self.illness),
            "work_capacity": code_of(self.capacity),
            "student_level": code_of(self.student),
            "employment": code_of(self.employment),
            "phone": self.phone.text().strip(),
        }

    def set_form(self, m: dict[str, Any]) -> None:
        self.name.setText(m.get("name", ""))
        self.id_number.setText(m.get("id_number", ""))
        set_code(self.relation, m.get("relation") or self._default_relation())
        set_code(self.disability, m.get("disability_type", ""))
        level = m.get("disability_level")
        set_code(self.level, str(level) if level else "")
        set_code(self.illness, m.get("illness_class", ""))
        set_code(self.capacity, m.get("work_capacity", "full"))
        set_code(self.student, m.get("student_level", ""))
        set_code(self.employment, m.get("employment", ""))
        self.phone.setText(m.get("phone", ""))

    def _default_relation(self) -> str:
        return "spouse" if any(m["relation"] == "applicant" for m in self.members) else "applicant"

    def clear_form(self) -> None:
        self.set_form({})
        for field in (self.name, self.id_number, self.phone):
            field.reset()
        self.id_number.set_warning(None)

    def _field_for(self, field_cn: str) -> QWidget | None:
        for label, widget in self.form._fields:
            if field_cn.endswith(label):
                return widget
        return None

    def add_member(self) -> bool:
        """Check the form (the same rules the service applies) and add it to the table."""
        data = self.form_data()
        try:
            validate_person(person_input(data))
        except ValidationError as exc:
            return self._refuse(exc.field, exc.message)
        if any(m["id_number"] == data["id_number"] for m in self.members):
            return self._refuse("身份证号", "身份证号：与本户已录入的成员重复")
        try:
            self.check_relations([*self.members, data], complete=False)
        except ValidationError as exc:
            return self._refuse(exc.field, exc.message)
        self.members.append(data)
        self.refresh_table()
        self.clear_form()
        self.message.setText("")
        self.name.setFocus()
        self.changed.emit()
        return True

    def _refuse(self, field_cn: str, message: str) -> bool:
        self.message.setText(message)
        widget = self._field_for(field_cn)
        if widget is not None:
            widget.setFocus()
        return False

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def remove_selected(self) -> None:
        row = self.selected_row()
        if 0 <= row < len(self.members):
            del self.members[row]
            self.refresh_table()
            self.changed.emit()

    def edit_selected(self) -> None:
        """Put the selected member back into the form to correct it."""
        row = self.selected_row()
        if 0 <= row < len(self.members):
            member = self.members.pop(row)
            self.refresh_table()
            self.set_form(member)
            self.name.setFocus()
            self.changed.emit()

    def refresh_table(self) -> None:
        self.table.setRowCount(len(self.members))
        for row, m in enumerate(self.members):
            for col, text in enumerate(_row_texts(m)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        if not self.name.text():
            set_code(self.relation, self._default_relation())

    def data(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The members added and what is typed in the form now (for the draft)."""
        return [dict(m) for m in self.members], self.form_data()

    def restore(self, members: list[dict[str, Any]], form: dict[str, Any]) -> None:
        self.members = [dict(m) for m in members]
        self.refresh_table()
        self.set_form(form)

    def validate(self) -> bool:
        """At least one member, exactly one applicant, nothing half-typed in the form."""
        typed = self.name.text().strip() or self.id_number.text().strip()
        if typed and not self.add_member():
            return False
        if not self.members:
            return self._refuse("姓名", "家庭成员：至少登记一人（申请人本人）")
        try:
            self.check_relations(self.members, complete=True)
        except ValidationError as exc:
            return self._refuse(exc.field, exc.message)
        self.message.setText("")
        return True

    @staticmethod
    def check_relations(members: list[dict[str, Any]], *, complete: bool) -> None:
        """The core's relationship rules on the members typed so far (one spouse, legal
        marriage age, plausible ages of children and parents)."""
        kin = [
            kin_of(m["relation"], m["id_number"], member_label(i, len(members)))
            for i, m in enumerate(members, start=1)
        ]
        check_relations(kin, date.today(), complete=complete)


def _row_texts(m: dict[str, Any]) -> list[str]:
    try:
        info = parse_id(m["id_number"])
        sex, born = info.sex_cn, f"{info.birth_date:%Y-%m-%d}"
    except ValidationError:
        sex, born = "", ""
    level = m.get("disability_level")
    disability = (
        f"{DISABILITY_TYPES[m['disability_type']]}{LEVELS[str(level)] if level else ''}"
        if m.get("disability_type")
        else "无"
    )
    return [
        m["name"],
        m["id_number"],
        sex,
        born,
        RELATIONS.get(m["relation"], m["relation"]),
        disability,
        ILLNESS_CLASSES.get(m.get("illness_class", ""), "无"),
        WORK_CAPACITY.get(m.get("work_capacity", "full"), ""),
    ]
