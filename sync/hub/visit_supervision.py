"""The district's side of 巡访 on the hub: visit problems past their deadline escalated to the
district supervisors (区级督办), the escalated list of a district, and the article's counts
(visits, households visited, problems found and solved) by office and district."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sync.hub import db

PROBLEM = "visit_problem"
VISIT = "home_visit"
#: Problem states that still wait for the handler (the deadline runs in them).
UNHANDLED = frozenset({"open", "assigned"})


def _live(conn: object, entity: str) -> list[dict]:
    t = db.records.c
    rows = conn.execute(  # type: ignore[attr-defined]
        select(t.payload).where(t.entity == entity, t.deleted.is_(False))
    ).scalars()
    return [json.loads(text) for text in rows]


def _districts(conn: object) -> dict[str, tuple[str, str]]:
    o = db.offices.c
    rows = conn.execute(select(o.code, o.name, o.district))  # type: ignore[attr-defined]
    return {code: (name, district) for code, name, district in rows}


def escalate_problems(database: db.Database, today: date | None = None) -> dict[str, int]:
    """Escalate (once) every problem still unhandled past its deadline; return the count
    newly escalated by district."""
    today = today or date.today()
    e = db.problem_escalations
    with database.write() as conn:
        offices = _districts(conn)
        done = set(conn.execute(select(e.c.problem_id)).scalars())
        counts: dict[str, int] = defaultdict(int)
        for p in _live(conn, PROBLEM):
            deadline = str(p.get("deadline") or "")
            if p.get("status") not in UNHANDLED or not deadline or deadline >= today.isoformat():
                continue
            if p["id"] in done:
                continue
            office = str(p.get("office_code") or "")
            district = offices.get(office, ("", office))[1]
            conn.execute(
                e.insert().values(
                    problem_id=p["id"], office_code=office, district=district,
                    category=str(p.get("category") or ""), urgency=str(p.get("urgency") or ""),
                    deadline=deadline, escalated_on=today.isoformat(),
                )
            )  # fmt: skip
            counts[district] += 1
    return dict(counts)


@dataclass(frozen=True)
class EscalatedProblem:
    """A problem the district supervises, with where it stands now."""

    problem_id: str
    office_code: str
    office_name: str
    community: str
    category: str
    urgency: str
    deadline: str
    escalated_on: str
    status: str
    handler: str


def district_problems(database: db.Database, district: str) -> list[EscalatedProblem]:
    """The escalated problems of one district's offices, oldest deadline first."""
    e = db.problem_escalations.c
    with database.read() as conn:
        offices = _districts(conn)
        rows = conn.execute(
            select(db.problem_escalations).where(e.district == district).order_by(e.deadline)
        ).all()
        t = db.records.c
        now = {
            i: json.loads(text)
            for i, text in conn.execute(
                select(t.id, t.payload).where(
                    t.entity == PROBLEM, t.id.in_([r.problem_id for r in rows])
                )
            ).all()
        }
    out = []
    for r in rows:
        p = now.get(r.problem_id, {})
        out.append(
            EscalatedProblem(
                r.problem_id, r.office_code, offices.get(r.office_code, ("", ""))[0],
                str(p.get("community") or ""), r.category, r.urgency, r.deadline,
                r.escalated_on, str(p.get("status") or ""), str(p.get("handler") or ""),
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class VisitCounts:
    """The figures of one office (or, with ``office_code`` "", a whole district)."""

    district: str
    office_code: str
    office_name: str
    visits: int
    households: int
    problems_found: int
    problems_solved: int
    problems_escalated: int


def visit_counts(database: db.Database, start: date, end: date) -> list[VisitCounts]:
    """Visits, households visited, problems found and solved (办结) in the period, and the
    problems escalated, by office, each district followed by its total row."""
    first, last = start.isoformat(), end.isoformat()
    with database.read() as conn:
        offices = _districts(conn)
        visits = _live(conn, VISIT)
        problems = _live(conn, PROBLEM)
        escalated: dict[str, int] = defaultdict(int)
        for office in conn.execute(select(db.problem_escalations.c.office_code)).scalars():
            escalated[office] += 1
    homes: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    for v in visits:
        if first <= str(v.get("visited_on") or "") <= last:
            office = str(v.get("office_code") or "")
            count[office] += 1
            homes[office].add(str(v.get("household_id")))
    found: dict[str, int] = defaultdict(int)
    solved: dict[str, int] = defaultdict(int)
    for p in problems:
        office = str(p.get("office_code") or "")
        if first <= str(p.get("found_on") or "") <= last:
            found[office] += 1
        if first <= str(p.get("closed_on") or "") <= last:
            solved[office] += 1
    codes = sorted(set(count) | set(found) | set(solved) | set(escalated))
    by_district: dict[str, list[VisitCounts]] = defaultdict(list)
    for code in codes:
        name, district = offices.get(code, (code, ""))
        by_district[district].append(
            VisitCounts(district, code, name, count[code], len(homes[code]), found[code],
                        solved[code], escalated[code])
        )  # fmt: skip
    out: list[VisitCounts] = []
    for district in sorted(by_district):
        rows = by_district[district]
        out += rows
        out.append(
            VisitCounts(
                district, "", f"{district}合计", sum(r.visits for r in rows),
                sum(r.households for r in rows), sum(r.problems_found for r in rows),
                sum(r.problems_solved for r in rows), sum(r.problems_escalated for r in rows),
            )
        )  # fmt: skip
    return out
