"""The assessment tab shows a check-report difference as 待核实 and resolves it in a dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from desktop.services.cases.assessment import assess_application
from desktop.store.models import Application, Asset, IncomeItem, Person
from desktop.store.sync_models import CheckReport
from tests.ui_case.helpers import CONFIRMING, case_id, commit_text
from ui.cases import household as household_ui
from ui.cases.case_page import CasePage


def _family_with_a_deposit_it_did_not_declare(store, app_id: str) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.write() as s:
        app = s.get(Application, app_id)
        assert app is not None
        for model in (IncomeItem, Asset):
            for row in s.scalars(select(model).where(model.household_id == app.household_id)):
                row.deleted = True
        for p in s.scalars(select(Person).where(Person.household_id == app.household_id)):
            p.work_capacity, p.employment = "none", ""
        deposit = {"source": "银行存款", "summary": "各银行存款余额合计", "amount": "70344.44"}
        s.add(
            CheckReport(
                request_id="00000000-0000-4000-8000-000000000002",
                household_id=app.household_id,
                generated_at="2026-11-20T09:30:00+08:00",
                members=[{"name": "申请人", "id_number": "", "items": [deposit]}],
                rev=1,
                dirty=False,
            )
        )


def test_pending_check_difference_is_shown_and_resolved(desk, qtbot, sync_ops, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    app_id = case_id(store, CONFIRMING)
    _family_with_a_deposit_it_did_not_declare(store, app_id)
    assess_application(store, actor, app_id)
    page = CasePage(store, actor, app_id)
    qtbot.addWidget(page)
    page.show()
    tab = page.assessment
    assert "待核实" in tab.headline.text()
    lines = [tab.reasons.item(i).text() for i in range(tab.reasons.count())]
    assert any("70,344.44" in line for line in lines), lines
    assert not tab.resolve_button.isHidden() and tab.resolve_button.isEnabled()

    def answer(dialog: household_ui.CheckResolutionDialog) -> int:
        dialog.resolution.setCurrentIndex(dialog.resolution.findData("explain"))
        commit_text(dialog.explanation, "该笔存款为社会捐助的医疗专款，已核实票据")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(household_ui.CheckResolutionDialog, "exec", answer)
    tab.resolve_button.click()
    assert "待核实" not in tab.headline.text() and "符合" in tab.headline.text()
    assert tab.resolve_button.isHidden()
