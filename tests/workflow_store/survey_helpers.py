"""Helper that fills a complete 入户调查表 with real signature documents."""

from __future__ import annotations

from datetime import date

from desktop.services.cases.applications import get_application
from desktop.services.cases.workflow import save_survey_draft
from desktop.services.family.documents import attach_document
from desktop.store.models import Person
from tests.support import png_bytes
from tests.workflow_store.conftest import Offices

SECTIONS = {
    "income": "夫妻二人均无固定工作，靠零工维持",
    "assets": "无机动车，存款不足两千元",
    "housing": "租住一室户，约28平方米，家具陈旧",
    "neighbours": "走访邻居两户，反映家庭确实困难",
    "findings": "家庭经济状况与申报一致",
    "opinion": "建议按程序上报初审",
}


def sign(o: Offices, household_id: str, name: str) -> str:
    return attach_document(
        o.store, o.surveyor, household_id=household_id, kind="signature",
        data=png_bytes(len(name)), file_name=f"{name}.png",
    ).id  # fmt: skip


def fill_survey(o: Offices, application_id: str, visited_on: date) -> dict[str, str]:
    """Save a complete draft (surveyors 王调查/刘明, the applicant present, all signed)."""
    app = get_application(o.store, application_id)
    with o.store.sessions.read() as s:
        applicant = s.get(Person, app.applicant_id)
        assert applicant is not None
        present = applicant.name
    people = ["王调查", "刘明", present]
    signatures = {n: sign(o, app.household_id, n) for n in people}
    save_survey_draft(
        o.store, o.surveyor, application_id, visited_on=visited_on,
        surveyors=["王调查", "刘明"], members_present=[present],
        sections={**SECTIONS, "signatures": signatures},
    )  # fmt: skip
    return signatures
