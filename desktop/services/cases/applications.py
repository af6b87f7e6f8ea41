"""Applications (救助申请): filing one, reading it, and the case list the window shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from desktop.domain.documents import ChecklistFacts, required_documents
from desktop.domain.household import check_office_scope
from desktop.errors import NotFound, ValidationError
from desktop.services.base import (
    Actor,
    Role,
    Scope,
    UnitOfWork,
    choice,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.cases.case_numbers import next_number
from desktop.services.cases.case_steps import open_case
from desktop.store.models import Application, Document, Household, Office, Person
from desktop.store.store import Store

ASSISTANCE_TYPES = {
    "dibao": "最低生活保障",
    "tekun": "特困人员救助供养",
    "bianyuan": "低保边缘家庭",
    "linshi_jinan": "临时救助（急难型）",
    "linshi_zhichu": "临时救助（支出型）",
    "gangxing": "刚性支出困难家庭",
}

CHANNELS = {
    "window": "窗口受理",
    "hotline": "社会救助热线",
    "12345": "12345服务热线",
    "wechat": "微信“直通车”",
    "portal": "津心办",
    "qr": "码上办",
    "active_discovery": "主动发现",
}

INITIAL_STATE = "new"


@dataclass(frozen=True)
class ApplicationInput:
    household_id: str
    assistance_type: str
    applied_on: date
    channel: str = "window"
    reason: str = ""
    proxy_name: str = ""
    proxy_authorised: bool = False
    staff_relative: bool = False


@dataclass(frozen=True)
class ApplicationView:
    id: str
    number: str
    household_id: str
    applicant_id: str
    applicant_name: str
    assistance_type: str
    state: str
    channel: str
    residence_office_id: str
    hukou_office_id: str
    filed_at_office_id: str
    applied_on: date
    reason: str
    proxy_name: str
    staff_relative: bool
    benefit_amount: Decimal | None
    next_deadline: date | None
    deadline_step: str
    workflow: dict

    @property
    def type_label(self) -> str:
        return ASSISTANCE_TYPES.get(self.assistance_type, self.assistance_type)


def application_view(app: Application, applicant_name: str) -> ApplicationView:
    return ApplicationView(
        app.id,
        app.number,
        app.household_id,
        app.applicant_id,
        applicant_name,
        app.assistance_type,
        app.state,
        app.channel,
        app.residence_office_id,
        app.hukou_office_id,
        app.filed_at_office_id,
        app.applied_on,
        app.reason,
        app.proxy_name,
        app.staff_relative,
        app.benefit_amount,
        app.next_deadline,
        app.deadline_step,
        dict(app.workflow or {}),
    )


@service(
    scope=Scope.HOUSEHOLD("data.household_id"),
    roles={Role.CLERK, Role.SUPERVISOR, Role.ADMIN},
    changes={"cases", "documents"},
)
def create_application(
    store: Store, actor: Actor, data: ApplicationInput, *, within: UnitOfWork | None = None
) -> ApplicationView:
    """File an application at this office (居住地 or 户籍地 — 一城通办) with its document checklist
    (``within``: inside the caller's transaction, as intake does)."""
    choice(data.assistance_type, "救助类别", ASSISTANCE_TYPES)
    choice(data.channel, "申请渠道", CHANNELS)
    if not isinstance(data.applied_on, date):
        raise ValidationError("申请日期", "请选择日期")
    if data.applied_on > date.today():
        raise ValidationError("申请日期", "不能晚于今天")
    reason = require_text(data.reason, "申请理由", max_len=2000, multiline=True, required=False)
    proxy = require_text(data.proxy_name, "代办人姓名", max_len=40, required=False)
    with unit_of_work(store, actor, within=within) as uow:
        s = uow.session
        household = s.get(Household, data.household_id)
        if household is None or household.deleted:
            raise NotFound("该家庭不存在或已删除")
        check_office_scope(
            actor.office_id, household.residence_office_id, household.hukou_office_id
        )
        open_same = s.scalar(
            select(Application.number).where(
                Application.household_id == household.id,
                Application.assistance_type == data.assistance_type,
                Application.deleted.is_(False),
                Application.state.notin_(("refused", "withdrawn", "closed", "stopped")),
            )
        )
        if open_same:
            raise ValidationError("救助类别", f"该家庭已有办理中的同类申请（{open_same}）")
        applicant = s.scalars(
            select(Person).where(
                Person.household_id == household.id,
                Person.relation == "applicant",
                Person.deleted.is_(False),
            )
        ).first()
        if applicant is None:
            raise ValidationError("申请人", "该家庭没有登记申请人本人")
        office = s.get(Office, actor.office_id)
        assert office is not None
        app = Application(
            number=next_number(s, office, data.applied_on.year),
            household_id=household.id,
            applicant_id=applicant.id,
            assistance_type=data.assistance_type,
            state=INITIAL_STATE,
            channel=data.channel,
            filed_at_office_id=office.id,
            residence_office_id=household.residence_office_id,
            hukou_office_id=household.hukou_office_id,
            applied_on=data.applied_on,
            proxy_name=proxy,
            proxy_authorised=data.proxy_authorised,
            staff_relative=data.staff_relative,
            reason=reason,
            workflow={},
        )
        s.add(app)
        s.flush()
        open_case(uow, app, data.applied_on)
        label = ASSISTANCE_TYPES[data.assistance_type]
        uow.record(
            app,
            action="create_application",
            summary=f"受理{label}申请 {app.number}（{applicant.name}）",
        )
        members = s.scalars(
            select(Person).where(Person.household_id == household.id, Person.deleted.is_(False))
        ).all()
        facts = ChecklistFacts(
            data.assistance_type,
            has_proxy=bool(proxy),
            has_serious_illness=any(m.illness_class for m in members),
            has_adult_student=any(m.student_level in ("college", "bachelor") for m in members),
        )
        for kind in required_documents(facts):
            doc = Document(
                household_id=household.id,
                application_id=app.id,
                kind=kind.code,
                title=kind.title,
                status="required",
            )
            uow.record(doc, action="require_document", summary=f"一次性告知：需提交 {kind.title}")
        return application_view(app, applicant.name)


def get_application(store: Store, application_id: str) -> ApplicationView:
    with store.sessions.read() as s:
        row = s.execute(
            select(Application, Person.name)
            .join(Person, Person.id == Application.applicant_id)
            .where(Application.id == application_id)
        ).first()
        if row is None or row[0].deleted:
            raise NotFound("该申请不存在或已删除")
        return application_view(row[0], row[1])
