"""巡访: the visit targets derived from the cases, each coordinator's visit plan (due and
overdue) and the visit record (offline, from a draft); the follow-up a change opens is in
``visit_follow_ups``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from desktop.domain.ids import mask_id
from desktop.domain.payment_status import is_paying
from desktop.domain.policy.codes import (
    PROBLEM_URGENCIES,
    VISIT_CATEGORIES,
    VISIT_FREQUENCY_DAYS,
)
from desktop.domain.visits import (
    CHANGE_KINDS,
    FOLLOW_UPS,
    PLAN_STATUSES,
    PROBLEM_CATEGORIES,
    CaseFacts,
    MemberFacts,
    check_checklist,
    frequency_days,
    needs_signature,
    next_due,
    period_bounds,
    plan_status,
    target_categories,
)
from desktop.domain.workflow import State
from desktop.errors import NotFound, PolicyError, ValidationError
from desktop.services.base import (
    Actor,
    Role,
    Scope,
    UnitOfWork,
    check_plain_text,
    choice,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.cases.case_policy import policy_value
from desktop.services.family.documents import attach_document
from desktop.services.family.drafts import discard_draft_within
from desktop.services.outreach.visit_problems import ProblemInput, add_problem
from desktop.services.scope import COORDINATOR, assigned_communities
from desktop.store.models import Application, Document, Household, Office, Person
from desktop.store.store import Store
from desktop.store.visit_models import HomeVisit

VISITORS = {Role.COORDINATOR, Role.SUPERVISOR, Role.ADMIN}
FOLLOW_UP_ROLES = {Role.CLERK, Role.SUPERVISOR}
CHANGES = frozenset({"visits"})
DRAFT_KIND = "visit"
_STATES = (*{s.value for s in State if is_paying(s.value)}, State.STOPPED.value)


@dataclass(frozen=True)
class Target:
    """A household under regular visits (巡访对象) and where it stands in the plan."""

    household_id: str
    community: str
    name: str
    id_number: str  # masked for coordinators
    address: str
    categories: tuple[str, ...]
    interval_days: int
    last_visit: date | None
    due: date
    status: str
    visits_in_period: int = 0

    @property
    def category_labels(self) -> str:
        return "、".join(VISIT_CATEGORIES[c] for c in self.categories)

    @property
    def status_label(self) -> str:
        return PLAN_STATUSES[self.status]


@dataclass(frozen=True)
class VisitPlan:
    """One coordinator's (or the office's) plan for a period: every target, due first."""

    start: date
    end: date
    communities: tuple[str, ...]
    targets: tuple[Target, ...]

    def count(self, status: str) -> int:
        return sum(1 for t in self.targets if t.status == status)


@dataclass(frozen=True)
class VisitInput:
    """A visit record as the form submits it (a draft holds the same fields)."""

    household_id: str
    visited_on: date | None
    met: Sequence[str]
    checklist: dict[str, str]
    notes: str = ""
    photos: Sequence[str] = ()
    signature_id: str = ""
    signed_by: str = ""
    leaflet_given: bool = False
    change_kind: str = ""
    change_detail: str = ""
    problems: Sequence[ProblemInput] = ()


@dataclass(frozen=True)
class VisitView:
    """A stored visit record."""

    id: str
    household_id: str
    community: str
    visited_on: date
    visitor: str
    met: tuple[str, ...]
    checklist: dict[str, str]
    notes: str
    photos: tuple[str, ...]
    signature_id: str
    signed_by: str
    leaflet_given: bool
    change_kind: str
    change_detail: str
    follow_up: str
    follow_up_id: str
    problem_ids: tuple[str, ...] = field(default=())

    @property
    def follow_up_label(self) -> str:
        return FOLLOW_UPS.get(self.follow_up, "")


def visit_view(v: HomeVisit, problem_ids: Iterable[str] = ()) -> VisitView:
    return VisitView(
        v.id, v.household_id, v.community, v.visited_on, v.visitor, tuple(v.met or ()),
        dict(v.checklist or {}), v.notes, tuple(v.photos or ()), v.signature_id, v.signed_by,
        bool(v.leaflet_given), v.change_kind, v.change_detail, v.follow_up, v.follow_up_id,
        tuple(problem_ids),
    )  # fmt: skip


# --- policy ---------------------------------------------------------------------------------


def visit_frequencies(session: Session, day: date, district: str | None) -> dict[str, int]:
    """Days between visits per category in force on ``day`` (policy rows; documented
    defaults for a period without a row)."""
    out: dict[str, int] = {}
    for code, default in VISIT_FREQUENCY_DAYS.items():
        try:
            value = policy_value(session, f"visit.frequency_days.{code}", day, district)
        except PolicyError:
            value = None
        out[code] = int(str(value)) if value is not None else default
    return out


def office_district(session: Session, office_id: str) -> str | None:
    """The region code the office's district policy rows are keyed by."""
    return session.scalar(select(Office.region_code).where(Office.id == office_id))


