"""Office and community scope, declared by every service and checked centrally by ``@service``.

一城通办: an office acts on a family only where it lives (居住地) or is registered (户籍地); a
community coordinator (社区救助协理员) moreover only in the communities assigned to them, and a
purchased-service provider (购买服务机构) only the families assigned to it. A
service names what it reaches — ``Scope.HOUSEHOLD("household_id")``, ``Scope.APPLICATION(…)``,
``Scope.NONE("why")`` … — and the decorator resolves that parameter to the family before the
service body runs, so no caller (screen, sync, script) can skip the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from desktop.domain.household import check_office_scope, in_office_scope
from desktop.errors import PermissionDenied
from desktop.store.models import (
    Application,
    Asset,
    CoordinatorCommunity,
    Document,
    Household,
    IncomeItem,
    Person,
)
from desktop.store.support_models import ProviderHousehold
from desktop.store.visit_models import HomeVisit, VisitProblem
from desktop.store.workflow_models import HomeSurveyRecord

if TYPE_CHECKING:
    from desktop.services.base import Actor

COORDINATOR = "coordinator"
PROVIDER = "provider"

# kind → how an id of that kind leads to its household
_HOUSEHOLD_OF: dict[str, Any] = {
    "person": Person,
    "application": Application,
    "document": Document,
    "survey": HomeSurveyRecord,
    "visit": HomeVisit,
    "visit_problem": VisitProblem,
}


@dataclass(frozen=True)
class Scope:
    """What a service reaches: ``kind`` of record named by parameter ``param`` (a dotted path
    into it for inputs), or nothing (``NONE``) with the reason why no family is reached."""

    kind: str
    param: str = ""
    reason: str = ""

    @classmethod
    def HOUSEHOLD(cls, param: str) -> Scope:  # noqa: N802 - reads like a constant at the use site
        return cls("household", param)

    @classmethod
    def PERSON(cls, param: str) -> Scope:  # noqa: N802
        return cls("person", param)

    @classmethod
    def APPLICATION(cls, param: str) -> Scope:  # noqa: N802
        return cls("application", param)

    @classmethod
    def APPLICATIONS(cls, param: str) -> Scope:  # noqa: N802
        """A list of application ids; every one is checked."""
        return cls("applications", param)

    @classmethod
    def HOUSEHOLDS(cls, param: str) -> Scope:  # noqa: N802
        """A list of household ids; every one is checked."""
        return cls("households", param)

    @classmethod
    def DOCUMENT(cls, param: str) -> Scope:  # noqa: N802
        return cls("document", param)

    @classmethod
    def FINANCE_ITEM(cls, param: str) -> Scope:  # noqa: N802
        return cls("finance_item", param)

    @classmethod
    def INPUT(cls, param: str) -> Scope:  # noqa: N802
        """An input naming the family's offices and community (``residence_office_id``,
        ``hukou_office_id``, ``community``), e.g. ``"data"`` or ``"data.household"``."""
        return cls("input", param)

    @classmethod
    def VISIT(cls, param: str) -> Scope:  # noqa: N802
        """A home visit record (走访记录), checked through its household."""
        return cls("visit", param)

    @classmethod
    def VISIT_PROBLEM(cls, param: str) -> Scope:  # noqa: N802
        """A problem found on a visit (走访发现问题), checked through its household."""
        return cls("visit_problem", param)

    @classmethod
    def COMMUNITY(cls, param: str) -> Scope:  # noqa: N802
        """A community name (e.g. a notice sheet of one community)."""
        return cls("community", param)

    @classmethod
    def NONE(cls, reason: str) -> Scope:  # noqa: N802
        """No family is reached (users, policy, settings …) or the service filters its own
        lists by ``visible_households``; ``reason`` says which."""
        if not reason.strip():
            raise ValueError("Scope.NONE needs a reason")
        return cls("none", "", reason)

    @property
    def reaches_family(self) -> bool:
        return self.kind != "none"


def assigned_communities(session: Session, user_id: str) -> set[str]:
    """The communities a coordinator is assigned to (admin-managed)."""
    return set(
        session.scalars(
            select(CoordinatorCommunity.community).where(CoordinatorCommunity.user_id == user_id)
        )
    )


def assigned_households(session: Session, user_id: str) -> set[str]:
    """The families assigned to a service provider's user (admin-managed)."""
    return set(
        session.scalars(
            select(ProviderHousehold.household_id).where(ProviderHousehold.user_id == user_id)
        )
    )


