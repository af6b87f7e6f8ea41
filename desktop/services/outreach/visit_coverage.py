"""逐户逐人不漏: which targets were not visited in a period, by community and coordinator; the
coordinators' workloads; and the visit ledger (走访台账) of one community and period, IDs
masked as on public sheets, as rows and as an Excel file."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select

from desktop.domain.ids import mask_id
from desktop.domain.visits import CHECKLIST, PROBLEM_CATEGORIES, VisitLedgerLine, period_bounds
from desktop.services.base import Actor, Role, Scope, service
from desktop.services.outreach.visits import Target, derive_targets
from desktop.store.models import CoordinatorCommunity, Household, Person, User
from desktop.store.store import Store
from desktop.store.visit_models import HomeVisit, VisitProblem

SUPERVISORS = {Role.SUPERVISOR, Role.ADMIN}
UNASSIGNED = "（未分配协理员）"


@dataclass(frozen=True)
class CommunityCoverage:
    """One community's figures for the period."""

    community: str
    coordinators: tuple[str, ...]
    targets: int
    visited: int
    visits: int
    problems_found: int
    problems_solved: int
    problems_overdue: int
    not_visited: tuple[Target, ...]

    @property
    def rate(self) -> str:
        return f"{self.visited * 100 // self.targets}%" if self.targets else "—"


@dataclass(frozen=True)
class Workload:
    """One coordinator's load: communities, targets, visits made and targets left."""

    coordinator: str
    communities: tuple[str, ...]
    targets: int
    visits: int
    not_visited: int


@dataclass(frozen=True)
class CoverageReport:
    """The office's coverage of one period (the month of ``start``)."""

    start: date
    end: date
    communities: tuple[CommunityCoverage, ...]
    workloads: tuple[Workload, ...]

    @property
    def targets(self) -> int:
        return sum(c.targets for c in self.communities)

    @property
    def visited(self) -> int:
        return sum(c.visited for c in self.communities)

    @property
    def visits(self) -> int:
        return sum(c.visits for c in self.communities)

    @property
    def problems_found(self) -> int:
        return sum(c.problems_found for c in self.communities)

    @property
    def problems_solved(self) -> int:
        return sum(c.problems_solved for c in self.communities)

    @property
    def not_visited(self) -> list[Target]:
        return [t for c in self.communities for t in c.not_visited]


