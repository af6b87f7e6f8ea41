"""Read helpers for the case page: one case at a glance (masked for the actor) and its letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from desktop.domain.household import RELATIONS, WorkingAge
from desktop.domain.ids import mask_id
from desktop.domain.workflow import (
    PAYING_STATES,
    SIDE_LABELS,
    TYPE_LABELS,
    ActionOption,
    AssistanceType,
    CaseSnapshot,
    Deadline,
    ReviewOutcome,
    Side,
    State,
    definition_of,
    holder,
)
from desktop.errors import DeskError, NotFound
from desktop.services.base import ALL_ROLES, PROVIDER_ROLES, Actor, Role, Scope, service
from desktop.services.cases.applications import CHANNELS
from desktop.services.cases.case_steps import get_case
from desktop.services.cases.case_views import (
    TimelineItem,
    case_actions,
    case_deadlines,
    case_timeline,
)
from desktop.services.cases.check_findings import latest_report, report_reference
from desktop.services.cases.surveys import SURVEY_ROLES, SurveyView, get_survey, save_survey_draft
from desktop.services.family.documents import DocumentView, attach_document, list_documents
from desktop.services.family.finances import ASSET_KINDS, INCOME_KINDS, list_finances
from desktop.services.family.households import BankView, family_type, get_household
from desktop.services.outreach.warnings import CheckReportView, list_check_reports
from desktop.services.policy.printing_facts import current_policy
from desktop.store.models import Application, Office, Person
from desktop.store.store import Store

DECIDED_STATES = frozenset({State.CONFIRMED, *PAYING_STATES, State.STOPPED})
SEX_CN = {"M": "男", "F": "女"}
SURVEY_STATES = frozenset({State.ACCEPTED, State.INVESTIGATING, State.AID_PAID})
LETTERS = {
    "approval": "审核确认通知书",
    "refusal": "不予救助决定书",
    "change": "救助金变更通知书",
}
REVIEW_CHANGE_KINDS = {
    ReviewOutcome.INCREASE: "increase",
    ReviewOutcome.DECREASE: "decrease",
    ReviewOutcome.STOP: "stop",
}


@dataclass(frozen=True)
class OfficeInfo:
    """One of the case's two offices."""

    id: str
    code: str
    name: str
    district: str


@dataclass(frozen=True)
class MemberRow:
    """A household member as shown on the case page (ID masked unless the actor may see it)."""

    name: str
    id_shown: str
    sex: str
    birth_date: date
    relation_cn: str
    is_member: bool
    note: str


@dataclass(frozen=True)
class MoneyRow:
    """An income (per month) or asset line."""

    kind_cn: str
    whose: str
    month: date | None
    amount: Decimal
    note: str


@dataclass(frozen=True)
class CaseOverview:
    """Everything the case page shows above the tabs: summary, holder, members, finances."""

    id: str
    number: str
    version: int
    household_id: str
    applicant_name: str
    assistance_type: str
    type_cn: str
    state: str
    state_cn: str
    residence: OfficeInfo
    hukou: OfficeInfo
    applied_on: date
    channel_cn: str
    proxy_name: str
    amount: Decimal | None
    address: str
    community: str
    holder_cn: str
    actor_sides: tuple[str, ...]
    actor_holds: bool
    members: tuple[MemberRow, ...]
    incomes: tuple[MoneyRow, ...]
    assets: tuple[MoneyRow, ...]
    assessment: dict[str, Any]
    survey_status: str
    snapshot: CaseSnapshot
    bank: BankView | None = None
    family_stability: str = "variable"
    """The review-cycle family type the confirmation offers by default (domain.md §2.7)."""
    check_reference: str = ""
    """The number of the newest check report received (登记核对报告 takes it, never typed)."""

    @property
    def split(self) -> bool:
        """一城通办: the family lives away from its registration office."""
        return self.residence.id != self.hukou.id

    @property
    def read_only_reason(self) -> str:
        """Why this office cannot act now ('' when it holds the current step)."""
        if self.actor_holds or self.snapshot.is_terminal:
            return ""
        if not self.actor_sides:
            return "本街道不是该案件的居住地或户籍地，只能查看"
        return f"当前环节由{self.holder_cn}办理，本街道只能查看"


def _office_info(store: Store, office_id: str) -> OfficeInfo:
    with store.sessions.read() as s:
        office = s.get(Office, office_id)
        if office is None:
            raise NotFound("街道不存在")
        return OfficeInfo(office.id, office.code, office.name, office.district)


def _shown_id(actor: Actor, number: str) -> str:
    return number if actor.sees_full_personal_data() else mask_id(number)


