"""入户调查表 for the survey laptop: works offline, autosaves the draft every few seconds and
on each change, takes photos and drawn signatures, and locks once finalised."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.services.base import Actor
from desktop.services.cases.case_overview import (
    CaseOverview,
    remote_survey_allowed,
    save_survey_photo,
    save_survey_signature,
    survey_photo_hashes,
)
from desktop.services.cases.surveys import (
    SURVEY_MODES,
    TEXT_SECTIONS,
    SurveyView,
    finalize_survey,
    save_survey_draft,
    survey_for_form,
)
from desktop.settings import get_setting
from desktop.store.store import Store
from ui import theme
from ui.cases.actions import split_names
from ui.errors import error_message
from ui.intake.common import code_combo, code_of, set_code
from ui.ops import change_bus, run_op
from ui.screen import fit_to_screen
from ui.survey.signatures import SignatureArea
from ui.widgets.fields import DateField
from ui.widgets.photos import FileDialog, PhotoPicker

DEBOUNCE_MS = 800
DEFAULT_AUTOSAVE_S = 5


def read_form_settings(store: Store) -> tuple[Path | None, int]:
    """The camera folder (None when not set) and the autosave interval in seconds (runs on
    the writer thread)."""
    folder = str(get_setting(store, "camera_folder") or "")
    seconds = int(get_setting(store, "autosave_seconds") or DEFAULT_AUTOSAVE_S)
    return (Path(folder) if folder else None), max(1, seconds)


NARRATIVE_LINES = 4  # visible lines of each narrative field (it grows with a scroll bar)
CONFIRM_LOCK = (
    "定稿后入户调查表将锁定，任何人都不能再修改。\n\n"
    "系统会先检查调查日期、调查人员（至少2人）、在场家庭成员和签字。确定完成并锁定吗？"
)
SECTION_HINTS = {
    "income": "家庭成员工资、养老金、经营及其他收入，与申报是否一致",
    "assets": "存款、房产、车辆、大额财产等",
    "housing": "住房面积与产权、家具家电、生活状况",
    "neighbours": "走访邻居、楼长或网格员的姓名及反映情况",
    "findings": "调查结论：家庭经济状况是否属实",
    "opinion": "调查人员意见",
}


class SurveyForm(QWidget):
    """The form; ``saved`` fires after each stored draft, ``finalized`` once locked."""

    saved = Signal()
    finalized = Signal()

    def __init__(
        self,
        store: Store,
        actor: Actor,
        case: CaseOverview,
        parent: QWidget | None = None,
        *,
        photo_dialog: FileDialog | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.case = store, actor, case
        self.application_id = case.id
        self.locked = False
        self.saves = 0
        self.signatures: dict[str, str] = {}
        self._dirty = False
        self._loading = True
        self.photo_hashes = survey_photo_hashes(store, case.id)
        self.photos = PhotoPicker(file_dialog=photo_dialog, known_sha256=self.photo_hashes)
        self._build()
        self.autosave = QTimer(self)
        self.autosave.setInterval(DEFAULT_AUTOSAVE_S * 1000)
        self.autosave.timeout.connect(self.save_now)
        # The camera folder and the autosave interval follow the settings live.
        change_bus().changed.connect(self._on_changed)
        self._reload_settings()
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.save_now)
        self.load(survey_for_form(store, actor, case.id))
        self.autosave.start()

    # ------------------------------------------------------------------ settings
    def _on_changed(self, kinds: set[str]) -> None:
        if "settings" in kinds:
            self._reload_settings()

    def _reload_settings(self) -> None:
        run_op(self, read_form_settings, self.store, on_done=self._settings_loaded)

    def _settings_loaded(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            return
        folder, seconds = result
        self.photos.set_camera_folder(folder)
        self.autosave.setInterval(seconds * 1000)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.visited = DateField("调查日期", maximum=date.today())
        self.mode = code_combo(SURVEY_MODES, "调查方式")
        self.mode.setEnabled(remote_survey_allowed(self.case.assistance_type))
        self.mode.setToolTip("电话或视频调查仅限急难型临时救助")
        self.surveyors = QLineEdit()
        self.surveyors.setAccessibleName("调查人员")
        self.surveyors.setPlaceholderText("至少2名调查人员，用顿号分隔，如：王调查、李娜")
        self.present: dict[str, QCheckBox] = {}
        members = QHBoxLayout()
        for m in self.case.members:
            box = QCheckBox(f"{m.name}（{m.relation_cn}）")
            box.toggled.connect(self._changed)
            self.present[m.name] = box
            members.addWidget(box)
        members.addStretch(1)
        basics = QGroupBox("基本情况")
        form = QFormLayout(basics)
        form.addRow("调查日期", self.visited)
        form.addRow("调查方式", self.mode)
        form.addRow("调查人员", self.surveyors)
        form.addRow("在场家庭成员", members)
        form.addRow("住址", QLabel(f"{self.case.community} {self.case.address}"))
        self.texts: dict[str, QPlainTextEdit] = {}
        content = QGroupBox("调查内容（可分行填写）")
        grid = QGridLayout(content)
        for i, (key, label) in enumerate(TEXT_SECTIONS.items()):
            edit = QPlainTextEdit()
            edit.setAccessibleName(label)
            edit.setPlaceholderText(SECTION_HINTS[key])
            edit.setTabChangesFocus(True)
            edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            edit.setProperty("narrative", True)  # the theme keeps several lines visible
            lines = edit.fontMetrics().lineSpacing() * NARRATIVE_LINES
            edit.setMinimumHeight(lines + 2 * edit.frameWidth() + 12)
            edit.textChanged.connect(self._changed)
            self.texts[key] = edit
            name = QLabel(f"<b>{label}</b>")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            name.setBuddy(edit)
            grid.addWidget(name, i, 0)
            grid.addWidget(edit, i, 1)
        grid.setColumnStretch(1, 1)
        self.visited.dateChanged.connect(self._changed)
        self.mode.currentIndexChanged.connect(self._changed)
        self.surveyors.textChanged.connect(self._changed)
        self.photos.changed.connect(self._photos_changed)
        self.photos.setMinimumHeight(180)
        self.photo_state = QLabel()
        self.photo_state.setProperty("muted", True)
        photos = QGroupBox("现场照片")
        pl = QVBoxLayout(photos)
        pl.addWidget(self.photos)
        pl.addWidget(self.photo_state)
        self.sign = SignatureArea()
        self.sign.drawn.connect(self._schedule)
        signs = QGroupBox("签字（每名调查人员和每名在场家庭成员）")
        QVBoxLayout(signs).addWidget(self.sign)
        inner = QWidget()
        il = QVBoxLayout(inner)
        for group in (basics, content, photos, signs):
            il.addWidget(group)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.banner = QLabel()
        self.banner.setObjectName("surveyBanner")
        self.banner.hide()
        self.status = QLabel("草稿")
        self.status.setObjectName("surveyStatus")
        self.finalize_button = QPushButton("完成并锁定")
        self.finalize_button.setObjectName("finalizeButton")
        self.finalize_button.setToolTip("检查全部内容并定稿；定稿后不能再修改")
        self.finalize_button.clicked.connect(self.finalize)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.finalize_button)
        self.bar = bar
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

    # ------------------------------------------------------------------ values
    def present_names(self) -> list[str]:
        """Family members ticked as present."""
        return [name for name, box in self.present.items() if box.isChecked()]

    def surveyor_names(self) -> list[str]:
        """Surveyors typed, in order, without repeats."""
        return list(dict.fromkeys(split_names(self.surveyors.text())))

    def draft(self) -> dict[str, Any]:
        """The keyword arguments of ``save_survey_draft`` for what is on screen."""
        sections: dict[str, Any] = {k: e.toPlainText() for k, e in self.texts.items()}
        sections["mode"] = code_of(self.mode) or "onsite"
        return {
            "visited_on": self.visited.value(),
            "surveyors": self.surveyor_names(),
            "members_present": self.present_names(),
            "sections": sections,
        }

    def load(self, survey: SurveyView | None) -> None:
        """Fill the form from the stored draft, or from the defaults the survey service gives
        a new one (the scheduled surveyors and date)."""
        self._loading = True
        if survey is None:
            self.surveyors.setText(self.actor.display_name)
        elif not survey.id:
            if survey.visited_on:
                self.visited.set_value(survey.visited_on)
            self.surveyors.setText("、".join(survey.surveyors))
        else:
            if survey.visited_on:
                self.visited.set_value(survey.visited_on)
            self.surveyors.setText("、".join(survey.surveyors))
            for name, box in self.present.items():
                box.setChecked(name in survey.members_present)
            for key, edit in self.texts.items():
                edit.setPlainText(str(survey.sections.get(key) or ""))
            set_code(self.mode, survey.sections.get("mode") or "onsite")
            self.signatures = dict(survey.sections.get("signatures") or {})
        self._refresh_signers()
        self._show_photo_count()
        self._loading = False
        self._dirty = False  # prefilled defaults are stored with the first edit
        if survey is not None and survey.locked:
            self.set_locked(True, survey)

    def _refresh_signers(self) -> None:
        signers = [(n, "调查人员") for n in self.surveyor_names()]
        signers += [(n, "家庭成员") for n in self.present_names() if n not in dict(signers)]
        self.sign.set_signers(signers, self.signatures)

    def _show_photo_count(self) -> None:
        stored = len(self.photo_hashes)
        self.photo_state.setText(f"已保存照片 {stored} 张" if stored else "尚无照片")

    # ------------------------------------------------------------------ autosave
    def _changed(self, *_args: object) -> None:
        if self._loading or self.locked:
            return
        self._dirty = True
        self._refresh_signers()
        self._schedule()

    def _schedule(self) -> None:
        if not self._loading and not self.locked:
            self.debounce.start()

    def save_now(self) -> None:
        """Queue the pending changes (fields, new signatures) on the writer thread."""
        if self._loading or self.locked:
            return
        self.debounce.stop()
        for box in self.sign.dirty_boxes():
            box.dirty = False
            png = box.pad.to_png(white_background=True)
            run_op(self, save_survey_signature, self.store, self.actor, self.application_id,
                   box.name, png, on_done=self._signature_saved(box.name))  # fmt: skip
        if self._dirty:
            self._dirty = False
            run_op(self, save_survey_draft, self.store, self.actor, self.application_id,
                   **self.draft(), on_done=self._saved)  # fmt: skip

    def _saved(self, result: SurveyView | None, error: BaseException | None) -> None:
        if error is not None:
            self._dirty = True
            self.status.setText(f"草稿未保存：{error_message(error)}")
            theme.set_status(self.status, theme.STATUS_OVERDUE)
            return
        self.saves += 1
        self.status.setText(f"草稿已自动保存（{date.today():%Y-%m-%d} {_now()}）")
        theme.set_status(self.status, None)
        self.saved.emit()

    def _signature_saved(self, name: str):  # type: ignore[no-untyped-def]
        def done(result: SurveyView | None, error: BaseException | None) -> None:
            if error is not None or result is None:
                self.status.setText(f"签字未保存：{error_message(error) if error else ''}")
                theme.set_status(self.status, theme.STATUS_OVERDUE)
                return
            self.signatures = dict(result.sections.get("signatures") or {})
            box = self.sign.boxes.get(name)
            if box is not None and not box.dirty:
                box.set_stored(True)
            self._saved(result, None)

        return done

    def _photos_changed(self) -> None:
        if self._loading or self.locked:
            return
        for photo in self.photos.photos():
            if photo.sha256 in self.photo_hashes:
                continue
            self.photo_hashes[photo.sha256] = ""
            run_op(self, save_survey_photo, self.store, self.actor, self.application_id,
                   photo.path.name, photo.path.read_bytes(),
                   on_done=self._photo_saved(photo.sha256))  # fmt: skip

    def _photo_saved(self, sha: str):  # type: ignore[no-untyped-def]
        def done(result: SurveyView | None, error: BaseException | None) -> None:
            if error is not None:
                self.photo_hashes.pop(sha, None)
                self.status.setText(f"照片未保存：{error_message(error)}")
                return
            self._show_photo_count()
            self._saved(result, None)

        return done

    # ------------------------------------------------------------------ finalise
    def confirm_lock(self) -> bool:
        """Ask before the irreversible lock; 否 (the default) keeps the draft."""
        answer = QMessageBox.question(
            self, "完成并锁定", CONFIRM_LOCK,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def finalize(self) -> None:
        """Ask, save what is pending, then check everything and lock (errors name the field)."""
        if self.locked or not self.confirm_lock():
            self.status.setText("仍为草稿，未锁定" if not self.locked else "已定稿")
            return
        self.save_now()
        run_op(self, finalize_survey, self.store, self.actor, self.application_id, date.today(),
               on_done=self._finalized)  # fmt: skip

    def _finalized(self, result: SurveyView | None, error: BaseException | None) -> None:
        if error is not None:
            self.status.setText(f"不能定稿：{error_message(error)}")
            theme.set_status(self.status, theme.STATUS_OVERDUE)
            return
        self.set_locked(True, result)
        self.finalized.emit()

    def set_locked(self, locked: bool, survey: SurveyView | None = None) -> None:
        """Read-only once finalised."""
        self.locked = locked
        if locked:
            self.autosave.stop()
            self.debounce.stop()
        for w in (self.visited, self.mode, self.surveyors, self.photos):
            w.setEnabled(not locked)
        for box in self.present.values():
            box.setEnabled(not locked)
        for edit in self.texts.values():
            edit.setReadOnly(locked)
        self.sign.set_locked(locked)
        self.finalize_button.setVisible(not locked)
        if locked:
            who = (
                f"（{survey.finalized_by}，{survey.finalized_at:%Y-%m-%d %H:%M}）"
                if survey and survey.finalized_at
                else ""
            )
            self.banner.setText(f"入户调查表已定稿并锁定{who}，不能再修改")
            theme.set_status(self.banner, theme.STATUS_NORMAL)
            self.banner.show()
            self.status.setText("已定稿")
            theme.set_status(self.status, theme.STATUS_NORMAL)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_now()
        super().closeEvent(event)


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S")


class SurveyWindow(QWidget):
    """The form in its own window, fitted to a laptop screen, with a 关闭 button (also once
    the form is locked); closing stores what is pending."""

    def __init__(
        self, store: Store, actor: Actor, case: CaseOverview, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"入户调查表 — {case.applicant_name}（{case.number}）")
        self.form = SurveyForm(store, actor, case, self)
        self.close_button = QPushButton("关闭")
        self.close_button.setObjectName("closeSurveyButton")
        self.close_button.setToolTip("关闭调查表窗口；草稿已自动保存（Esc）")
        self.close_button.clicked.connect(self.close)
        self.form.bar.insertWidget(1, self.close_button)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        fit_to_screen(self, 1280, 760)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.form.save_now()
        super().closeEvent(event)
