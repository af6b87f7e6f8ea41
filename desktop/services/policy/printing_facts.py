"""The policy in force and a case's monthly amount as printed: the decided amount when the case
has one, else the amount the policy engine computes from the household facts in the store."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from desktop.domain.policy import assess
from desktop.domain.policy.tables import PolicySet
from desktop.errors import DeskError
from desktop.money import ZERO
from desktop.services.family.household_facts import household_facts
from desktop.services.policy.policy_admin import load_policy
from desktop.store.models import Application
from desktop.store.store import Store

# Assistance type of an application → programme of the policy engine whose amount it gets.
PROGRAMME_OF = {
    "dibao": ("dibao", "dibao_single"),
    "bianyuan": ("bianyuan",),
    "tekun": ("tekun",),
    "gangxing": ("gangxing",),
    "linshi_jinan": ("linshi",),
    "linshi_zhichu": ("linshi",),
}
# Assistance type of an application → the type code documents print (reports.data).
REPORT_TYPE = {
    "dibao": "dibao",
    "bianyuan": "bianyuan",
    "tekun": "tekun",
    "gangxing": "gangxing",
    "linshi_jinan": "linshi",
    "linshi_zhichu": "linshi",
}


def current_policy(store: Store) -> PolicySet:
    """The policy table stored in this desk (seeded with the defaults, edited by the admin)."""
    return load_policy(store)


def case_amount(
    session: Session, app: Application, month: date, policy: PolicySet | None = None
) -> Decimal:
    """The monthly amount to print for a case: decided amount, else the computed one (0 when
    the household does not qualify or its facts are incomplete)."""
    if app.benefit_amount is not None:
        return app.benefit_amount
    try:
        facts = household_facts(session, app.household_id, month)
        if not any(m.relation == "applicant" for m in facts.members):
            return ZERO
        result = assess(facts, month, policy)
    except DeskError:
        return ZERO
    for code in PROGRAMME_OF.get(app.assistance_type, ()):
        programme = result.programmes.get(code)
        if programme is not None and programme.eligible:
            return programme.amount
    return ZERO