# --- targets and the plan -------------------------------------------------------------------


def _scope_communities(
    session: Session, actor: Actor, communities: Iterable[str] | None
) -> set[str] | None:
    """The communities a list may show: a coordinator's own (narrowed by ``communities``),
    anyone else's choice (None = the whole office)."""
    wanted = set(communities) if communities is not None else None
    if actor.role == COORDINATOR:
        own = assigned_communities(session, actor.user_id)
        return own if wanted is None else own & wanted
    return wanted


def derive_targets(
    session: Session,
    office_id: str,
    communities: set[str] | None,
    today: date,
    *,
    since: date,
    period_end: date,
    mask: bool,
) -> list[Target]:
    """Every household living in ``office_id`` (in ``communities`` when given) that the
    visit rules make a target, with its last visit and next due date."""
    hq = select(Household.id, Household.community, Household.address, Household.setting,
                Household.single_parent).where(
        Household.residence_office_id == office_id, Household.deleted.is_(False)
    )  # fmt: skip
    if communities is not None:
        if not communities:
            return []
        hq = hq.where(Household.community.in_(sorted(communities)))
    homes = {r[0]: r for r in session.execute(hq)}
    if not homes:
        return []
    cases: dict[str, list[CaseFacts]] = defaultdict(list)
    applicants: dict[str, str] = {}
    aq = select(
        Application.household_id, Application.assistance_type, Application.state,
        Application.applicant_id, Application.applied_on,
    ).where(Application.residence_office_id == office_id, Application.deleted.is_(False),
            Application.state.in_(_STATES))  # fmt: skip
    stopped: list[tuple[str, str]] = []
    for hid, kind, state, applicant, _applied in session.execute(
        aq.order_by(Application.applied_on)
    ):
        if hid not in homes:
            continue
        applicants.setdefault(hid, applicant)
        if state == State.STOPPED.value:
            stopped.append((hid, kind))
        else:
            cases[hid].append(CaseFacts(kind, True))
    if stopped:
        stop_days = _stop_dates(session, office_id)
        for hid, kind in stopped:
            cases[hid].append(CaseFacts(kind, False, stop_days.get((hid, kind))))
    members: dict[str, list[MemberFacts]] = defaultdict(list)
    heads: dict[str, tuple[str, str]] = {}
    pq = select(Person.id, Person.household_id, Person.name, Person.id_number, Person.birth_date,
                Person.disability_level, Person.is_member).where(
        Person.household_id.in_(list(cases)), Person.deleted.is_(False)
    )  # fmt: skip
    for pid, hid, name, number, born, level, is_member in _chunked(
        session, pq, Person.household_id, list(cases)
    ):
        if is_member:
            members[hid].append(MemberFacts(born, level))
        if pid == applicants.get(hid):
            heads[hid] = (name, number)
    last = _last_visits(session, list(cases), since, period_end)
    district = office_district(session, office_id)
    days = visit_frequencies(session, today, district)
    out: list[Target] = []
    for hid, facts in cases.items():
        _id, community, address, setting, single_parent = homes[hid]
        cats = target_categories(facts, members[hid], setting=setting,
                                 single_parent=bool(single_parent), today=today)  # fmt: skip
        if not cats:
            continue
        interval = frequency_days(cats, days)
        last_on, in_period = last.get(hid, (None, 0))
        due = next_due(last_on, interval, since, period_end)
        name, number = heads.get(hid, ("", ""))
        out.append(
            Target(hid, community, name, mask_id(number) if mask else number, address,
                   tuple(cats), interval, last_on, due, plan_status(due, today, period_end),
                   in_period)
        )  # fmt: skip
    order = {"overdue": 0, "due": 1, "done": 2}
    return sorted(out, key=lambda t: (order[t.status], t.due, t.community, t.name))


def _chunked(session: Session, query, column, ids: list[str]):  # type: ignore[no-untyped-def]
    for i in range(0, len(ids), 900):
        yield from session.execute(query.where(column.in_(ids[i : i + 900])))


def _stop_dates(session: Session, office_id: str) -> dict[tuple[str, str], date]:
    """When each stopped case of the office stopped (from its workflow snapshot)."""
    out: dict[tuple[str, str], date] = {}
    rows = session.execute(
        select(Application.household_id, Application.assistance_type, Application.workflow).where(
            Application.residence_office_id == office_id,
            Application.state == State.STOPPED.value,
            Application.deleted.is_(False),
        )
    )
    for hid, kind, workflow in rows:
        raw = (workflow or {}).get("stopped_on")
        if raw:
            day = date.fromisoformat(str(raw))
            out[(hid, kind)] = max(day, out.get((hid, kind), day))
    return out


