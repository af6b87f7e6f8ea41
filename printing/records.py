"""Plain report data built from the store for the print centre and the intake window.

Each function reads the store and returns a ``reports.data`` object; the caller renders it.
Notices and announcements carry only name, family size, type and amount (domain.md §3).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.calendar import WorkCalendar
from desktop.domain.documents import DOCUMENT_KINDS
from desktop.domain.household import (
    DISABILITY_TYPES,
    EMPLOYMENT,
    ILLNESS_CLASSES,
    RELATIONS,
    WORK_CAPACITY,
)
from desktop.domain.payment_status import PAYING_CODES
from desktop.domain.policy.plain import plain_policy
from desktop.domain.policy.tables import PolicySet
from desktop.errors import NotFound, ReportError, ValidationError
from desktop.services.base import ALL_ROLES, Actor, Scope, service
from desktop.services.outreach.office_window import window_contact
from desktop.services.policy.printing_facts import REPORT_TYPE, case_amount, current_policy
from desktop.settings import get_setting
from desktop.store.models import Application, Document, Household, Office, Person
from desktop.store.store import Store
from reports import data as rd

NOTICE_STATE = "in_notice"
CONFIRMED_STATES = ("confirmed", *PAYING_CODES)
PAYING_STATES = PAYING_CODES
PUBLIC_HOTLINE = rd.Contact("政务服务便民热线", "12345")
# Working days the family gets to bring what the 一次性告知书 lists (local practice [U]).
SUPPLEMENT_WORKING_DAYS = 5


@dataclass(frozen=True)
class OfficeChoice:
    """A street office for a picker: id, code, name."""

    id: str
    code: str
    name: str
    district: str


def list_offices(store: Store) -> list[OfficeChoice]:
    """Every known street office, by code."""
    with store.sessions.read() as s:
        rows = s.scalars(select(Office).where(Office.deleted.is_(False)).order_by(Office.code))
        return [OfficeChoice(o.id, o.code, o.name, o.district) for o in rows]


def office_record(session: Session, office_id: str) -> rd.Office:
    """An office as documents print it (name, address, phone)."""
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound("街道不存在")
    name = office.name if office.name.endswith("办事处") else f"{office.name}办事处"
    return rd.Office(name, office.address, office.phone, office.district)


def report_office(store: Store, office_id: str) -> rd.Office:
    """An office as printed on documents (name, window address, public phone)."""
    with store.sessions.read() as s:
        return office_record(s, office_id)


def own_office(store: Store, office: rd.Office) -> rd.Office:
    """This desk's office as its notices print it: the 社会救助热线 and 受理窗口地址 settings,
    when set, replace the office's registered phone and address (read at each print)."""
    phone, address = window_contact(store, office.phone, office.address)
    return replace(office, phone=phone, address=address)


