"""Drafts: stored per user in the encrypted store; the intake window autosaves and restores."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.errors import ValidationError
from desktop.services.family.drafts import delete_draft, list_drafts, load_draft, save_draft
from desktop.store.models import Setting
from ui.intake import IntakeDialog


def test_draft_round_trip_is_per_user(desk) -> None:  # type: ignore[no-untyped-def]
    store, clerk = desk.as_user("clerk")
    _s2, supervisor = desk.as_user("supervisor")
    save_draft(store, clerk, "intake", "new", {"name": "仇红梅", "n": 2})
    assert load_draft(store, clerk, "intake", "new") == {"name": "仇红梅", "n": 2}
    assert load_draft(store, supervisor, "intake", "new") is None
    with store.sessions.read() as s:
        raw = s.get(Setting, "draft/clerk/intake/new").value  # type: ignore[union-attr]
    assert "仇红梅" in raw  # JSON in the settings table of the encrypted store
    assert [(d.kind, d.key) for d in list_drafts(store, clerk)] == [("intake", "new")]
    assert list_drafts(store, supervisor) == []
    assert delete_draft(store, clerk, "intake", "new") is True
    assert load_draft(store, clerk, "intake", "new") is None
    assert delete_draft(store, clerk, "intake", "new") is False


def test_draft_key_is_checked(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    with pytest.raises(ValidationError) as info:
        save_draft(store, actor, "intake", "a/b", {})
    assert info.value.field == "草稿编号"


def _open(qtbot, store, actor) -> IntakeDialog:  # type: ignore[no-untyped-def]
    dialog = IntakeDialog(store, actor)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog


def test_autosave_then_destroy_then_restore(qtbot, clerk, sync_ops, keyboard) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    first = _open(qtbot, store, actor)
    first.go_to(0)
    keyboard.field("河西区友谊路街道平江道8号1-101")
    keyboard.field("")
    keyboard.field("谊景村社区")
    keyboard.field("13812345678")  # page change → autosave
    keyboard.field("仇红梅")
    keyboard.field("120101199001011239")
    keyboard.enter(7)
    keyboard.field("")  # member added
    keyboard.type("李桂")  # half-typed second member
    first.autosave()  # what the 3-second timer does
    assert "草稿已自动保存" in first.saved_label.text()
    # the window goes away without submitting (a crash: no close handler runs)
    first.autosave_timer.stop()
    first.deleteLater()
    qtbot.waitUntil(lambda: load_draft(store, actor, "intake", "new") is not None)

    second = _open(qtbot, store, actor)
    assert second.banner.isVisible()
    assert "仇红梅" in second.banner_label.text()
    assert second.resume_button.text().startswith("继续上次未完成的录入")
    qtbot.keyClick(second, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert not second.banner.isVisible()
    assert second.current() == 1
    assert second.household.address.text() == "河西区友谊路街道平江道8号1-101"
    assert second.household.community.text() == "谊景村社区"
    assert [m["name"] for m in second.members.members] == ["仇红梅"]
    assert second.members.name.text() == "李桂"
    assert second.members.table.rowCount() == 1


def test_filing_removes_the_draft(qtbot, clerk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    dialog = _open(qtbot, store, actor)
    dialog.household.address.setText("河西区友谊路街道平江道8号1-101")
    dialog.go_to(1)
    dialog.members.set_form({"name": "仇红梅", "id_number": "120101199001011239"})
    assert dialog.members.add_member()
    dialog.go_to(3)
    dialog.application.restore({"assistance_type": "tekun"})
    assert load_draft(store, actor, "intake", "new") is not None
    dialog.go_to(4)
    dialog.submit()
    assert dialog.result_value is not None
    assert dialog.result_value.application.assistance_type == "tekun"
    assert load_draft(store, actor, "intake", "new") is None
