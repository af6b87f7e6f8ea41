"""The household tab's payee account: entered by the clerk, shown masked to roles that do not
pay, whole to the supervisor; the confirm dialog offers the family type the core derives."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.store.models import Application, Household, Person
from tests.ui_case.helpers import CONFIRMING, INVESTIGATING, case_id
from ui.cases.case_page import CasePage

CARD = "6217000099998888"


def _page(qtbot, store, actor, number: str) -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(store, actor, case_id(store, number))
    qtbot.addWidget(page)
    page.resize(1366, 800)
    page.show()
    return page


def test_clerk_enters_the_account_and_then_sees_it_masked(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, clerk = desk.as_user("clerk")
    page = _page(qtbot, store, clerk, INVESTIGATING)
    tab = page.household
    assert "尚未登记" in tab.bank_label.text() and tab.bank_button.isVisible()
    tab.bank_button.click()
    dialog = tab.bank_dialog
    assert dialog is not None
    dialog.group.bank_name.setText("中国工商银行")
    dialog.group.holder.setText("仇红梅")
    dialog.group.number.setText("6217000099998889")  # one digit wrong: refused, dialog stays
    dialog.save()
    assert dialog.isVisible() and "校验位不符" in (dialog.group.number.error() or "")
    dialog.group.number.setText("6217 0000 9999 8888")
    dialog.save()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "6217 **** **** 8888" in tab.bank_label.text())
    assert CARD not in tab.bank_label.text()
    with store.sessions.read() as s:
        app = s.get(Application, page.application_id)
        assert app is not None
        household = s.get(Household, app.household_id)
        assert household is not None and household.bank_account == CARD

    store_s, boss = desk.as_user("supervisor")
    whole = _page(qtbot, store_s, boss, INVESTIGATING)
    assert CARD in whole.household.bank_label.text()
    _store_c, coordinator = desk.as_user("coordinator")
    masked = _page(qtbot, store, coordinator, INVESTIGATING)
    assert "6217 **** **** 8888" in masked.household.bank_label.text()
    assert not masked.household.bank_button.isVisible()


def test_confirm_dialog_defaults_to_the_derived_family_type(desk, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    app_id = case_id(store, CONFIRMING)
    with store.sessions.write() as s:
        # an able-bodied adult of working age in the family: a 6-month review
        app = s.get(Application, app_id)
        assert app is not None
        for person in s.scalars(select(Person).where(Person.household_id == app.household_id)):
            person.work_capacity, person.student_level, person.employment = "full", "", ""
            person.birth_date = date(1985, 6, 1)
    page = _page(qtbot, store, actor, CONFIRMING)
    assert page.data.overview.family_stability == "variable"
    qtbot.mouseClick(page.step_panel.buttons["confirm"], Qt.MouseButton.LeftButton)
    box = page.dialog.widgets["family_stability"]  # type: ignore[union-attr]
    assert box.currentData() == "variable"  # type: ignore[attr-defined]
