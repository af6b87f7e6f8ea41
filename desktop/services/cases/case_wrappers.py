"""Named workflow steps that gather their parameters from the store before ``perform``:
acceptance with the one-time missing list, the survey from its record, payment by policy."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.workflow import definition_of
from desktop.errors import WorkflowError
from desktop.services.base import ALL_ROLES, Actor, Scope, service
from desktop.services.cases.case_policy import pay_from_rule
from desktop.services.cases.case_steps import CaseView, amount_text, get_case, perform
from desktop.services.cases.surveys import get_survey
from desktop.store.models import Application, Document, Office
from desktop.store.store import Store


def missing_documents(store: Store, application_id: str) -> list[str]:
    """Titles of the application's documents still marked required (一次性告知)."""
    with store.sessions.read() as s:
        return missing_document_titles(s, application_id)


def missing_document_titles(session: Session, application_id: str) -> list[str]:
    """``missing_documents`` inside an open session (seeing its uncommitted rows)."""
    return list(
        session.scalars(
            select(Document.title)
            .where(
                Document.application_id == application_id,
                Document.status == "required",
                Document.deleted.is_(False),
            )
            .order_by(Document.title)
        )
    )


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def accept_application(
    store: Store,
    actor: Actor,
    application_id: str,
    when: date,
    expected_version: int,
    *,
    hard_case: bool = False,
) -> CaseView:
    """受理: the one-time missing list is the application's documents still required."""
    params = {"missing_documents": missing_documents(store, application_id), "hard_case": hard_case}
    return perform(store, actor, application_id, "accept", params, when, expected_version)


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def record_survey_from_record(
    store: Store, actor: Actor, application_id: str, expected_version: int, when: date | None = None
) -> CaseView:
    """登记入户调查 from the finalised 入户调查表 (dated the visit unless ``when`` is given)."""
    survey = get_survey(store, application_id)
    if survey is None or not survey.locked:
        raise WorkflowError("登记入户调查：入户调查表尚未定稿")
    assert survey.visited_on is not None
    findings = "；".join(
        t for t in (survey.sections.get("findings"), survey.sections.get("opinion")) if t
    )
    params = {
        "surveyors": list(survey.surveyors),
        "members_present": list(survey.members_present),
        "findings": findings,
        "mode": survey.sections.get("mode") or "onsite",
        "signed_by_surveyors": True,
        "signed_by_family": True,
    }
    day = when or survey.visited_on
    return perform(store, actor, application_id, "record_survey", params, day, expected_version)


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def record_check_report(
    store: Store,
    actor: Actor,
    application_id: str,
    reference: str,
    when: date,
    expected_version: int,
    summary: str = "",
) -> CaseView:
    """登记核对报告（分析版）with its number and conclusion."""
    params = {"reference": reference, "summary": summary}
    return perform(
        store, actor, application_id, "record_check_report", params, when, expected_version
    )


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def start_payment(
    store: Store, actor: Actor, application_id: str, when: date, expected_version: int
) -> CaseView:
    """开始发放 with the policy switch in force on the decision day (特困: always next month)."""
    case = get_case(store, application_id).snapshot
    params: dict[str, str] = {}
    definition = definition_of(case.assistance_type)
    if definition.ongoing and definition.fixed_pay_from is None and case.decision_on:
        with store.sessions.read() as s:
            app = s.get(Application, application_id)
            assert app is not None
            office = s.get(Office, app.hukou_office_id)
            region = office.region_code if office else None
            params["pay_from"] = pay_from_rule(s, case.decision_on, region)
    return perform(store, actor, application_id, "start_payment", params, when, expected_version)


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def pay_emergency_aid(
    store: Store,
    actor: Actor,
    application_id: str,
    amount: object,
    when: date,
    expected_version: int,
) -> CaseView:
    """先行救助: paid from this office's 备用金 in the same transaction (cap and balance checked)."""
    value = amount if isinstance(amount, str) else amount_text(amount)  # type: ignore[arg-type]
    return perform(
        store, actor, application_id, "pay_emergency_aid", {"amount": value}, when, expected_version
    )
