"""Demo cases decided for a monthly benefit are confirmed at the policy engine's calculation
for their decision month, saved as their assessment: the decision, the dossier's calculation
sheet and the engine agree."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from desktop.domain.policy import assess
from desktop.services.cases.assessment import PROGRAMME_OF
from desktop.services.cases.case_steps import load_snapshot
from desktop.services.family.household_facts import household_facts
from desktop.services.policy.policy_admin import load_policy
from desktop.store.models import Application
from printing.case_files import archive_case_for


def test_demo_confirms_monthly_cases_at_the_engine_amount(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    policy = load_policy(store)
    checked = []
    with store.sessions.read() as s:
        for app in s.scalars(select(Application).order_by(Application.number)):
            snap = load_snapshot(s, app)
            if snap.approved_amount is None or app.assistance_type not in (
                "dibao",
                "bianyuan",
                "tekun",
            ):
                continue
            assert snap.decision_on is not None
            month = snap.decision_on.replace(day=1)
            result = assess(household_facts(s, app.household_id, month), month, policy)
            engine = result.programmes[PROGRAMME_OF[app.assistance_type]]
            if not engine.eligible or engine.amount <= 0:
                continue  # nothing the engine would pay: the demo keeps a walked amount
            assert snap.approved_amount == engine.amount == snap.calculated_amount, app.number
            assert Decimal(app.assessment["amount"]) == engine.amount and not snap.amount_basis
            checked.append((app.id, app.number, engine.amount, app.hukou_office_id))
    assert len(checked) >= 10
    mine = [c for c in checked if c[3] == actor.office_id]
    assert mine
    app_id, number, amount, _office = mine[0]
    dossier = archive_case_for(store, actor, app_id)
    sheet = {line.label: line.amount for line in dossier.calculation}
    assert sheet["月救助金额"] == amount == dossier.case.amount, number