def _last_visits(
    session: Session, household_ids: list[str], since: date, until: date
) -> dict[str, tuple[date | None, int]]:
    """Per household: the last visit up to ``until`` and the number of visits in the period."""
    out: dict[str, tuple[date | None, int]] = {}
    v = HomeVisit
    q = select(
        v.household_id,
        func.max(v.visited_on),
        func.sum(case((v.visited_on >= since, 1), else_=0)),
    ).where(v.deleted.is_(False), v.visited_on <= until).group_by(v.household_id)  # fmt: skip
    for hid, last_on, count in _chunked(session, q, v.household_id, household_ids):
        out[hid] = (last_on, int(count or 0))
    return out


@service(roles=VISITORS, scope=Scope.NONE("lists only the actor's communities (visible scope)"))
def visit_plan(
    store: Store,
    actor: Actor,
    month: date,
    today: date,
    *,
    communities: Iterable[str] | None = None,
) -> VisitPlan:
    """The visit plan of the period (the month of ``month``): a coordinator's communities, or
    the office's (optionally some communities) for a supervisor; overdue first."""
    start, end = period_bounds(month)
    with store.sessions.read() as s:
        scope = _scope_communities(s, actor, communities)
        targets = derive_targets(
            s, actor.office_id, scope, today, since=start, period_end=end,
            mask=not actor.sees_full_personal_data(),
        )  # fmt: skip
        shown = sorted(scope) if scope is not None else sorted({t.community for t in targets})
    return VisitPlan(start, end, tuple(shown), tuple(targets))


# --- the visit record -----------------------------------------------------------------------


def _names(value: Sequence[str], field_cn: str) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.replace("，", "、").replace(",", "、").split("、")]
    out: list[str] = []
    for item in value:
        name = check_plain_text(str(item).strip(), field_cn)
        if not name:
            continue
        if len(name) > 40:
            raise ValidationError(field_cn, f"“{name[:10]}…”过长")
        if name not in out:
            out.append(name)
    if not out:
        raise ValidationError(field_cn, "请填写走访时见到的人")
    return out


def household_since(session: Session, household: Household) -> date:
    """The day a household is first known: its earliest application or its registration."""
    first = session.scalar(
        select(func.min(Application.applied_on)).where(Application.household_id == household.id)
    )
    created = household.created_at.date() if household.created_at else None
    known = [d for d in (first, created) if d is not None]
    return min(known) if known else date.min


def _check_file(session: Session, doc_id: str, household_id: str, kind: str, label: str) -> None:
    doc = session.get(Document, doc_id)
    if doc is None or doc.deleted or doc.household_id != household_id:
        raise ValidationError(label, "材料不存在或不属于该家庭")
    if doc.kind != kind or doc.status != "received":
        raise ValidationError(label, f"不是已上传的{'照片' if kind == 'photo' else '签字'}")


def _clean_problem(p: ProblemInput, index: int) -> ProblemInput:
    where = f"第{index}个问题的" if index else ""
    if not (p.category or "").strip():
        raise ValidationError("问题类别", f"请选择{where}问题类别")
    choice(p.category, "问题类别", PROBLEM_CATEGORIES)
    choice(p.urgency, "紧急程度", PROBLEM_URGENCIES)
    text = require_text(p.description, "问题描述", max_len=2000, multiline=True)
    return ProblemInput(p.category, text, p.urgency, tuple(p.photos))


def check_visit(session: Session, data: VisitInput, today: date) -> tuple[Household, dict]:
    """Validate a visit record against the household; returns the household and clean fields.
    Refused with the field named in Chinese, nothing stored."""
    household = session.get(Household, data.household_id)
    if household is None or household.deleted:
        raise NotFound("该家庭不存在或已删除")
    if not isinstance(data.visited_on, date):
        raise ValidationError("走访日期", "请选择走访日期")
    if data.visited_on > today:
        raise ValidationError("走访日期", "不能晚于今天")
    since = household_since(session, household)
    if data.visited_on < since:
        raise ValidationError("走访日期", f"不能早于该家庭登记日期{since.isoformat()}")
    met = _names(data.met, "见到的人")
    checklist = check_checklist(data.checklist or {}, data.visited_on)
    notes = require_text(data.notes, "走访情况", max_len=4000, required=False, multiline=True)
    if data.change_kind:
        choice(data.change_kind, "家庭变化", CHANGE_KINDS)
    detail = require_text(
        data.change_detail, "变化情况", max_len=2000, required=bool(data.change_kind),
        multiline=True,
    )  # fmt: skip
    problems = [_clean_problem(p, i) for i, p in enumerate(data.problems, 1)]
    for p in problems:
        for doc_id in p.photos:
            _check_file(session, doc_id, household.id, "photo", "问题照片")
    if problems and "concern" not in checklist.values():
        raise ValidationError("走访检查项", "报告问题时，请将相关检查项标为“有问题”")
    for doc_id in data.photos:
        _check_file(session, doc_id, household.id, "photo", "走访照片")
    signed_by = require_text(data.signed_by, "签字人", max_len=40, required=False)
    if data.signature_id:
        _check_file(session, data.signature_id, household.id, "signature", "被访人签字")
        if not signed_by:
            raise ValidationError("签字人", "请填写签字人姓名")
    elif needs_signature(checklist, data.change_kind, bool(data.leaflet_given)):
        raise ValidationError("被访人签字", "发现问题、家庭变化或发放明白纸时，须由被访人签字确认")
    return household, {
        "met": met, "checklist": checklist, "notes": notes, "detail": detail,
        "signed_by": signed_by, "problems": problems,
    }  # fmt: skip