def check_family(
    session: Session,
    actor: Actor,
    residence_office_id: str,
    hukou_office_id: str,
    community: str,
    household_id: str | None = None,
) -> None:
    """Refuse an actor outside the family's offices, a coordinator outside its community, or
    a service provider the family is not assigned to (a new family is never assigned)."""
    if not in_office_scope(actor.office_id, residence_office_id, hukou_office_id):
        raise PermissionDenied(
            f"{actor.office_name}既不是该家庭的居住地也不是户籍地街道，无权查看或办理（一城通办）"
        )
    if actor.role == COORDINATOR and community not in assigned_communities(session, actor.user_id):
        raise PermissionDenied(
            f"社区“{community or '未填写'}”未分配给您（{actor.display_name}），无权查看或办理"
        )
    if actor.role == PROVIDER and (
        household_id is None or household_id not in assigned_households(session, actor.user_id)
    ):
        raise PermissionDenied(f"该家庭未分配给您（{actor.display_name}），无权查看或办理")


def _household_id(session: Session, kind: str, value: str) -> str | None:
    if kind == "household":
        return value
    if kind == "finance_item":
        item: IncomeItem | Asset | None = session.get(IncomeItem, value) or session.get(
            Asset, value
        )
        return item.household_id if item is not None else None
    model = _HOUSEHOLD_OF[kind]
    row = session.get(model, value)
    return row.household_id if row is not None else None


def _dig(value: Any, path: list[str]) -> Any:
    for part in path:
        value = getattr(value, part, None)
    return value


def check_scope(session: Session, actor: Actor, scope: Scope, value: Any) -> None:
    """Check ``actor`` may reach what ``value`` (the declared parameter) names. A record that
    does not exist passes: the service itself answers "不存在"."""
    if scope.kind == "none":
        return
    value = _dig(value, scope.param.split(".")[1:])
    if value is None:
        return
    if scope.kind == "input":
        # offices chosen on a form: the answer names the form's field
        check_office_scope(actor.office_id, value.residence_office_id, value.hukou_office_id)
        check_family(
            session,
            actor,
            value.residence_office_id,
            value.hukou_office_id,
            getattr(value, "community", ""),
        )
        return
    if scope.kind == "community":
        if actor.role == COORDINATOR and value not in assigned_communities(session, actor.user_id):
            raise PermissionDenied(f"社区“{value}”未分配给您（{actor.display_name}），无权查看")
        if actor.role == PROVIDER:
            raise PermissionDenied(f"社区“{value}”未分配给您（{actor.display_name}），无权查看")
        return
    lists = {"applications": "application", "households": "household"}
    ids: Iterable[str] = value if scope.kind in lists else [value]
    kind = lists.get(scope.kind, scope.kind)
    for one in ids:
        household_id = _household_id(session, kind, str(one))
        household = session.get(Household, household_id) if household_id else None
        if household is not None:
            check_family(
                session,
                actor,
                household.residence_office_id,
                household.hukou_office_id,
                household.community,
                household.id,
            )


def visible_households(session: Session, actor: Actor, *, leads: bool = True) -> Any:
    """A SQL condition on ``Household`` for lists: this office's families and, for a
    coordinator, only the assigned communities; for a service provider, only its families.

    ``leads=False`` writes the office condition as ``? IN (residence, hukou)``, the same test
    that SQLite cannot answer from the office indexes: for a query led by a few known rows
    (found people), where reading every family of the office first would take seconds."""
    cond: Any
    if leads:
        cond = (Household.residence_office_id == actor.office_id) | (
            Household.hukou_office_id == actor.office_id
        )
    else:
        cond = literal(actor.office_id).in_(
            [Household.residence_office_id, Household.hukou_office_id]
        )
    if actor.role == COORDINATOR:
        cond = cond & Household.community.in_(sorted(assigned_communities(session, actor.user_id)))
    if actor.role == PROVIDER:
        cond = cond & Household.id.in_(
            select(ProviderHousehold.household_id).where(ProviderHousehold.user_id == actor.user_id)
        )
    return cond
