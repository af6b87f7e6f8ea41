"""An open 入户调查表 follows a change of the camera folder and the autosave interval at once
(the settings are read on the writer thread, again whenever they change)."""

from __future__ import annotations

from desktop.settings import update_settings
from tests.ui_case.helpers import INVESTIGATING, case_id
from ui import ops
from ui.cases.case_page import CasePage
from ui.survey.form import SurveyForm


def test_open_survey_form_follows_a_settings_change(desk, qtbot, sync_ops, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store, surveyor = desk.as_user("surveyor")
    _s, admin = desk.as_user("admin")
    page = CasePage(store, surveyor, case_id(store, INVESTIGATING))
    qtbot.addWidget(page)
    window = page.open_survey()
    assert window is not None
    form: SurveyForm = window.form  # type: ignore[attr-defined]
    assert form.photos.camera_folder is None and not form.photos.camera_button.isEnabled()
    assert form.autosave.interval() == 5000

    camera = tmp_path / "DCIM"
    camera.mkdir()
    values = {"camera_folder": str(camera), "autosave_seconds": 20}
    ops.run_op(None, update_settings, store, admin, values)
    assert form.photos.camera_folder == camera and form.photos.camera_button.isEnabled()
    assert form.autosave.interval() == 20_000 and form.autosave.isActive()
