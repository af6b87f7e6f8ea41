"""新建申请 at the window as one service call: household, members, incomes, assets, payee
account, application and 受理 validated first and written in ONE transaction (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from desktop.domain.household import check_office_scope
from desktop.domain.ids import parse_id
from desktop.errors import ValidationError
from desktop.services.base import Actor, Change, Role, Scope, UnitOfWork, service, unit_of_work
from desktop.services.cases.applications import (
    INITIAL_STATE,
    ApplicationInput,
    ApplicationView,
    application_view,
    create_application,
)
from desktop.services.cases.case_steps import perform
from desktop.services.cases.case_wrappers import missing_document_titles
from desktop.services.family.documents import DocumentView, missing_list
from desktop.services.family.finances import (
    AssetInput,
    IncomeInput,
    clean_asset,
    clean_income,
    write_asset,
    write_income,
)
from desktop.services.family.households import (
    BankInput,
    HouseholdInput,
    register_household,
    validate_bank,
)
from desktop.store.models import Application, Person
from desktop.store.store import Store

INTAKE_ROLES = {Role.CLERK, Role.SUPERVISOR, Role.ADMIN}


@dataclass(frozen=True)
class IntakeIncome:
    """One income item as typed at intake: the earner by ID number ('' = the whole family)."""

    kind: str
    month: date
    amount: object
    earner_id_number: str = ""
    note: str = ""


@dataclass(frozen=True)
class IntakeInput:
    """Everything the intake window collects. ``application.household_id`` is ignored (the
    household is created here); ``bank`` is optional (it may be added later)."""

    household: HouseholdInput
    application: ApplicationInput
    incomes: tuple[IntakeIncome, ...] = ()
    assets: tuple[AssetInput, ...] = ()
    bank: BankInput | None = None


@dataclass(frozen=True)
class IntakeResult:
    """The filed application and the documents the family still has to bring."""

    application: ApplicationView
    missing: list[DocumentView]
    likely_duplicates: tuple[str, ...] = ()
    changed: frozenset[Change] = frozenset(
        {Change.CASES, Change.HOUSEHOLDS, Change.PERSONS, Change.DOCUMENTS, Change.FINANCES}
    )


def _id_key(id_number: str) -> str:
    try:
        return parse_id(id_number).number
    except ValidationError:
        return id_number.strip().upper()


def _check_incomes(data: IntakeInput) -> list[tuple[IncomeInput, str]]:
    """Each income cleaned, with the normalised ID number of its earner."""
    members = {_id_key(m.id_number) for m in data.household.members}
    out = []
    for n, item in enumerate(data.incomes, start=1):
        where = f"（第{n}条收入）"
        earner = _id_key(item.earner_id_number) if item.earner_id_number.strip() else ""
        if earner and earner not in members:
            raise ValidationError(f"收入人{where}", "不是本次登记的家庭成员")
        cleaned = clean_income(
            IncomeInput(item.kind, item.month, item.amount, None, item.note), where
        )
        out.append((cleaned, earner))
    return out


@service(scope=Scope.INPUT("data.household"), roles=INTAKE_ROLES, changes=IntakeResult.changed)
def submit_intake(
    store: Store, actor: Actor, data: IntakeInput, *, within: UnitOfWork | None = None
) -> IntakeResult:
    """File a new family's application: validate everything (ValidationError naming the
    field), then write household, members, incomes, assets, account, application, its
    document checklist and — taken at the window — 受理 with the one-time missing list, in one
    transaction (the caller's, given ``within``). A refusal anywhere stores nothing."""
    h = data.household
    check_office_scope(actor.office_id, h.residence_office_id, h.hukou_office_id)
    incomes = _check_incomes(data)
    assets = [clean_asset(a, f"（第{n}项财产）") for n, a in enumerate(data.assets, start=1)]
    bank = validate_bank(data.bank) if data.bank is not None and not data.bank.is_empty() else None
    with unit_of_work(store, actor, within=within) as uow:
        household, dups = register_household(uow, h, bank)
        rows = uow.session.execute(
            select(Person.id_number, Person.id).where(Person.household_id == household.id)
        )
        people = {number: pid for number, pid in rows}
        for item, earner in incomes:
            write_income(uow, household.id, replace(item, person_id=people.get(earner)))
        for asset in assets:
            write_asset(uow, household.id, asset)
        filed = create_application(
            store, actor, replace(data.application, household_id=household.id), within=uow
        )
        app = uow.session.get(Application, filed.id)
        assert app is not None
        if app.channel == "window" and app.state == INITIAL_STATE:
            # Taken at the window = 受理 on the day the family applied there (a paper form
            # entered later keeps its real date): the one-time missing-documents list goes
            # into the case and the 3-working-day survey clock starts from that day.
            # Requests from hotlines and portals stay 待受理 until a clerk accepts them.
            params = {
                "missing_documents": missing_document_titles(uow.session, app.id),
                "hard_case": False,
            }
            version = app.version
            uow.session.expire(app)  # the step re-reads the row it claims by version
            perform(store, actor, app.id, "accept", params, app.applied_on, version, within=uow)
            uow.session.refresh(app)
        view = application_view(app, filed.applicant_name)
    missing = missing_list(store, view.id) if within is None else []
    return IntakeResult(view, missing, tuple(dups))