@service(roles=ALL_ROLES, scope=Scope.NONE("lists this office's own notice communities"))
def notice_communities(store: Store, actor: Actor) -> list[str]:
    """Communities of the households this office serves (as residence or registration office)."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(Household.community)
            .where(
                Household.deleted.is_(False),
                (Household.residence_office_id == actor.office_id)
                | (Household.hukou_office_id == actor.office_id),
            )
            .distinct()
            .order_by(Household.community)
        )
        return [c for c in rows if c]


@service(roles=ALL_ROLES, scope=Scope.NONE("counts of this office's own notices"))
def notice_counts(store: Store, actor: Actor) -> dict[str, int]:
    """Per community served by this office: how many cases are now in public notice."""
    counts = dict.fromkeys(notice_communities(store, actor), 0)
    with store.sessions.read() as s:
        for app, _name in _cases(s, actor, (NOTICE_STATE,), None):
            household = s.get(Household, app.household_id)
            if household is not None and household.community:
                counts[household.community] = counts.get(household.community, 0) + 1
    return counts


def _family_size(session: Session, household_id: str) -> int:
    return (
        session.scalar(
            select(func.count(Person.id)).where(
                Person.household_id == household_id,
                Person.deleted.is_(False),
                Person.is_member.is_(True),
            )
        )
        or 0
    )


def _cases(
    session: Session, actor: Actor, states: tuple[str, ...], community: str | None
) -> list[tuple[Application, str]]:
    stmt = (
        select(Application, Person.name)
        .join(Person, Person.id == Application.applicant_id)
        .join(Household, Household.id == Application.household_id)
        .where(
            Application.deleted.is_(False),
            Application.state.in_(states),
            (Application.residence_office_id == actor.office_id)
            | (Application.hukou_office_id == actor.office_id),
        )
        .order_by(Application.number)
    )
    if community is not None:
        stmt = stmt.where(Household.community == community)
    return [(row[0], row[1]) for row in session.execute(stmt)]


def _notice_row(
    session: Session, app: Application, name: str, month: date, policy: PolicySet
) -> rd.NoticeRow:
    return rd.NoticeRow(
        name,
        _family_size(session, app.household_id),
        REPORT_TYPE[app.assistance_type],
        case_amount(session, app, month, policy),
    )


@service(roles=ALL_ROLES, scope=Scope.COMMUNITY("community"))
def public_notice_for(
    store: Store,
    actor: Actor,
    community: str,
    start_date: date,
    *,
    issued_on: date | None = None,
    notice_no: str = "",
) -> rd.PublicNotice:
    """公示 of the cases of ``community`` now in public notice, posted from ``start_date``."""
    policy = current_policy(store)
    with store.sessions.read() as s:
        cases = _cases(s, actor, (NOTICE_STATE,), community)
        if not cases:
            raise ReportError(f"{community}目前没有处于公示中的案件，无法生成公示")
        rows = tuple(_notice_row(s, app, name, start_date, policy) for app, name in cases)
        office = office_record(s, actor.office_id)
    office = own_office(store, office)
    return rd.PublicNotice(
        office=office,
        community=community,
        start=start_date,
        rows=rows,
        objection_phone=office.phone,
        objection_address=office.address,
        issued_on=issued_on or start_date,
        notice_no=notice_no,
    )


def decision_date(app: Application) -> date:
    """The confirmation date of a case: recorded by the workflow, else its last change."""
    for key in ("decision_date", "confirmed_on"):
        value = (app.workflow or {}).get(key)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    stamp = app.updated_at or datetime.now()
    return stamp.date()


@service(roles=ALL_ROLES, scope=Scope.COMMUNITY("community"))
def confirmation_announcement_for(
    store: Store,
    actor: Actor,
    community: str,
    period_start: date,
    period_end: date,
    *,
    posted_on: date | None = None,
) -> rd.ConfirmationAnnouncement:
    """审核确认公告 of the cases of ``community`` confirmed by this office in the period."""
    if period_end < period_start:
        raise ValidationError("确认期间", "结束日期不能早于开始日期")
    policy = current_policy(store)
    with store.sessions.read() as s:
        cases = [
            (app, name)
            for app, name in _cases(s, actor, CONFIRMED_STATES, community)
            if app.hukou_office_id == actor.office_id
            and period_start <= decision_date(app) <= period_end
        ]
        if not cases:
            raise ReportError(
                f"{community}在 {period_start:%Y-%m-%d} 至 {period_end:%Y-%m-%d} "
                "没有本街道审核确认的案件，无法生成公告"
            )
        rows = tuple(_notice_row(s, app, name, period_end, policy) for app, name in cases)
        residence_id = Counter(app.residence_office_id for app, _n in cases).most_common(1)[0][0]
        residence = office_record(s, residence_id)
        hukou = office_record(s, actor.office_id)
        decided = max(decision_date(app) for app, _n in cases)
    hukou = own_office(store, hukou)
    return rd.ConfirmationAnnouncement(
        residence_office=residence,
        hukou_office=hukou,
        community=community,
        decision_date=decided,
        start=posted_on or date.today(),
        rows=rows,
        objection_phone=hukou.phone,
    )


@service(roles=ALL_ROLES, scope=Scope.NONE("a policy flyer, no family"))
def policy_flyer_for(store: Store, actor: Actor, month: date) -> rd.PolicyFlyer:
    """明白纸 with the standards in force in ``month`` and this office's window and phone."""
    plain = plain_policy(current_policy(store).for_month(month))
    office = own_office(store, report_office(store, actor.office_id))
    standards = tuple(rd.StandardLine(x.label, x.amount, x.unit) for x in plain.standards)
    return rd.PolicyFlyer(
        title="社会救助政策明白纸",
        office=office,
        month=month.replace(day=1),
        intro=plain.intro,
        standards=standards,
        who_qualifies=plain.who_qualifies,
        what_to_bring=plain.what_to_bring,
        hotlines=(rd.Contact(f"{office.name}社会救助咨询电话", office.phone), PUBLIC_HOTLINE),
        windows=(rd.Contact(f"{office.name}社会救助窗口", address=office.address, hours="工作日"),),
        qr_url=str(get_setting(store, "flyer_qr_url")),
        qr_caption="扫码：码上知（政策）· 码上办（申请）· 码上查（进度）",
    )


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _report_person(p: Person, on: date) -> rd.Person:
    health = []
    if p.disability_type:
        health.append(f"{DISABILITY_TYPES[p.disability_type]}{p.disability_level or ''}级")
    if p.illness_class:
        health.append(ILLNESS_CLASSES[p.illness_class])
    return rd.Person(
        name=p.name,
        id_number=p.id_number,
        relation="本人" if p.relation == "applicant" else RELATIONS.get(p.relation, p.relation),
        age=_age(p.birth_date, on),
        health="、".join(health) or "健康",
        work=EMPLOYMENT.get(p.employment, p.employment)
        if p.employment
        else WORK_CAPACITY.get(p.work_capacity, ""),
    )


