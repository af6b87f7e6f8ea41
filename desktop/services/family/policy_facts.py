"""Recording the facts the policy engine needs beyond the household file: a person's self-care
assessment, legal supporter and job start, a household's 特困 setting, 边缘 grant conditions and
rigid spending, and the amount a 临时救助 application asks for (validated, audited, synced)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from desktop.domain.policy.codes import (
    RIGID_KINDS,
    SELF_CARE_ACTIVITIES,
    SETTINGS,
    SUPPORTER,
)
from desktop.errors import NotFound, ValidationError
from desktop.money import to_money
from desktop.services.base import Actor, Role, Scope, choice, service, unit_of_work
from desktop.store.models import Application, Household, Person
from desktop.store.store import Store

WRITERS = {Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR, Role.ADMIN}
LINSHI_TYPES = {"linshi_jinan": "emergency", "linshi_zhichu": "expenditure"}


@dataclass(frozen=True)
class PersonPolicyFacts:
    """Self-care activities the person cannot do (of 6), the legal supporter's ability and the
    date a job was found (starts 渐退 in the monthly run; None = not working)."""

    self_care_failed: tuple[str, ...] = ()
    supporter: str = "able"
    found_work_on: date | None = None


@dataclass(frozen=True)
class HouseholdPolicyFacts:
    """特困 setting, 边缘 grant conditions and monthly rigid spending [(kind, amount)]."""

    setting: str = "urban"
    single_parent: bool = False
    childless: bool = False
    family_planning_support: bool = False
    rigid_spending: tuple[tuple[str, object], ...] = ()


def _self_care(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        choice(item, "生活自理评估", SELF_CARE_ACTIVITIES)
        if item not in out:
            out.append(item)
    return [a for a in SELF_CARE_ACTIVITIES if a in out]


@service(scope=Scope.PERSON("person_id"), roles=WRITERS, changes={"persons"})
def record_person_facts(
    store: Store, actor: Actor, person_id: str, facts: PersonPolicyFacts
) -> PersonPolicyFacts:
    """Store one person's self-care assessment, supporter and job start (all or nothing)."""
    failed = _self_care(facts.self_care_failed)
    choice(facts.supporter, "法定义务人情况", SUPPORTER)
    if facts.found_work_on is not None:
        if not isinstance(facts.found_work_on, date):
            raise ValidationError("就业日期", "不是有效的日期")
        if facts.found_work_on > date.today():
            raise ValidationError("就业日期", "不能晚于今天")
    with unit_of_work(store, actor) as uow:
        person = uow.session.get(Person, person_id)
        if person is None or person.deleted:
            raise NotFound("该人员不存在或已删除")
        if facts.found_work_on is not None and person.work_capacity == "none":
            raise ValidationError("就业日期", "该成员登记为无劳动能力，不能登记就业日期")
        person.self_care_failed = failed
        person.supporter = facts.supporter
        person.found_work_on = facts.found_work_on
        labels = "、".join(SELF_CARE_ACTIVITIES[a] for a in failed) or "无"
        uow.record(
            person,
            action="record_person_facts",
            summary=f"登记 {person.name} 的救助认定信息：不能完成 {labels}；"
            f"{SUPPORTER[facts.supporter]}",
        )
    return PersonPolicyFacts(tuple(failed), facts.supporter, facts.found_work_on)


def _rigid(items: Iterable[tuple[str, object]]) -> list[dict[str, str]]:
    out = []
    for kind, amount in items:
        choice(kind, "刚性支出类别", RIGID_KINDS)
        out.append({"kind": kind, "amount": str(to_money(amount, "刚性支出金额"))})
    return out


@service(scope=Scope.HOUSEHOLD("household_id"), roles=WRITERS, changes={"households"})
def record_household_facts(
    store: Store, actor: Actor, household_id: str, facts: HouseholdPolicyFacts
) -> HouseholdPolicyFacts:
    """Store a household's 特困 setting, grant conditions and rigid spending."""
    choice(facts.setting, "供养方式", SETTINGS)
    rigid = _rigid(facts.rigid_spending)
    with unit_of_work(store, actor) as uow:
        household = uow.session.get(Household, household_id)
        if household is None or household.deleted:
            raise NotFound("该家庭不存在或已删除")
        if facts.single_parent:
            spouse = uow.session.scalars(
                select(Person.id).where(
                    Person.household_id == household_id,
                    Person.relation == "spouse",
                    Person.deleted.is_(False),
                )
            ).first()
            if spouse is not None:
                raise ValidationError("单亲家庭", "家中登记有配偶，不能登记为单亲家庭")
        household.setting = facts.setting
        household.single_parent = facts.single_parent
        household.childless = facts.childless
        household.family_planning_support = facts.family_planning_support
        household.rigid_spending = rigid
        total = sum((Decimal(r["amount"]) for r in rigid), Decimal("0.00"))
        uow.record(
            household,
            action="record_household_facts",
            summary=f"登记家庭救助认定信息：{SETTINGS[facts.setting]}，月刚性支出 {total} 元",
        )
    return HouseholdPolicyFacts(
        facts.setting,
        facts.single_parent,
        facts.childless,
        facts.family_planning_support,
        tuple((r["kind"], Decimal(r["amount"])) for r in rigid),
    )


@service(
    scope=Scope.APPLICATION("application_id"),
    roles={Role.CLERK, Role.SUPERVISOR, Role.ADMIN},
    changes={"cases"},
)
def record_hardship(store: Store, actor: Actor, application_id: str, requested: object) -> Decimal:
    """Store the amount a 临时救助 application asks for (急难型/支出型 follows its type)."""
    amount = to_money(requested, "临时救助申请金额")
    if amount == 0:
        raise ValidationError("临时救助申请金额", "应大于0")
    with unit_of_work(store, actor) as uow:
        app = uow.session.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该申请不存在或已删除")
        if app.assistance_type not in LINSHI_TYPES:
            raise ValidationError("救助类别", "只有临时救助申请需要登记申请金额")
        app.hardship_requested = amount
        uow.record(
            app,
            action="record_hardship",
            summary=f"登记临时救助申请金额 {amount} 元（{app.number}）",
        )
    return amount
