"""The follow-up a visit's change in the family opens (走访发现家庭变化): the periodic review
of a family in payment through the workflow, or a 巡访发现 request that becomes an
application; the visit names what it opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.payment_status import is_paying
from desktop.domain.visits import CHANGE_KINDS, FOLLOW_UPS
from desktop.errors import NotFound, ValidationError
from desktop.services.base import (
    Actor,
    Scope,
    UnitOfWork,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.cases.case_steps import perform
from desktop.services.outreach.service_requests import RequestInput, log_request
from desktop.services.outreach.visits import CHANGES, FOLLOW_UP_ROLES, VisitView, visit_view
from desktop.store.models import Application, Household, Person
from desktop.store.store import Store
from desktop.store.visit_models import HomeVisit


@dataclass(frozen=True)
class ChangeFollowUp:
    """A visit that revealed a change in the family and still waits for its follow-up."""

    visit_id: str
    household_id: str
    community: str
    visited_on: date
    visitor: str
    change_kind: str
    change_detail: str
    case_id: str  # the case in payment a review would be opened on ('' = none: a request)

    @property
    def change_label(self) -> str:
        return CHANGE_KINDS[self.change_kind]

    @property
    def follow_up(self) -> str:
        return "review" if self.case_id else "request"


def _paying_case(session: Session, household_id: str) -> Application | None:
    rows = session.scalars(
        select(Application)
        .where(Application.household_id == household_id, Application.deleted.is_(False))
        .order_by(Application.applied_on.desc())
    )
    return next((a for a in rows if is_paying(a.state)), None)


@service(roles=FOLLOW_UP_ROLES, scope=Scope.NONE("lists only this office's visits"))
def pending_follow_ups(store: Store, actor: Actor) -> list[ChangeFollowUp]:
    """Visits of this office's families that found a change not yet followed up."""
    with store.sessions.read() as s:
        rows = s.execute(
            select(HomeVisit, Household.residence_office_id, Household.hukou_office_id)
            .join(Household, Household.id == HomeVisit.household_id)
            .where(HomeVisit.change_kind != "", HomeVisit.follow_up == "",
                   HomeVisit.deleted.is_(False))
            .order_by(HomeVisit.visited_on)
        ).all()  # fmt: skip
        out = []
        for v, res, huk in rows:
            if actor.office_id not in (res, huk):
                continue
            case = _paying_case(s, v.household_id)
            out.append(ChangeFollowUp(v.id, v.household_id, v.community, v.visited_on,
                                      v.visitor, v.change_kind, v.change_detail,
                                      case.id if case else ""))  # fmt: skip
        return out


@service(
    roles=FOLLOW_UP_ROLES, scope=Scope.VISIT("visit_id"), changes=CHANGES | {"cases", "requests"}
)
def open_follow_up(
    store: Store, actor: Actor, visit_id: str, when: date, *, member: str = ""
) -> VisitView:
    """Open the follow-up a visit's change calls for, with the visit attached: on a family in
    payment the workflow's 登记家庭成员死亡 or 登记家庭情况变化 (the periodic review brought
    forward); on a family without a case a 巡访发现 request, which the window turns into an
    application. One transaction: the visit names what it opened."""
    with unit_of_work(store, actor) as uow:
        s = uow.session
        visit = s.get(HomeVisit, visit_id)
        if visit is None or visit.deleted:
            raise NotFound("该走访记录不存在")
        if not visit.change_kind:
            raise ValidationError("家庭变化", "该次走访没有发现家庭变化，无需跟进")
        if visit.follow_up:
            raise ValidationError("跟进", f"已开启{FOLLOW_UPS[visit.follow_up]}，不能重复开启")
        household = s.get(Household, visit.household_id)
        assert household is not None
        case = _paying_case(s, visit.household_id)
        note = f"{visit.visited_on}走访发现：{visit.change_detail}（走访记录 {visit.id[:8]}）"
        if case is not None:
            _open_review(store, actor, uow, case, visit, note, when, member)
            visit.follow_up, visit.follow_up_id = "review", case.id
        else:
            visit.follow_up_id = _open_request(store, actor, uow, s, visit, household, note, when)
            visit.follow_up = "request"
        uow.record(
            visit, action="open_visit_follow_up",
            summary=f"走访发现{CHANGE_KINDS[visit.change_kind]}，开启{FOLLOW_UPS[visit.follow_up]}",
            data={"follow_up": visit.follow_up, "follow_up_id": visit.follow_up_id},
        )  # fmt: skip
        return visit_view(visit)


def _open_review(
    store: Store, actor: Actor, uow: UnitOfWork, case: Application, visit: HomeVisit,
    note: str, when: date, member: str,
) -> None:  # fmt: skip
    params: dict[str, str]
    if visit.change_kind == "death":
        who = require_text(member, "死亡成员", max_len=40)
        params = {"member": who, "died_on": visit.visited_on.isoformat()}
        action = "report_death"
    else:
        params = {"change": note, "visit_id": visit.id}
        action = "report_change"
    perform(store, actor, case.id, action, params, when, case.version, within=uow)


def _open_request(
    store: Store, actor: Actor, uow: UnitOfWork, s: Session, visit: HomeVisit,
    household: Household, note: str, when: date,
) -> str:  # fmt: skip
    head = s.scalars(
        select(Person).where(Person.household_id == household.id, Person.deleted.is_(False))
        .order_by(Person.birth_date)
    ).first()  # fmt: skip
    name = head.name if head else visit.met[0] if visit.met else "走访对象"
    request = log_request(
        store, actor,
        RequestInput("patrol", name, "", f"{CHANGE_KINDS[visit.change_kind]}：{note}",
                     when, id_number=head.id_number if head else ""),
        within=uow,
    )  # fmt: skip
    return request.id