def case_record(session: Session, app: Application, on: date) -> rd.CaseRecord:
    """A case as documents print it: applicant, family size, type, amount as of ``on``."""
    household = session.get(Household, app.household_id)
    if household is None:
        raise NotFound("该家庭不存在或已删除")
    people = session.scalars(
        select(Person)
        .where(Person.household_id == household.id, Person.deleted.is_(False))
        .where(Person.is_member.is_(True))
        .order_by(Person.birth_date)
    ).all()
    applicant = next(p for p in people if p.id == app.applicant_id)
    members = [applicant, *(p for p in people if p.id != applicant.id)]
    return rd.CaseRecord(
        case_no=app.number,
        applicant=_report_person(applicant, on),
        members=tuple(_report_person(p, on) for p in members),
        address=household.address,
        phone=household.phone,
        community=household.community,
        assistance_type=REPORT_TYPE[app.assistance_type],
        amount=app.benefit_amount or Decimal("0.00"),
        residence_office=office_record(session, app.residence_office_id),
        hukou_office=office_record(session, app.hukou_office_id),
        illness="、".join(ILLNESS_CLASSES[p.illness_class] for p in members if p.illness_class),
    )


def _application(session: Session, application_id: str) -> Application:
    app = session.get(Application, application_id)
    if app is None or app.deleted:
        raise NotFound("该申请不存在或已删除")
    return app


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def check_authorization_for(
    store: Store, actor: Actor, application_id: str, signed_on: date | None = None
) -> rd.CheckAuthorization:
    """家庭经济状况核对授权书 of one case, one signature line per member."""
    with store.sessions.read() as s:
        app = _application(s, application_id)
        day = signed_on or date.today()
        return rd.CheckAuthorization(case=case_record(s, app, day), signed_on=day)


