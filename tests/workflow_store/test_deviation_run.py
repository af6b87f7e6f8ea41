"""An amount confirmed at 审核确认 apart from the calculation (written basis, second approver)
is a decision: the monthly run keeps it while the family's facts are those it was approved on,
and when they change it pays the new calculation and flags the deviation for review — in the
run's lines and in the Excel 发放台账."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import text

from desktop.services.accounts.auth import create_user
from desktop.services.cases.assessment import assess_application
from desktop.services.cases.workflow import get_case, start_payment
from desktop.services.family.finances import IncomeInput, add_income
from desktop.services.payment.benefit_ledger import export_run_xlsx, run_lines
from desktop.services.payment.benefits import run_monthly_benefits
from desktop.store.models import Application
from tests.support import TEST_KDF
from tests.workflow_store.conftest import PASSWORD, Offices, new_application
from tests.workflow_store.test_payment_and_amounts import _confirm, _to_confirming

D = date
THIS_MONTH = date.today().replace(day=1)


def _next(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _stored(o: Offices, app_id: str) -> Decimal:
    with o.store.sessions.read() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.benefit_amount is not None
        return app.benefit_amount


def _ledger_reason(path: Path, number: str) -> str:
    ws = load_workbook(path, read_only=True).active
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == number:
            return str(row[7])
    raise AssertionError(f"{number} not in the ledger")


def _paying_with_deviation(o: Offices) -> tuple[str, str, Decimal, Decimal]:
    create_user(
        o.store, o.admin, username="hsuper2", display_name="户籍复核人", role="supervisor",
        password=PASSWORD, office_id=o.hukou_office_id, kdf=TEST_KDF,
    )  # fmt: skip
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    v = _to_confirming(o, app_id)
    calculated = assess_application(o.store, o.h_supervisor, app_id).amount
    approved = calculated + Decimal("321.00")
    v = _confirm(
        o, app_id, v, str(approved), amount_basis="家庭成员突发重病，经集体研究给予",
        approver_username="hsuper2", approver_password=PASSWORD,
    )  # fmt: skip
    view = start_payment(o.store, o.h_clerk, app_id, D(2026, 9, 23), v)
    return app_id, view.number, calculated, approved


def test_run_keeps_an_approved_deviation_until_the_family_facts_change(
    offices: Offices, tmp_path: Path
) -> None:
    o = offices
    app_id, number, calculated, approved = _paying_with_deviation(o)
    assert _stored(o, app_id) == approved

    run = run_monthly_benefits(o.store, o.h_supervisor, THIS_MONTH)
    assert run.run_id is not None
    assert _stored(o, app_id) == approved, "the run must not overwrite the decision"
    line = next(x for x in run_lines(o.store, run.run_id) if x.number == number)
    assert line.new == approved and line.kind == "unchanged"
    assert line.note.startswith("人工核定，维持") and "集体研究" in line.note
    assert "人工核定维持 1 户" in run.message
    reason = _ledger_reason(export_run_xlsx(o.store, run.run_id, tmp_path / "a.xlsx"), number)
    assert reason.startswith("人工核定，维持") and "集体研究" in reason

    again = run_monthly_benefits(o.store, o.h_supervisor, THIS_MONTH)
    assert again.already_done and again.run_id is None and _stored(o, app_id) == approved
    # A later month with the cache warm keeps it too.
    later = _next(THIS_MONTH)
    kept = run_monthly_benefits(o.store, o.h_supervisor, later)
    assert _stored(o, app_id) == approved and kept.run_id is not None

    # The family's facts change: the run recomputes and says the deviation lapsed.
    with o.store.sessions.read() as s:
        household_id = s.scalar(
            text("SELECT household_id FROM applications WHERE id = :a"), {"a": app_id}
        )
    add_income(o.store, o.h_clerk, household_id, IncomeInput("wage", THIS_MONTH, "600"))
    lapsed = run_monthly_benefits(o.store, o.h_supervisor, later)
    assert lapsed.run_id is not None
    line = next(x for x in run_lines(o.store, lapsed.run_id) if x.number == number)
    assert line.new != approved and _stored(o, app_id) == line.new
    assert line.note.startswith("人工核定金额失效") and "须复核" in line.note
    assert "人工核定金额失效须复核 1 户" in lapsed.message
    reason = _ledger_reason(export_run_xlsx(o.store, lapsed.run_id, tmp_path / "b.xlsx"), number)
    assert "须复核" in reason and f"原核定{approved}元" in reason

    # A lapsed deviation is not revived, and a re-run of the month writes nothing.
    assert run_monthly_benefits(o.store, o.h_supervisor, later).already_done
    assert get_case(o.store, app_id).snapshot.amount_basis  # the decision's record is kept


def test_deviation_received_from_another_desk_rests_on_the_facts_it_arrived_with(
    offices: Offices,
) -> None:
    o = offices
    app_id, number, _, approved = _paying_with_deviation(o)
    with o.store.sessions.write() as s:  # as if the confirmation had been pulled from the hub
        s.execute(text("DELETE FROM deviation_facts"))
    run_monthly_benefits(o.store, o.h_supervisor, THIS_MONTH)
    assert _stored(o, app_id) == approved
    with o.store.sessions.read() as s:
        assert s.scalar(text("SELECT count(*) FROM deviation_facts")) == 1