@service(roles=VISITORS, scope=Scope.HOUSEHOLD("data.household_id"), changes=CHANGES)
def submit_visit(
    store: Store,
    actor: Actor,
    data: VisitInput,
    *,
    draft_key: str = "",
    today: date | None = None,
    within: UnitOfWork | None = None,
) -> VisitView:
    """Record a visit (and the problems it found) in one transaction and discard its draft;
    a refused record leaves the draft as it was."""
    today = today or date.today()
    with unit_of_work(store, actor, within=within) as uow:
        s = uow.session
        household, clean = check_visit(s, data, today)
        visit = HomeVisit(
            household_id=household.id, community=household.community,
            office_code=uow.office_code(household.residence_office_id), visited_on=data.visited_on, visitor=actor.display_name, visitor_id=actor.user_id,
            met=clean["met"], checklist=clean["checklist"], notes=clean["notes"],
            photos=list(data.photos), signature_id=data.signature_id,
            signed_by=clean["signed_by"], leaflet_given=bool(data.leaflet_given),
            change_kind=data.change_kind, change_detail=clean["detail"],
        )  # fmt: skip
        found = f"，发现{len(clean['problems'])}个问题" if clean["problems"] else ""
        change = f"，家庭变化：{CHANGE_KINDS[data.change_kind]}" if data.change_kind else ""
        uow.record(
            visit, action="record_visit",
            summary=f"走访（{household.community}，{data.visited_on}）{found}{change}",
        )  # fmt: skip
        ids = [
            add_problem(uow, household, visit.id, p, visit.visited_on).id for p in clean["problems"]
        ]
        if draft_key:
            discard_draft_within(s, actor, DRAFT_KIND, draft_key)
        return visit_view(visit, ids)


@service(roles=VISITORS, scope=Scope.HOUSEHOLD("data.household_id"), changes=CHANGES)
def submit_visit_with_files(
    store: Store,
    actor: Actor,
    data: VisitInput,
    *,
    photos: Sequence[tuple[str, bytes]] = (),
    signature_png: bytes | None = None,
    draft_key: str = "",
    today: date | None = None,
) -> VisitView:
    """The visit form's submit: the photos taken and the drawn signature are stored as the
    household's documents and the visit recorded, all in one transaction (a refused visit
    stores no document either). The problems found carry the visit's photos."""
    with unit_of_work(store, actor) as uow:
        ids = [
            attach_document(store, actor, household_id=data.household_id, kind="photo",
                            data=content, file_name=name, title="走访照片", within=uow).id
            for name, content in photos
        ]  # fmt: skip
        signature_id = data.signature_id
        if signature_png:
            signature_id = attach_document(
                store, actor, household_id=data.household_id, kind="signature",
                data=signature_png, file_name="visit-signature.png",
                title=f"被访人签字（{data.signed_by.strip()[:20] or '未填姓名'}）", within=uow,
            ).id  # fmt: skip
        problems = [replace(p, photos=(*p.photos, *ids)) for p in data.problems]
        full = replace(data, photos=(*data.photos, *ids), signature_id=signature_id,
                       problems=problems)  # fmt: skip
        return submit_visit(store, actor, full, draft_key=draft_key, today=today, within=uow)


@service(roles=VISITORS | FOLLOW_UP_ROLES, scope=Scope.HOUSEHOLD("household_id"))
def visits_of(store: Store, actor: Actor, household_id: str) -> list[VisitView]:
    """The visits of one household, newest first."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(HomeVisit)
            .where(HomeVisit.household_id == household_id, HomeVisit.deleted.is_(False))
            .order_by(HomeVisit.visited_on.desc())
        ).all()
        return [visit_view(v) for v in rows]
