"""What the intake window collects, as one plain dict (also the draft), and how it is filed.

Qt-free: ``submit_intake`` runs on the writer thread and calls only the core services. It is
resumable: ``IntakeProgress`` remembers what was already written, so after a refusal (say the
application is refused) a second submit does not register the household twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.domain.documents import ChecklistFacts, DocumentKind, required_documents
from desktop.domain.ids import parse_id
from desktop.errors import ValidationError
from desktop.services.applications import (
    INITIAL_STATE,
    ApplicationInput,
    ApplicationView,
    create_application,
    get_application,
)
from desktop.services.base import Actor
from desktop.services.case_steps import get_case
from desktop.services.case_wrappers import accept_application
from desktop.services.documents import DocumentView, missing_list
from desktop.services.finances import AssetInput, IncomeInput, add_asset, add_income
from desktop.services.households import HouseholdInput, PersonInput, create_household
from desktop.store.store import Store

DRAFT_KIND = "intake"
DRAFT_KEY = "new"
PERSON_FIELDS = (
    "name",
    "id_number",
    "relation",
    "phone",
    "disability_type",
    "disability_level",
    "illness_class",
    "work_capacity",
    "student_level",
    "employment",
)


def empty_intake(office_id: str) -> dict[str, Any]:
    """A fresh form: both offices default to the clerk's own office."""
    return {
        "page": 0,
        "household": {
            "residence_office_id": office_id,
            "hukou_office_id": office_id,
            "address": "",
            "hukou_address": "",
            "community": "",
            "phone": "",
        },
        "members": [],
        "member_form": {},
        "incomes": [],
        "assets": [],
        "application": {},
    }


def person_input(m: dict[str, Any]) -> PersonInput:
    """A member dict → PersonInput (the level is an int or None)."""
    level = m.get("disability_level")
    return PersonInput(
        name=str(m.get("name", "")),
        id_number=str(m.get("id_number", "")),
        relation=str(m.get("relation", "")),
        phone=str(m.get("phone", "")),
        disability_type=str(m.get("disability_type", "")),
        disability_level=int(level) if level not in (None, "") else None,
        illness_class=str(m.get("illness_class", "")),
        work_capacity=str(m.get("work_capacity", "full")),
        student_level=str(m.get("student_level", "")),
        employment=str(m.get("employment", "")),
    )


def household_input(data: dict[str, Any]) -> HouseholdInput:
    h = data["household"]
    return HouseholdInput(
        residence_office_id=h["residence_office_id"],
        hukou_office_id=h["hukou_office_id"],
        address=h.get("address", ""),
        community=h.get("community", ""),
        hukou_address=h.get("hukou_address", ""),
        phone=h.get("phone", ""),
        members=tuple(person_input(m) for m in data["members"]),
    )


def application_input(data: dict[str, Any], household_id: str) -> ApplicationInput:
    a = data["application"]
    return ApplicationInput(
        household_id=household_id,
        assistance_type=a.get("assistance_type", ""),
        applied_on=date.fromisoformat(a.get("applied_on") or date.today().isoformat()),
        channel=a.get("channel", "window"),
        reason=a.get("reason", ""),
        proxy_name=a.get("proxy_name", ""),
        proxy_authorised=bool(a.get("proxy_authorised")),
        staff_relative=bool(a.get("staff_relative")),
    )


def checklist_preview(data: dict[str, Any]) -> list[DocumentKind]:
    """The 一次性告知 list the application will get (same rule the service applies)."""
    members = data["members"]
    a = data["application"]
    facts = ChecklistFacts(
        a.get("assistance_type", "dibao") or "dibao",
        has_proxy=bool((a.get("proxy_name") or "").strip()),
        has_serious_illness=any(m.get("illness_class") for m in members),
        has_adult_student=any(m.get("student_level") in ("college", "bachelor") for m in members),
    )
    return required_documents(facts)


def member_key(id_number: str) -> str:
    """The normalised ID number that ties an income item to its member."""
    try:
        return parse_id(id_number).number
    except ValidationError:
        return id_number.strip().upper()


@dataclass
class IntakeProgress:
    """What a (possibly interrupted) submit already wrote."""

    household_id: str | None = None
    person_ids: dict[str, str] = field(default_factory=dict)
    incomes_done: int = 0
    assets_done: int = 0
    application_id: str | None = None


@dataclass(frozen=True)
class IntakeResult:
    """The filed application and the documents the family still has to bring."""

    application: ApplicationView
    missing: list[DocumentView]
    changed: frozenset[str] = frozenset({"cases", "households", "persons", "documents"})


def _check_office(actor: Actor, data: dict[str, Any]) -> None:
    h = data["household"]
    if actor.office_id not in (h["residence_office_id"], h["hukou_office_id"]):
        raise ValidationError(
            "居住地街道", "本街道既不是该家庭的居住地也不是户籍地，不能受理（一城通办）"
        )


def submit_intake(
    store: Store, actor: Actor, data: dict[str, Any], progress: IntakeProgress
) -> IntakeResult:
    """Register the household, its income and assets, then file the application."""
    if progress.household_id is None:
        _check_office(actor, data)
        view = create_household(store, actor, household_input(data))
        progress.person_ids = {m.id_number: m.id for m in view.members}
        progress.household_id = view.id
    household_id = progress.household_id
    for item in data["incomes"][progress.incomes_done :]:
        person = progress.person_ids.get(member_key(item.get("member", "")))
        month = date.fromisoformat(item["month"] + "-01")
        add_income(
            store,
            actor,
            household_id,
            IncomeInput(item["kind"], month, Decimal(item["amount"]), person, item.get("note", "")),
        )
        progress.incomes_done += 1
    for item in data["assets"][progress.assets_done :]:
        area = item.get("floor_area") or None
        add_asset(
            store,
            actor,
            household_id,
            AssetInput(
                item["kind"], item.get("amount") or "0", item.get("vehicle_purpose", ""), area
            ),
        )
        progress.assets_done += 1
    if progress.application_id is None:
        progress.application_id = create_application(
            store, actor, application_input(data, household_id)
        ).id
    app = get_application(store, progress.application_id)
    if app.channel == "window" and app.state == INITIAL_STATE:
        # Taken at the window = 受理 today: the one-time missing-documents list goes into the
        # case and the 3-working-day survey clock starts. Requests from hotlines and portals
        # stay 待受理 until a clerk accepts them.
        accept_application(store, actor, app.id, date.today(), get_case(store, app.id).version)
        app = get_application(store, app.id)
    return IntakeResult(app, missing_list(store, app.id))


def missing_documents_pdf(store: Store, actor: Actor, application_id: str) -> bytes:
    """The 一次性告知书 of a filed application as PDF bytes."""
    from desktop.services.printing import missing_documents_for
    from reports.letters import render_missing_documents

    return render_missing_documents(missing_documents_for(store, actor, application_id))


def progress_of(saved: dict[str, Any] | None) -> IntakeProgress:
    """The submit progress kept in a draft (a fresh one when none)."""
    if not saved:
        return IntakeProgress()
    return IntakeProgress(
        household_id=saved.get("household_id"),
        person_ids=dict(saved.get("person_ids") or {}),
        incomes_done=int(saved.get("incomes_done") or 0),
        assets_done=int(saved.get("assets_done") or 0),
    )
