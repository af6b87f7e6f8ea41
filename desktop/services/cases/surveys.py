"""入户调查表 (home survey records): autosaved drafts, strict finalisation, then locked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.workflow import DEFAULT_RULES, AssistanceType, definition_of
from desktop.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from desktop.services.base import (
    PROVIDER_ROLES,
    Actor,
    Role,
    Scope,
    check_plain_text,
    service,
    unit_of_work,
)
from desktop.services.cases.case_steps import load_snapshot
from desktop.store.models import Application, Document, Person
from desktop.store.store import Store
from desktop.store.workflow_models import HomeSurveyRecord

# A commissioned survey company (购买服务机构) fills the surveys of the cases assigned to it.
SURVEY_ROLES = {Role.SURVEYOR, Role.SUPERVISOR, Role.PROVIDER}
TEXT_SECTIONS = {
    "income": "收入情况",
    "assets": "财产情况",
    "housing": "住房及生活状况",
    "neighbours": "邻里走访情况",
    "findings": "调查结论",
    "opinion": "调查人员意见",
}
SECTION_LABELS = {**TEXT_SECTIONS, "photos": "现场照片", "signatures": "签字", "mode": "调查方式"}
SURVEY_MODES = {"onsite": "实地入户", "phone": "电话调查", "video": "视频调查"}
_MAX_TEXT = 4000


@dataclass(frozen=True)
class SurveyView:
    """A survey record as stored."""

    id: str
    application_id: str
    status: str
    visited_on: date | None
    surveyors: tuple[str, ...]
    members_present: tuple[str, ...]
    sections: dict[str, Any]
    finalized_at: datetime | None
    finalized_by: str

    @property
    def locked(self) -> bool:
        """True once finalised: no more edits."""
        return self.status == "final"


def _view(r: HomeSurveyRecord) -> SurveyView:
    return SurveyView(
        r.id,
        r.application_id,
        r.status,
        r.visited_on,
        tuple(r.surveyors or ()),
        tuple(r.members_present or ()),
        dict(r.sections or {}),
        r.finalized_at,
        r.finalized_by,
    )


def _names(value: Sequence[str], field: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValidationError(field, "应为姓名列表")
    out: list[str] = []
    for item in value:
        name = check_plain_text(str(item).strip(), field)
        if not name:
            raise ValidationError(field, "含有空白姓名")
        if len(name) > 40:
            raise ValidationError(field, f"姓名“{name[:10]}…”过长")
        if name in out:
            raise ValidationError(field, f"“{name}”重复")
        out.append(name)
    return out


def _sections(raw: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in SECTION_LABELS:
            raise ValidationError("调查表栏目", f"“{key}”不是调查表的栏目")
        label = SECTION_LABELS[key]
        if key in TEXT_SECTIONS:
            if not isinstance(value, str) or len(value) > _MAX_TEXT:
                raise ValidationError(label, f"应为不超过{_MAX_TEXT}字的文字")
        elif key == "mode":
            if value not in SURVEY_MODES:
                raise ValidationError(label, "应为实地入户、电话调查或视频调查")
        elif key == "photos":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValidationError(label, "应为照片材料编号列表")
        elif not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ValidationError(label, "应为“姓名 → 签字材料编号”的对应表")
        out[key] = value
    return out


def _case_for_survey(session: Session, actor: Actor, application_id: str) -> Application:
    app = session.get(Application, application_id)
    if app is None or app.deleted:
        raise NotFound("该申请不存在或已删除")
    if actor.office_id != app.residence_office_id:
        raise PermissionDenied("入户调查表由家庭居住地街道的调查人员填写，本街道不是居住地")
    return app


def _record(session: Session, application_id: str) -> HomeSurveyRecord | None:
    return session.scalars(
        select(HomeSurveyRecord).where(HomeSurveyRecord.application_id == application_id)
    ).first()


@service(scope=Scope.APPLICATION("application_id"), roles=SURVEY_ROLES, changes={"surveys"})
def save_survey_draft(
    store: Store,
    actor: Actor,
    application_id: str,
    *,
    visited_on: date | None = None,
    surveyors: Sequence[str] | None = None,
    members_present: Sequence[str] | None = None,
    sections: Mapping[str, Any] | None = None,
) -> SurveyView:
    """Autosave: stores the fields given (sections merged by key), checks only those; writes
    nothing when nothing changed. Drafts stay local (no sync entry) until finalised."""
    changes: dict[str, Any] = {}
    if visited_on is not None:
        if not isinstance(visited_on, date):
            raise ValidationError("调查日期", "请选择日期")
        if visited_on > date.today():
            raise ValidationError("调查日期", "不能晚于今天")
        changes["visited_on"] = visited_on
    if surveyors is not None:
        changes["surveyors"] = _names(surveyors, "调查人员")
    if members_present is not None:
        changes["members_present"] = _names(members_present, "在场家庭成员")
    new_sections = _sections(sections or {})
    with unit_of_work(store, actor) as uow:
        app = _case_for_survey(uow.session, actor, application_id)
        row = _record(uow.session, application_id)
        if row is not None and row.status == "final":
            raise WorkflowError("入户调查表已定稿，不能再修改")
        if row is None:
            row = HomeSurveyRecord(
                application_id=app.id,
                household_id=app.household_id,
                status="draft",
                surveyors=[],
                members_present=[],
                sections={},
            )
            uow.session.add(row)
            uow.session.flush()
            uow.audit("start_survey", "home_survey", row.id, f"开始填写入户调查表（{app.number}）")
        if new_sections:
            merged = {**(row.sections or {}), **new_sections}
            if merged != row.sections:
                changes["sections"] = merged
        for key, value in changes.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
        return _view(row)


def _check_signatures(session: Session, row: HomeSurveyRecord, people: list[str]) -> None:
    signatures: dict[str, str] = (row.sections or {}).get("signatures") or {}
    for name in people:
        doc_id = signatures.get(name)
        if not doc_id:
            raise ValidationError("签字", f"缺少“{name}”的签字")
        doc = session.get(Document, doc_id)
        if doc is None or doc.deleted or doc.household_id != row.household_id:
            raise ValidationError("签字", f"“{name}”的签字材料不存在")
        if doc.kind != "signature" or doc.status != "received":
            raise ValidationError("签字", f"“{name}”的签字材料不是已收到的签字")
    for doc_id in (row.sections or {}).get("photos") or []:
        doc = session.get(Document, doc_id)
        if doc is None or doc.deleted or doc.kind != "photo":
            raise ValidationError("现场照片", "照片材料不存在或不是照片")


def _check_complete(session: Session, app: Application, row: HomeSurveyRecord, today: date) -> None:
    accepted = load_snapshot(session, app).accepted_on
    if row.visited_on is None:
        raise ValidationError("调查日期", "不能为空")
    if accepted is None:
        raise ValidationError("调查日期", "案件尚未受理，不能定稿入户调查表")
    if row.visited_on < accepted:
        raise ValidationError("调查日期", f"不能早于受理日期{accepted.isoformat()}")
    if row.visited_on > today:
        raise ValidationError("调查日期", "不能晚于今天")
    if len(row.surveyors or []) < DEFAULT_RULES.min_surveyors:
        raise ValidationError("调查人员", f"至少需要{DEFAULT_RULES.min_surveyors}名调查人员")
    present = list(row.members_present or [])
    if not present:
        raise ValidationError("在场家庭成员", "至少需要一名家庭成员在场")
    members = set(
        session.scalars(
            select(Person.name).where(
                Person.household_id == app.household_id, Person.deleted.is_(False)
            )
        )
    )
    strangers = [n for n in present if n not in members]
    if strangers:
        raise ValidationError("在场家庭成员", f"“{'、'.join(strangers)}”不是该家庭登记的成员")
    mode = (row.sections or {}).get("mode") or "onsite"
    if (
        mode != "onsite"
        and not definition_of(AssistanceType(app.assistance_type)).remote_survey_allowed
    ):
        raise ValidationError("调查方式", "电话或视频调查仅限急难型临时救助")
    for key, label in TEXT_SECTIONS.items():
        if not str((row.sections or {}).get(key) or "").strip():
            raise ValidationError(label, "不能为空")
    _check_signatures(session, row, [*row.surveyors, *present])


@service(scope=Scope.APPLICATION("application_id"), roles=SURVEY_ROLES, changes={"surveys"})
def finalize_survey(store: Store, actor: Actor, application_id: str, today: date) -> SurveyView:
    """Check everything (≥2 surveyors, members present, signatures, dates) and lock the record."""
    with unit_of_work(store, actor) as uow:
        app = _case_for_survey(uow.session, actor, application_id)
        row = _record(uow.session, application_id)
        if row is None:
            raise NotFound("该申请还没有入户调查表")
        if row.status == "final":
            raise WorkflowError("入户调查表已定稿，不能再修改")
        _check_complete(uow.session, app, row, today)
        row.status = "final"
        row.finalized_at = uow.now
        row.finalized_by = actor.display_name
        uow.record(
            row,
            action="finalize_survey",
            summary=f"入户调查表定稿（{app.number}，{row.visited_on}，{'、'.join(row.surveyors)}）",
        )
        return _view(row)


@service(roles=PROVIDER_ROLES, scope=Scope.APPLICATION("application_id"))
def survey_for_form(store: Store, actor: Actor, application_id: str) -> SurveyView:
    """The survey as the form opens it: the stored record, or for a new one the surveyors and
    date of the 安排入户调查 step (all scheduled surveyors; the user when none was scheduled).
    Nothing is stored until the first autosave."""
    stored = get_survey(store, application_id)
    if stored is not None:
        return stored
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该申请不存在或已删除")
        plan = load_snapshot(s, app).survey_plan
    surveyors = tuple(plan.surveyors) if plan and plan.surveyors else (actor.display_name,)
    planned = plan.planned_on if plan and plan.planned_on <= date.today() else None
    return SurveyView("", application_id, "new", planned, surveyors, (), {}, None, "")


def get_survey(store: Store, application_id: str) -> SurveyView | None:
    """The survey record of an application, or None when none was started."""
    with store.sessions.read() as s:
        row = _record(s, application_id)
        return _view(row) if row else None