def _holder_cn(snap: CaseSnapshot, residence: OfficeInfo, hukou: OfficeInfo) -> str:
    sides = holder(snap)
    names = {Side.RESIDENCE: residence.name, Side.HUKOU: hukou.name}
    if len(sides) > 1 or residence.id == hukou.id:
        return "、".join(sorted({names[s] for s in sides}))
    side = next(iter(sides))
    return f"{SIDE_LABELS[side]}{names[side]}"


def _survey_status(store: Store, application_id: str) -> str:
    survey = get_survey(store, application_id)
    if survey is None:
        return "未填写"
    return "已定稿" if survey.locked else "草稿"


@service(roles=PROVIDER_ROLES, scope=Scope.APPLICATION("application_id"))
def case_overview(store: Store, actor: Actor, application_id: str) -> CaseOverview:
    """The case for the case page; reads the household file (audited) and masks IDs for
    roles that may not see them in full."""
    view = get_case(store, application_id)
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该案件不存在或已删除")
        applicant = s.get(Person, app.applicant_id)
        applicant_name = applicant.name if applicant else ""
        residence_id, hukou_id = app.residence_office_id, app.hukou_office_id
        channel, proxy, amount = app.channel, app.proxy_name, app.benefit_amount
        assessment = dict(app.assessment or {})
        household_id = app.household_id
        report = latest_report(s, household_id)
        reference = report_reference(report.id, report.generated_at) if report else ""
    household = get_household(store, actor, household_id)
    residence, hukou = _office_info(store, residence_id), _office_info(store, hukou_id)
    names = {m.id: m.name for m in household.members}
    members = tuple(
        MemberRow(
            m.name,
            _shown_id(actor, m.id_number),
            SEX_CN.get(m.sex, m.sex),
            m.birth_date,
            RELATIONS.get(m.relation, m.relation),
            m.is_member,
            m.membership_reason,
        )
        for m in household.members
    )
    incomes, assets = list_finances(store, household.id)
    snap = view.snapshot
    sides = tuple(
        side.value
        for side, office in ((Side.RESIDENCE, residence), (Side.HUKOU, hukou))
        if office.code == actor.office_code
    )
    holds = bool({Side(x) for x in sides} & holder(snap))
    return CaseOverview(
        id=view.id,
        number=view.number,
        version=view.version,
        household_id=household.id,
        applicant_name=applicant_name,
        assistance_type=snap.assistance_type.value,
        type_cn=TYPE_LABELS[AssistanceType(snap.assistance_type)],
        state=view.state,
        state_cn=view.state_cn,
        residence=residence,
        hukou=hukou,
        applied_on=snap.applied_on,
        channel_cn=CHANNELS.get(channel, channel),
        proxy_name=proxy,
        amount=amount,
        address=household.address,
        community=household.community,
        holder_cn=_holder_cn(snap, residence, hukou),
        actor_sides=sides,
        actor_holds=holds,
        members=members,
        incomes=tuple(
            MoneyRow(
                INCOME_KINDS.get(i.kind, i.kind),
                names.get(i.person_id or "", "家庭"),
                i.month,
                i.amount,
                i.note,
            )
            for i in incomes
        ),  # fmt: skip
        assets=tuple(
            MoneyRow(ASSET_KINDS.get(a.kind, a.kind), "家庭", None, a.amount, a.note)
            for a in assets
        ),
        assessment=assessment,
        survey_status=_survey_status(store, application_id),
        snapshot=snap,
        bank=household.bank,
        family_stability=family_type(household, date.today(), _working_age(store)),
        check_reference=reference,
    )


def _working_age(store: Store) -> WorkingAge:
    """The working-age band of this month's policy (the defaults when the table has none)."""
    try:
        values = current_policy(store).for_month(date.today()).imputation
    except DeskError:
        return WorkingAge()
    return WorkingAge(values[4], values[5], values[6])


def may_fill_survey(actor: Actor, overview: CaseOverview) -> tuple[bool, str]:
    """Whether this user may open the 入户调查表 (a finalised one read-only, by either office
    of the case), with the Chinese reason if not."""
    if overview.survey_status == "已定稿":
        return True, ""
    if actor.role not in SURVEY_ROLES:
        return False, f"{actor.role.label}不填写入户调查表（仅限入户调查员、审核负责人）"
    if actor.office_id != overview.residence.id:
        return False, "入户调查表由家庭居住地街道填写，本街道不是居住地"
    if State(overview.state) not in SURVEY_STATES:
        return False, f"案件处于“{overview.state_cn}”，不需要入户调查"
    return True, ""


