"""Search as you type (name, pinyin initials, full pinyin, ID or phone digits) and the case list."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from desktop.domain.ids import mask_id
from desktop.services.base import PROVIDER_ROLES, Actor, Scope, service
from desktop.services.cases.applications import ASSISTANCE_TYPES
from desktop.services.scope import (
    COORDINATOR,
    PROVIDER,
    assigned_communities,
    assigned_households,
    visible_households,
)
from desktop.store.models import Application, Household, Person
from desktop.store.store import Store

_DIGITS = re.compile(r"^[0-9]{3,17}[0-9Xx]?$")
_LETTERS = re.compile(r"^[a-zA-Z]+$")
_CASE_NUMBER = re.compile(r"^\d{9,12}-\d{4}-\d{5}$")
_OPEN_STATES_EXCLUDED = ("refused", "withdrawn", "closed", "stopped")


@dataclass(frozen=True)
class PersonHit:
    person_id: str
    household_id: str
    name: str
    id_number: str  # masked unless the actor may see it whole
    relation: str
    address: str


def _prefix_range(column, prefix: str):  # type: ignore[no-untyped-def]
    """``column`` starts with ``prefix`` as an index range (LIKE would not use the index)."""
    return and_(column >= prefix, column < prefix + "\U0010ffff")


def _people(session: Session, query: str, limit: int, households: bool = False) -> list[Any]:
    """Ids of the (at most ``limit``) people matching ``query``; with ``households``, their
    household ids instead, read in the same statement (the person rows are read anyway)."""
    q = query.strip()
    if not q:
        return []
    column = Person.household_id if households else Person.id
    if _DIGITS.match(q):
        rows = session.execute(
            text(
                f"SELECT p.id{', p.household_id' if households else ''} FROM person_digits d "
                "JOIN persons p ON p.rowid = d.rowid "
                "WHERE person_digits MATCH :m AND p.deleted = 0 LIMIT :n"
            ),
            {"m": '"' + q.upper() + '"', "n": limit},
        )
        return [r[-1] for r in rows]
    if _LETTERS.match(q):
        low = q.lower()
        stmt = (
            select(column)
            .where(
                or_(
                    _prefix_range(Person.name_initials, low), _prefix_range(Person.name_pinyin, low)
                )
            )
            .where(Person.deleted.is_(False))
            .limit(limit)
        )
        return list(session.scalars(stmt))
    # Chinese text: the start of the full name (王红) or of the given name (红梅), both by index.
    # The union is of people (their ids), the households are read along with each.
    columns = (Person.id, Person.household_id) if households else (Person.id,)
    by_name = select(*columns).where(_prefix_range(Person.name, q), Person.deleted.is_(False))
    by_given = select(*columns).where(
        _prefix_range(Person.name_given, q), Person.deleted.is_(False)
    )
    rows = session.execute(by_name.union(by_given).limit(limit))
    return [r[-1] for r in rows]


def _person_ids(session: Session, query: str, limit: int) -> list[str]:
    return _people(session, query, limit)


@service(roles=PROVIDER_ROLES, scope=Scope.NONE("results are filtered by visible_households"))
def search_persons(store: Store, actor: Actor, query: str, limit: int = 50) -> list[PersonHit]:
    """People matching what the clerk typed; ID numbers masked for roles that need not see them."""
    with store.sessions.read() as s:
        ids = _person_ids(s, query, limit)
        if not ids:
            return []
        rows = s.execute(
            select(Person, Household.address)
            .join(Household, Household.id == Person.household_id)
            .where(Person.id.in_(ids), visible_households(s, actor, leads=False))
        ).all()
        full = actor.sees_full_personal_data()
        hits = [
            PersonHit(
                p.id,
                p.household_id,
                p.name,
                p.id_number if full else mask_id(p.id_number),
                p.relation,
                addr,
            )
            for p, addr in rows
        ]
        hits.sort(key=lambda h: (h.name, h.person_id))
        return hits


@dataclass(frozen=True)
class CaseFilter:
    """What the case list shows: free text plus type, state, overdue, community filters."""

    text: str = ""
    assistance_type: str = ""
    state: str = ""
    community: str = ""
    overdue_on: date | None = None  # when set: only cases whose deadline is before this day
    open_only: bool = False
    office_id: str = ""  # when set: cases where this office is residence or registration office


@dataclass(frozen=True)
class CaseRow:
    id: str
    number: str
    applicant_name: str
    id_number: str
    assistance_type: str
    type_label: str
    state: str
    community: str
    applied_on: date
    next_deadline: date | None
    deadline_step: str
    benefit_amount: Decimal | None


Reader = Session | Connection


def text_households(reader: Reader, text_query: str) -> list[str]:
    """The households of the (at most 500) people matching what was typed: the applications
    are then found through their household index (an OR with another column would scan)."""
    person_ids = _person_ids(reader, text_query, 500)  # type: ignore[arg-type]
    return list(reader.scalars(select(Person.household_id).where(Person.id.in_(person_ids))))


def text_households_at_once(reader: Reader, text_query: str) -> list[str]:
    """``text_households`` in one statement: the same people, each with the household on its
    row (the fast path's; ``tests/core/test_case_list_fast.py`` proves the same families)."""
    return _people(reader, text_query, 500, households=True)  # type: ignore[arg-type]


def community_households(reader: Reader, community: str) -> list[str]:
    """Resolved first as well: with the community as a bound parameter SQLite would scan."""
    return list(reader.scalars(select(Household.id).where(Household.community == community)))


def scope_households(reader: Reader, actor: Actor) -> list[str] | None:
    """The families a coordinator (their communities') or a provider (its assigned families)
    may see; None for the other roles (the office condition alone)."""
    if actor.role == COORDINATOR:
        mine = sorted(assigned_communities(reader, actor.user_id))  # type: ignore[arg-type]
        return list(reader.scalars(select(Household.id).where(Household.community.in_(mine))))
    if actor.role == PROVIDER:
        return sorted(assigned_households(reader, actor.user_id))  # type: ignore[arg-type]
    return None


def case_conditions(
    f: CaseFilter,
    by_text: list[str] | None,
    by_community: list[str] | None,
    by_scope: list[str] | None = None,
) -> list[Any]:
    """The filter as conditions on applications, its text and community already resolved to
    households (``text_households``, ``community_households``) and the actor's families."""
    where: list[Any] = [Application.deleted.is_(False)]
    text_query = f.text.strip()
    if _CASE_NUMBER.match(text_query):
        where.append(Application.number == text_query)
    elif text_query:
        where.append(Application.household_id.in_(by_text or []))
    if f.assistance_type:
        where.append(Application.assistance_type == f.assistance_type)
    if f.state:
        where.append(Application.state == f.state)
    if f.community:
        where.append(Application.household_id.in_(by_community or []))
    if f.overdue_on is not None:
        where.append(Application.next_deadline < f.overdue_on)
    if f.open_only:
        # An archived file in payment has nothing open until its periodic review.
        where += [
            Application.state.notin_(_OPEN_STATES_EXCLUDED),
            Application.archived_on.is_(None),
        ]
    if f.office_id:
        # ``? IN (residence, hukou)`` is ``residence = ? OR hukou = ?``, written so that SQLite
        # cannot answer it from the two office indexes: without statistics it would otherwise
        # read every case of the office (a MULTI-INDEX OR, 51,041 rows at city scale, 1–2 s)
        # instead of the few matching households' cases or the newest rows of the list index.
        where.append(
            literal(f.office_id).in_([Application.residence_office_id, Application.hukou_office_id])
        )
    if by_scope is not None:
        where.append(Application.household_id.in_(by_scope))
    return where


def text_resolves(f: CaseFilter) -> bool:
    """Whether the filter's text stands for households (not empty, not a case number)."""
    text_query = f.text.strip()
    return bool(text_query) and not _CASE_NUMBER.match(text_query)


def _filtered(session: Session, f: CaseFilter, stmt: Select) -> Select:  # type: ignore[type-arg]
    """Apply the filter to a statement over applications (no joins)."""
    by_text = text_households(session, f.text.strip()) if text_resolves(f) else None
    by_community = community_households(session, f.community) if f.community else None
    return stmt.where(*case_conditions(f, by_text, by_community))


def _visible_ids(session: Session, actor: Actor, f: CaseFilter, stmt: Select) -> Select:  # type: ignore[type-arg]
    """``_filtered`` limited to the families ``actor`` may see: this office's (一城通办) and,
    for a coordinator, those of the assigned communities; for a provider, its families."""
    stmt = _filtered(session, replace(f, office_id=actor.office_id), stmt)
    in_scope = scope_households(session, actor)
    return stmt if in_scope is None else stmt.where(Application.household_id.in_(in_scope))


@service(roles=PROVIDER_ROLES, scope=Scope.NONE("counts only the families visible to the actor"))
def count_cases(store: Store, actor: Actor, f: CaseFilter) -> int:
    """How many cases the filter shows this actor (an index count: no joins)."""
    with store.sessions.read() as s:
        stmt = _visible_ids(s, actor, f, select(func.count()).select_from(Application))
        return s.scalar(stmt) or 0


_ROW_COLUMNS = (
    Application.id,
    Application.number,
    Person.name,
    Person.id_number,
    Application.assistance_type,
    Application.state,
    Household.community,
    Application.applied_on,
    Application.next_deadline,
    Application.deadline_step,
    Application.benefit_amount,
)
LIST_ORDER = (Application.applied_on.desc(), Application.id.desc())


def case_rows(reader: Reader, ids: list[str], full: bool) -> list[tuple[Any, ...]]:
    """The list rows of these applications in the order of ``ids``, as tuples of the
    ``CaseRow`` fields (ID numbers masked unless ``full``)."""
    if not ids:
        return []
    rows = reader.execute(
        select(*_ROW_COLUMNS)
        .join(Person, Person.id == Application.applicant_id)
        .join(Household, Household.id == Application.household_id)
        .where(Application.id.in_(ids))
    ).all()
    order = {case_id: index for index, case_id in enumerate(ids)}
    rows = sorted(rows, key=lambda r: order[r[0]])
    types = ASSISTANCE_TYPES
    return [
        (r[0], r[1], r[2], r[3] if full else mask_id(r[3]), r[4], types.get(r[4], r[4]),
         r[5], r[6], r[7], r[8], r[9], r[10])
        for r in rows
    ]  # fmt: skip


@service(roles=PROVIDER_ROLES, scope=Scope.NONE("results are filtered by visible_households"))
def fetch_cases(
    store: Store, actor: Actor, f: CaseFilter, offset: int, limit: int
) -> list[CaseRow]:
    """One page of the case list, newest application first.

    The page's ids come from the (applied_on, id, deleted) index alone, so a deep page costs an
    index walk; only those rows are then joined to their applicant and household."""
    full = actor.sees_full_personal_data()
    with store.sessions.read() as s:
        ids_stmt = _visible_ids(s, actor, f, select(Application.id)).order_by(*LIST_ORDER)
        ids = list(s.scalars(ids_stmt.offset(offset).limit(limit)))
        return [CaseRow(*r) for r in case_rows(s, ids, full)]


def communities(store: Store) -> list[str]:
    with store.sessions.read() as s:
        return [
            c
            for c in s.scalars(select(Household.community).distinct().order_by(Household.community))
            if c
        ]
