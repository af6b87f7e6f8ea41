"""The policy in force and a case's monthly amount as printed: the decided amount when the case
has one, else the amount the policy engine computes from the household facts in the store."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy import Dwelling, Household, IncomeItem, Member, Vehicle, assess
from desktop.domain.policy import default_policy as _default_policy
from desktop.domain.policy.tables import PolicySet
from desktop.errors import DeskError
from desktop.money import ZERO
from desktop.store.models import Application, Asset, Person
from desktop.store.models import Household as HouseholdRow
from desktop.store.models import IncomeItem as IncomeRow
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
_STUDENT = {"primary": "school", "junior": "school", "senior": "vocational"}
_STUDENT.update({"college": "college", "bachelor": "bachelor"})
_INCOME_KIND = {"pension": "transfer", "support": "transfer", "excluded": "assistance"}
_LIQUID = ("cash", "deposit", "securities")
_EXEMPT_VEHICLES = ("disabled_mobility", "treatment")


def current_policy(store: Store) -> PolicySet:
    """The store's policy table when the policy service is installed, else the defaults."""
    try:
        admin = importlib.import_module("desktop.services.policy_admin")
    except ImportError:
        return _default_policy()
    loaded: PolicySet = admin.load_policy(store)
    return loaded


def _employment(text: str, capacity: str) -> str:
    if capacity == "none":
        return "unemployed" if "退休" not in text else "retired"
    if "退休" in text:
        return "retired"
    if any(word in text for word in ("灵活", "个体", "自营")):
        return "self_employed"
    if any(word in text for word in ("就业", "工作", "务工", "上班", "在职")):
        return "employed"
    return "unemployed"


def _member(p: Person) -> Member:
    return Member(
        id=p.id,
        relation=p.relation,
        sex="male" if p.sex == "M" else "female",
        birth_date=p.birth_date,
        disability_type=p.disability_type or None,
        disability_level=p.disability_level if p.disability_type else None,
        illness=p.illness_class or None,
        work_capacity=p.work_capacity,
        student=_STUDENT.get(p.student_level, "none"),
        employment=_employment(p.employment, p.work_capacity),
    )


def household_facts(session: Session, household_id: str) -> Household:
    """The policy engine's view of a stored household (members counted, incomes, assets)."""
    people = session.scalars(
        select(Person).where(
            Person.household_id == household_id,
            Person.deleted.is_(False),
            Person.is_member.is_(True),
        )
    ).all()
    members = {p.id for p in people}
    incomes = session.scalars(
        select(IncomeRow).where(
            IncomeRow.household_id == household_id, IncomeRow.deleted.is_(False)
        )
    ).all()
    assets = session.scalars(
        select(Asset).where(Asset.household_id == household_id, Asset.deleted.is_(False))
    ).all()
    applicant = next((p.id for p in people if p.relation == "applicant"), "")
    return Household(
        members=tuple(_member(p) for p in people),
        # Income not tied to a member is the family's: counted with the applicant.
        incomes=tuple(
            IncomeItem(
                i.person_id or applicant, i.month, _INCOME_KIND.get(i.kind, i.kind), i.amount
            )
            for i in incomes
            if i.person_id in members or (i.person_id is None and applicant)
        ),
        liquid_assets=tuple((a.kind, a.amount) for a in assets if a.kind in _LIQUID),
        vehicles=tuple(
            Vehicle(a.vehicle_purpose if a.vehicle_purpose in _EXEMPT_VEHICLES else "other")
            for a in assets
            if a.kind == "vehicle"
        ),
        dwellings=tuple(
            Dwelling(a.floor_area or Decimal("0.01"), a.kind == "dwelling")
            for a in assets
            if a.kind in ("dwelling", "nonresidential")
        ),
    )


def case_amount(
    session: Session, app: Application, month: date, policy: PolicySet | None = None
) -> Decimal:
    """The monthly amount to print for a case: decided amount, else the computed one (0 when
    the household does not qualify or its facts are incomplete)."""
    if app.benefit_amount is not None:
        return app.benefit_amount
    household = session.get(HouseholdRow, app.household_id)
    if household is None:
        return ZERO
    facts = household_facts(session, app.household_id)
    if not any(m.relation == "applicant" for m in facts.members):
        return ZERO
    try:
        result = assess(facts, month, policy)
    except DeskError:
        return ZERO
    for code in PROGRAMME_OF.get(app.assistance_type, ()):
        programme = result.programmes.get(code)
        if programme is not None and programme.eligible:
            return programme.amount
    return ZERO