@service(roles=ALL_ROLES, scope=Scope.NONE("the roster lists this office's own paying cases"))
def payment_roster_for(store: Store, actor: Actor, month: date) -> rd.PaymentRoster:
    """发放花名册 of this office (the paying, registration office) for ``month``."""
    policy = current_policy(store)
    with store.sessions.read() as s:
        cases = [
            (app, name)
            for app, name in _cases(s, actor, PAYING_STATES, None)
            if app.hukou_office_id == actor.office_id
        ]
        if not cases:
            raise ReportError(f"{month:%Y年%m月}本街道没有发放中的案件，花名册为空")
        accounts = {
            h.id: h
            for h in s.scalars(
                select(Household).where(Household.id.in_({app.household_id for app, _ in cases}))
            )
        }
        missing = [name for app, name in cases if not accounts[app.household_id].bank_account]
        if missing:
            shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
            raise ValidationError(
                "银行账号", f"{len(missing)} 户尚未登记银行账号（{shown}），请先补录后再生成花名册"
            )
        rows = []
        for app, name in cases:
            applicant = s.get(Person, app.applicant_id)
            rows.append(
                rd.RosterRow(
                    name=name,
                    id_number=applicant.id_number if applicant else "",
                    family_size=_family_size(s, app.household_id),
                    assistance_type=REPORT_TYPE[app.assistance_type],
                    amount=case_amount(s, app, month, policy),
                    bank_account=accounts[app.household_id].bank_account,
                    bank_name=accounts[app.household_id].bank_name,
                    account_holder=accounts[app.household_id].bank_holder,
                )
            )
        office = office_record(s, actor.office_id)
    return rd.PaymentRoster(
        office=office,
        month=month.replace(day=1),
        rows=tuple(rows),
        prepared_by=actor.display_name,
        prepared_on=date.today(),
    )


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def missing_documents_for(
    store: Store,
    actor: Actor,
    application_id: str,
    *,
    working_days: int = SUPPLEMENT_WORKING_DAYS,
    calendar: WorkCalendar | None = None,
) -> rd.MissingDocumentsNotice:
    """一次性告知书 of an application: every document still required, with a deadline."""
    with store.sessions.read() as s:
        app = _application(s, application_id)
        applicant = s.get(Person, app.applicant_id)
        docs = s.scalars(
            select(Document.kind).where(
                Document.application_id == app.id,
                Document.status == "required",
                Document.deleted.is_(False),
            )
        ).all()
        office = office_record(s, actor.office_id)
    office = own_office(store, office)
    order = list(DOCUMENT_KINDS)
    ranked = sorted(docs, key=lambda k: order.index(k) if k in order else len(order))
    items = tuple(
        rd.MissingItem(DOCUMENT_KINDS[k].title if k in DOCUMENT_KINDS else k, _note(k))
        for k in ranked
    )
    if not items:
        raise ReportError("该申请的材料已齐全，无需一次性告知")
    received = app.applied_on
    deadline = (calendar or WorkCalendar()).add_working_days(received, working_days)
    return rd.MissingDocumentsNotice(
        applicant_name=applicant.name if applicant else "",
        assistance_type=REPORT_TYPE[app.assistance_type],
        received_on=received,
        items=items,
        deadline=deadline,
        office=office,
        clerk=actor.display_name,
    )


def _note(kind: str) -> str:
    known = DOCUMENT_KINDS.get(kind)
    return known.note if known else ""


@service(roles=ALL_ROLES, scope=Scope.NONE("a what-if on entered numbers, no family"))
def self_assessment_report(
    store: Store,
    actor: Actor,
    result: dict[str, Any],
    *,
    family_size: int,
    monthly_income: Decimal,
    liquid_assets: Decimal,
    facts: tuple[str, ...] = (),
    assessed_on: date | None = None,
) -> rd.SelfAssessment:
    """自助评估结果 from a ``self_assess_doc`` result and the figures the resident gave."""
    month = date.fromisoformat(result["benefit_month"] + "-01")
    standard = current_policy(store).for_month(month).standard
    outcomes = []
    for item in result["programmes"]:
        note = "；".join(item["why"])
        if item["may_qualify"] and Decimal(item["estimate"]) > 0:
            note = f"估算 {Decimal(item['estimate']):,.2f} 元/月。{note}"
        outcomes.append(rd.AssessmentOutcome(item["name"], bool(item["may_qualify"]), note))
    bring: list[str] = []
    for item in result["programmes"]:
        bring += [d for d in item["documents"] if d not in bring]
    extra = (f"请携带：{'、'.join(bring)}。",) if bring else ()
    return rd.SelfAssessment(
        office=report_office(store, actor.office_id),
        assessed_on=assessed_on or date.today(),
        family_size=family_size,
        monthly_income=monthly_income,
        liquid_assets=liquid_assets,
        standard=standard,
        outcomes=tuple(outcomes),
        facts=(*facts, *extra, result.get("note", "")),
    )
