"""What the intake window collects, as one plain dict (also the draft), and how it is filed.

Qt-free: ``file_intake`` runs on the writer thread and turns the draft into the one input of
the core's ``submit_intake`` (one transaction: a refusal stores nothing and the draft stays).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.domain.documents import ChecklistFacts, DocumentKind, required_documents
from desktop.domain.ids import parse_id
from desktop.errors import ValidationError
from desktop.services.base import Actor
from desktop.services.cases.applications import ApplicationInput
from desktop.services.family.finances import AssetInput
from desktop.services.family.households import BankInput, HouseholdInput, PersonInput
from desktop.services.family.intake import IntakeIncome, IntakeInput, IntakeResult, submit_intake
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
        "bank": {"bank_name": "", "holder": "", "number": ""},
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


def _month(text: str, n: int) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise ValidationError(f"收入月份（第{n}条收入）", "请选择月份") from None


def bank_input(data: dict[str, Any]) -> BankInput | None:
    """The 收款账户 group of the draft (None when left empty)."""
    b = data.get("bank") or {}
    bank = BankInput(
        str(b.get("bank_name", "")), str(b.get("holder", "")), str(b.get("number", ""))
    )
    return None if bank.is_empty() else bank


def intake_input(data: dict[str, Any]) -> IntakeInput:
    """The draft dict as the one input of the core's ``submit_intake`` (no rule here)."""
    return IntakeInput(
        household=household_input(data),
        application=application_input(data, ""),
        incomes=tuple(
            IntakeIncome(
                i.get("kind", ""),
                _month(str(i.get("month", "")), n),
                i.get("amount", ""),
                str(i.get("member", "")),
                str(i.get("note", "")),
            )
            for n, i in enumerate(data["incomes"], start=1)
        ),
        assets=tuple(
            AssetInput(
                a.get("kind", ""),
                a.get("amount") or "0",
                a.get("vehicle_purpose", ""),
                a.get("floor_area") or None,
                a.get("note", ""),
            )
            for a in data["assets"]
        ),
        bank=bank_input(data),
    )


def file_intake(store: Store, actor: Actor, data: dict[str, Any]) -> IntakeResult:
    """Run on the writer thread: the whole intake as one core call (all or nothing)."""
    return submit_intake(store, actor, intake_input(data))


def missing_documents_pdf(store: Store, actor: Actor, application_id: str) -> bytes:
    """The 一次性告知书 of a filed application as PDF bytes."""
    from printing.records import missing_documents_for
    from reports.letters import render_missing_documents

    return render_missing_documents(missing_documents_for(store, actor, application_id))