def _coordinators(session, office_id: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(CoordinatorCommunity.community, User.display_name)
        .join(User, User.id == CoordinatorCommunity.user_id)
        .where(User.office_id == office_id, User.active.is_(True))
        .order_by(User.display_name)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for community, name in rows:
        out[community].append(name)
    return out


@service(roles=SUPERVISORS, scope=Scope.NONE("the whole office's figures, names masked"))
def coverage_report(store: Store, actor: Actor, month: date, today: date) -> CoverageReport:
    """Coverage of the month of ``month``: per community the targets, those visited at least
    once, visits, problems found / solved (办结) in the period and overdue; per coordinator the
    workload. A target counts as visited when a visit of the period is recorded."""
    start, end = period_bounds(month)
    with store.sessions.read() as s:
        targets = derive_targets(s, actor.office_id, None, today, since=start,
                                 period_end=end, mask=True)  # fmt: skip
        by_community: dict[str, list[Target]] = defaultdict(list)
        for t in targets:
            by_community[t.community].append(t)
        visits: dict[str, int] = defaultdict(int)
        for community, _hid in s.execute(
            select(HomeVisit.community, HomeVisit.household_id)
            .join(Household, Household.id == HomeVisit.household_id)
            .where(Household.residence_office_id == actor.office_id,
                   HomeVisit.deleted.is_(False), HomeVisit.visited_on >= start,
                   HomeVisit.visited_on <= end)
        ):  # fmt: skip
            visits[community] += 1
        found: dict[str, int] = defaultdict(int)
        solved: dict[str, int] = defaultdict(int)
        overdue: dict[str, int] = defaultdict(int)
        for p in s.scalars(
            select(VisitProblem).where(VisitProblem.office_code == actor.office_code,
                                       VisitProblem.deleted.is_(False))
        ):  # fmt: skip
            if start <= p.found_on <= end:
                found[p.community] += 1
            if p.closed_on is not None and start <= p.closed_on <= end:
                solved[p.community] += 1
            if p.status in ("open", "assigned") and p.deadline and p.deadline < today:
                overdue[p.community] += 1
        coordinators = _coordinators(s, actor.office_id)
    names = sorted(set(by_community) | set(visits) | set(found))
    rows = []
    for name in names:
        ts = by_community.get(name, [])
        rows.append(
            CommunityCoverage(
                name, tuple(coordinators.get(name, ())), len(ts),
                sum(1 for t in ts if t.visits_in_period), visits.get(name, 0),
                found.get(name, 0), solved.get(name, 0), overdue.get(name, 0),
                tuple(t for t in ts if not t.visits_in_period),
            )
        )  # fmt: skip
    return CoverageReport(start, end, tuple(rows), tuple(_workloads(rows)))


def _workloads(rows: list[CommunityCoverage]) -> list[Workload]:
    acc: dict[str, list] = {}
    for c in rows:
        for who in c.coordinators or (UNASSIGNED,):
            a = acc.setdefault(who, [[], 0, 0, 0])
            a[0].append(c.community)
            a[1] += c.targets
            a[2] += c.visits
            a[3] += len(c.not_visited)
    return [Workload(who, tuple(a[0]), a[1], a[2], a[3]) for who, a in sorted(acc.items())]


# --- the ledger -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitLedger:
    """The ledger of one community and period."""

    office_name: str
    community: str
    start: date
    end: date
    rows: tuple[VisitLedgerLine, ...]
    prepared_by: str


LEDGER_HEAD = ("序号", "走访日期", "户主姓名", "公民身份号码", "住址", "走访人", "见到的人",
               "走访发现", "发现问题", "明白纸", "被访人签字", "跟进")  # fmt: skip


@service(roles=SUPERVISORS | {Role.COORDINATOR}, scope=Scope.COMMUNITY("community"))
def visit_ledger(store: Store, actor: Actor, community: str, month: date) -> VisitLedger:
    """走访台账 of one community of this office for the month of ``month``, by date."""
    start, end = period_bounds(month)
    with store.sessions.read() as s:
        visits = s.execute(
            select(HomeVisit, Household.address)
            .join(Household, Household.id == HomeVisit.household_id)
            .where(Household.residence_office_id == actor.office_id,
                   HomeVisit.community == community, HomeVisit.deleted.is_(False),
                   HomeVisit.visited_on >= start, HomeVisit.visited_on <= end)
            .order_by(HomeVisit.visited_on, HomeVisit.id)
        ).all()  # fmt: skip
        ids = [v.id for v, _a in visits]
        problems: dict[str, list[str]] = defaultdict(list)
        for i in range(0, len(ids), 900):
            for p in s.scalars(
                select(VisitProblem).where(VisitProblem.visit_id.in_(ids[i : i + 900]))
            ):
                problems[p.visit_id].append(PROBLEM_CATEGORIES.get(p.category, p.category))
        heads = _heads(s, {v.household_id for v, _a in visits})
        rows = []
        for v, address in visits:
            name, number = heads.get(v.household_id, ("", ""))
            concerns = [CHECKLIST[k] for k, a in (v.checklist or {}).items() if a == "concern"]
            rows.append(
                VisitLedgerLine(
                    v.visited_on, name, mask_id(number), address, v.visitor,
                    "、".join(v.met or ()), "、".join(concerns) + "有问题" if concerns else "正常",
                    "、".join(problems.get(v.id, ())) or "无", "已发放" if v.leaflet_given else "—",
                    v.signed_by if v.signature_id else "—",
                    {"review": "定期核查", "request": "救助申请"}.get(v.follow_up, ""),
                )
            )  # fmt: skip
    return VisitLedger(actor.office_name, community, start, end, tuple(rows), actor.display_name)


def _heads(s, household_ids: set[str]) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The applicant of each household (else its eldest member)."""
    out: dict[str, tuple[tuple[int, date], str, str]] = {}
    ids = sorted(household_ids)
    for i in range(0, len(ids), 900):
        for hid, name, number, relation, born in s.execute(
            select(Person.household_id, Person.name, Person.id_number, Person.relation,
                   Person.birth_date).where(Person.household_id.in_(ids[i : i + 900]),
                                            Person.deleted.is_(False))
        ):  # fmt: skip
            rank = (0 if relation == "applicant" else 1, born)
            best = out.get(hid)
            if best is None or rank < best[0]:
                out[hid] = (rank, name, number)
    return {hid: (n, num) for hid, (_r, n, num) in out.items()}


def ledger_title(ledger: VisitLedger) -> str:
    """``友谊路街道XX社区2026年11月走访台账``."""
    return f"{ledger.office_name}{ledger.community}{ledger.start:%Y年%m月}走访台账".replace(
        "年0", "年"
    )


@service(roles=SUPERVISORS | {Role.COORDINATOR}, scope=Scope.COMMUNITY("community"))
def export_ledger_xlsx(store: Store, actor: Actor, community: str, month: date, path: Path) -> int:
    """Write the ledger of one community and month to ``path`` (xlsx); returns the row count."""
    ledger = visit_ledger(store, actor, community, month)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "走访台账"
    ws.append([ledger_title(ledger)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"走访期间：{ledger.start.isoformat()} 至 {ledger.end.isoformat()}",
               "", "", "", f"共 {len(ledger.rows)} 次走访"])  # fmt: skip
    ws.append(list(LEDGER_HEAD))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for i, r in enumerate(ledger.rows, 1):
        ws.append([i, r.visited_on.isoformat(), r.name, r.id_number, r.address, r.visitor, r.met,
                   r.findings, r.problems, r.leaflet, r.signed, r.follow_up])  # fmt: skip
    for column, width in zip(
        "ABCDEFGHIJKL", (6, 12, 10, 22, 30, 10, 16, 20, 14, 8, 12, 10), strict=True
    ):
        ws.column_dimensions[column].width = width
    ws.append([])
    ws.append([f"制表人：{ledger.prepared_by}", "", "", f"制表日期：{date.today().isoformat()}"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return len(ledger.rows)