def may_assess(actor: Actor) -> tuple[bool, str]:
    """Whether this user may run 重新测算, with the Chinese reason if not."""
    if actor.role in {Role.CLERK, Role.SUPERVISOR, Role.ADMIN}:
        return True, ""
    return False, f"{actor.role.label}不能测算救助金额（仅限窗口受理员、审核负责人）"


def remote_survey_allowed(assistance_type: str) -> bool:
    """急难型临时救助 may be surveyed by phone or video."""
    return definition_of(AssistanceType(assistance_type)).remote_survey_allowed


def printable_letters(snap: CaseSnapshot) -> list[tuple[str, str]]:
    """The letters the case's state allows: ``(kind, Chinese title)``."""
    out: list[tuple[str, str]] = []
    if snap.state in DECIDED_STATES and snap.approved_amount is not None and snap.decision_on:
        out.append(("approval", LETTERS["approval"]))
    if snap.refusal_reasons:
        out.append(("refusal", LETTERS["refusal"]))
    if any(r.outcome in REVIEW_CHANGE_KINDS for r in snap.reviews):
        out.append(("change", LETTERS["change"]))
    return out


@dataclass(frozen=True)
class CasePageData:
    """One load of the case page: the overview and everything listed in its tabs."""

    overview: CaseOverview
    actions: list[ActionOption]
    timeline: list[TimelineItem]
    deadlines: list[Deadline]
    documents: list[DocumentView]
    check_reports: list[CheckReportView]
    office_names: dict[str, str]
    survey: SurveyView | None


@service(roles=ALL_ROLES, scope=Scope.APPLICATION("application_id"))
def case_page_data(
    store: Store, actor: Actor, application_id: str, today: date | None = None
) -> CasePageData:
    """Everything the case page shows, read in one go (run it off the UI thread)."""
    day = today or date.today()
    overview = case_overview(store, actor, application_id)
    with store.sessions.read() as s:
        names = {o.code: o.name for o in s.scalars(select(Office))}
    return CasePageData(
        overview=overview,
        actions=case_actions(store, actor, application_id, day),
        timeline=case_timeline(store, application_id),
        deadlines=case_deadlines(store, application_id, day),
        documents=list_documents(store, application_id),
        check_reports=list_check_reports(store, overview.household_id),
        office_names=names,
        survey=get_survey(store, application_id),
    )


def _household_of(store: Store, application_id: str) -> str:
    with store.sessions.read() as s:
        app = s.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该申请不存在或已删除")
        return app.household_id


@service(
    scope=Scope.APPLICATION("application_id"), roles=SURVEY_ROLES, changes={"surveys", "documents"}
)
def save_survey_signature(
    store: Store, actor: Actor, application_id: str, signer: str, png: bytes
) -> SurveyView:
    """Store a signature drawn on the survey laptop (kind "signature") and link it to the
    draft under the signer's name; a second drawing replaces the first in the same entry."""
    survey = get_survey(store, application_id)
    signatures = dict((survey.sections.get("signatures") or {}) if survey else {})
    doc = attach_document(
        store, actor, household_id=_household_of(store, application_id), kind="signature",
        data=png, file_name=f"签字-{signer}.png", application_id=application_id,
        title=f"入户调查签字：{signer}", document_id=signatures.get(signer),
    )  # fmt: skip
    signatures[signer] = doc.id
    return save_survey_draft(store, actor, application_id, sections={"signatures": signatures})


@service(
    scope=Scope.APPLICATION("application_id"), roles=SURVEY_ROLES, changes={"surveys", "documents"}
)
def save_survey_photo(
    store: Store, actor: Actor, application_id: str, file_name: str, data: bytes
) -> SurveyView:
    """Store one site photo (kind "photo") and add it to the draft's photo list."""
    doc = attach_document(
        store, actor, household_id=_household_of(store, application_id), kind="photo",
        data=data, file_name=file_name, application_id=application_id,
        title=f"入户调查照片：{file_name}"[:100],
    )  # fmt: skip
    survey = get_survey(store, application_id)
    photos = list((survey.sections.get("photos") or []) if survey else [])
    if doc.id not in photos:
        photos.append(doc.id)
    return save_survey_draft(store, actor, application_id, sections={"photos": photos})


def survey_photo_hashes(store: Store, application_id: str) -> dict[str, str]:
    """sha256 → document id of the photos linked to the survey draft (to skip re-imports)."""
    survey = get_survey(store, application_id)
    ids = set((survey.sections.get("photos") or []) if survey else [])
    return {d.sha256: d.id for d in list_documents(store, application_id) if d.id in ids}
