"""Support sheets from the store: a family's policy menu sheet and the public sheet of a
reviewed programme roster (masked by the report itself)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop.services.base import ALL_ROLES, Actor, Scope, service
from desktop.services.support.policy_menu import policies_for_household
from desktop.services.support.programmes import reviewed_roster
from desktop.store.models import Person
from desktop.store.store import Store
from printing.records import report_office
from reports import support as rs


@service(roles=ALL_ROLES, scope=Scope.HOUSEHOLD("household_id"))
def render_policy_sheet(
    store: Store, actor: Actor, household_id: str, on: date | None = None
) -> bytes:
    """惠民政策明白纸 for the family to take home (the policies it may use and why)."""
    day = on or date.today()
    matches = policies_for_household(store, actor, household_id, day)
    with store.sessions.read() as s:
        name = (
            s.scalars(
                select(Person.name).where(
                    Person.household_id == household_id,
                    Person.relation == "applicant",
                    Person.deleted.is_(False),
                )
            ).first()
            or ""
        )
    items = tuple(
        rs.PolicyItem(
            m.policy.department,
            m.policy.name,
            m.policy.benefit,
            m.policy.materials,
            m.policy.contact,
            m.reasons,
        )
        for m in matches
    )
    return rs.render_policy_sheet(
        rs.PolicySheet(report_office(store, actor.office_id), name, day, items)
    )


@service(roles=ALL_ROLES, scope=Scope.NONE("a roster of the office's families, printed masked"))
def render_public_roster(store: Store, actor: Actor, roster_id: str) -> bytes:
    """The public sheet of a reviewed roster; the report masks every ID number."""
    with store.sessions.read() as s:
        view = reviewed_roster(s, actor, roster_id)
    p = view.programme
    payer = f"{'承保机构' if p.kind == 'insurance' else '发放单位'}：{p.payer}"
    rows = tuple(
        rs.RosterRow(x.name, x.id_number, x.category_cn, x.amount, x.community)
        for x in view.persons
    )
    return rs.render_public_roster(
        rs.PublicRoster(
            report_office(store, actor.office_id),
            p.name,
            f"{p.period_from}至{p.period_to}",
            payer,
            view.as_of,
            rows,
        )
    )
