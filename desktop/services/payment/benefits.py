"""The monthly benefit run (按月发放核算) as a service: recompute every case in payment with the
engine's fast ``monthly_run``, write the changed amounts, a run record with every case's
old/new/kind, an audit event and one outbox entry per changed application, in one transaction.
Re-running a month with nothing new changes nothing; a cancelled run leaves nothing behind."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop.domain.payment_status import paying_sql
from desktop.domain.policy.monthly import (
    CHANGE_KINDS,
    ActiveCase,
    Basis,
    BenefitChange,
    decide,
    monthly_bases,
)
from desktop.domain.policy.tables import MonthPolicy, PolicySet
from desktop.errors import ValidationError
from desktop.services.base import Actor, Role, Scope, UnitOfWork, service, unit_of_work
from desktop.services.family.household_facts import collect_households, fen
from desktop.services.payment.benefit_cache import (
    CacheRow,
    cache_row,
    drop_scope,
    load_cached,
    policy_key,
    save_cached,
    scope_table,
)
from desktop.services.payment.benefit_writes import (
    queue_changed,
    stage,
    staged,
    unstage,
    write_amounts,
    write_lines,
)
from desktop.services.policy.policy_admin import load_policy
from desktop.store.policy_models import BenefitRun
from desktop.store.store import Store

RUN_TYPES = {"dibao": "dibao", "bianyuan": "bianyuan", "tekun": "tekun"}
# Programmes a stored case may be paid under, per application type (单人保 on a 低保 case).
ALLOWED = {"dibao": ("dibao", "dibao_single"), "bianyuan": ("bianyuan",), "tekun": ("tekun",)}
CHUNK = 10_000
ZERO = Decimal("0.00")
KEPT = "人工核定，维持"
LAPSED = "人工核定金额失效"

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

_ACTIVE_WHERE = (
    f"deleted = 0 AND {paying_sql('state')} AND assistance_type IN ('dibao', 'bianyuan', 'tekun')"
)
_ACTIVE_HOUSEHOLDS = f"SELECT household_id FROM applications WHERE {_ACTIVE_WHERE}"
_ACTIVE_CASES = (
    "SELECT a.id, a.number, a.household_id, a.assistance_type, a.benefit_programme, "
    "a.benefit_amount, a.gradual_exit_since, h.facts_rev, "
    # An approved amount deviation (人工核定) not since superseded by a review's new amount:
    # parsed only for the few cases that have one.
    "CASE WHEN json_extract(a.workflow, '$.amount_approved_by') != '' AND NOT EXISTS ("
    "SELECT 1 FROM json_each(a.workflow, '$.reviews') WHERE json_extract(value, "
    "'$.new_amount') IS NOT NULL) THEN json_array(json_extract(a.workflow, "
    "'$.approved_amount'), json_extract(a.workflow, '$.calculated_amount'), "
    "json_extract(a.workflow, '$.amount_basis'), d.facts_rev) END FROM applications a "
    "LEFT JOIN households h ON h.id = a.household_id "
    "LEFT JOIN deviation_facts d ON d.application_id = a.id WHERE a.deleted = 0 "
    f"AND {paying_sql('a.state')} AND a.assistance_type IN ('dibao', 'bianyuan', 'tekun')"
)


@dataclass(frozen=True)
class ChangeLine:
    """One changed case in a run report."""

    application_id: str
    number: str
    programme: str
    kind: str
    old: Decimal | None
    new: Decimal
    gradual_exit_since: date | None = None
    note: str = ""
    """What the run did with an approved amount deviation (kept, or lapsed for review)."""

    @property
    def kind_cn(self) -> str:
        return CHANGE_KINDS[self.kind]


@dataclass(frozen=True)
class RunReport:
    """What a run did: counts per kind, totals, the changed cases and the skipped ones."""

    month: date
    run_id: str | None
    cases: int
    changed: int
    counts: dict[str, int]
    total_old: Decimal
    total_new: Decimal
    changes: tuple[ChangeLine, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    already_done: bool = False
    cancelled: bool = False
    message: str = ""
    deviations: tuple[tuple[str, str], ...] = ()
    """(case number, note) of every case with an approved amount deviation: kept or lapsed."""


@dataclass(frozen=True)
class Deviation:
    """An amount confirmed at 审核确认 that differs from the calculation it was approved
    against (written basis, second approver): a decision the run keeps while it stands."""

    approved: Decimal
    calculated: Decimal
    basis: str
    facts_rev: int | None
    """The family's ``facts_rev`` when the deviation was approved (or first reached this desk
    from another one); None until the run records it."""


@dataclass
class _Case:
    """A stored case in payment: what the run needs to know and to compare against."""

    id: str
    number: str
    household_id: str
    programme: str
    stored: Decimal | None
    since: date | None
    facts_rev: int | None = None
    deviation: Deviation | None = None


@dataclass
class _Computed:
    cases: dict[str, _Case]
    results: list[BenefitChange] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # case id → deviation note
    skipped: list[tuple[str, str]] = field(default_factory=list)
    fresh: list[CacheRow] = field(default_factory=list)  # bases to cache
    key: str = ""


class _Stop(Exception):
    """Raised inside the transaction when the user cancels: everything rolls back."""


def _programme(assistance_type: str, stored: str) -> str:
    return stored if stored in ALLOWED[assistance_type] else RUN_TYPES[assistance_type]


def _deviation(raw: str | None) -> Deviation | None:
    """The approved deviation of a stored snapshot (see ``_ACTIVE_CASES``), if any."""
    if raw is None:
        return None
    approved, calculated, basis, facts_rev = json.loads(raw)
    if approved is None or calculated is None:
        return None
    return Deviation(Decimal(approved), Decimal(calculated), basis or "", facts_rev)


def record_deviation_facts(session: Session, cases: Sequence[_Case]) -> None:
    """Note the family's current ``facts_rev`` for deviations this desk has no baseline for
    yet (one received from another desk): the facts it reached this desk with."""
    rows = [
        (c.id, c.facts_rev)
        for c in cases
        if c.deviation and c.deviation.facts_rev is None and c.facts_rev is not None
    ]
    if rows:
        session.connection().exec_driver_sql(
            "INSERT OR REPLACE INTO deviation_facts (application_id, facts_rev) VALUES (?, ?)",
            rows,
        )


def _load_cases(session: Session, office_id: str | None = None) -> dict[str, _Case]:
    """The cases in payment; with ``office_id``, only those this office pays (it is their
    registration office, 户籍地: under 一城通办 the residence office never pays)."""
    if office_id is None:
        rows = session.connection().exec_driver_sql(_ACTIVE_CASES)
    else:
        rows = session.connection().exec_driver_sql(
            _ACTIVE_CASES + " AND a.hukou_office_id = ?", (office_id,)
        )
    return {
        r[0]: _Case(
            r[0],
            r[1],
            r[2],
            _programme(r[3], r[4]),
            None if r[5] is None else fen(r[5]),
            date.fromisoformat(r[6]) if r[6] else None,
            r[7],
            _deviation(r[8]),
        )
        for r in rows
    }


def _lookback(session: Session, policy: PolicySet, month: date) -> tuple[int, bool, str]:
    """The longest income look-back of any district an office belongs to, and whether every
    district has that same look-back. Reading a wider window than a family needs is harmless
    (the engine applies each family's own window to the months read); the offices table is
    tiny, unlike a join over every household in payment."""
    districts = session.scalars(text("SELECT DISTINCT region_code FROM offices")).all()
    months = {policy.for_month(month).lookback_months} | {
        policy.for_month(month, d).lookback_months for d in districts
    }
    lookback, uniform = max(months), len(months) == 1
    return lookback, uniform, policy_key(policy, month, districts, lookback, uniform)


# Page cache of the run's connection (KiB): the run reads and rewrites far more pages than
# the store's everyday cache holds, and every page read again is decrypted again.
RUN_CACHE_KIB = 131_072


@contextmanager
def _big_cache(session: Session) -> Iterator[None]:
    """A large SQLite page cache for the duration of one run, then back to the usual size."""
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{RUN_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hundreds of thousands of small acyclic fact objects are built at once; the cyclic
    collector would rescan them over and over, so it waits until they are built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _settled(r: BenefitChange) -> BenefitChange:
    """A case already paid nothing that stays at nothing is 'unchanged', not stopped again."""
    if r.kind == "stop" and r.old == 0:
        return BenefitChange(r.case_id, "unchanged", r.old, r.new, r.gradual_exit_since)
    return r


def _decided(c: _Case, mp: MonthPolicy, b: Basis) -> tuple[BenefitChange, str]:
    """The case's outcome and, for an approved deviation, what became of it.

    A decision is changed only by a decision: while the family's facts are those the deviation
    was approved on, the approved amount stays ("人工核定，维持"). Once they changed, the run
    pays the new calculation and says the deviation lapsed and needs a review. A deviation
    already lapsed (the stored amount is no longer the approved one) is not revived."""
    r = _settled(decide(c.id, c.programme, c.stored or ZERO, c.since, b, mp))
    d = c.deviation
    if d is None or c.stored not in (None, d.approved):
        return r, ""
    if d.facts_rev is None or d.facts_rev == c.facts_rev:
        kept = BenefitChange(c.id, "unchanged", c.stored or ZERO, d.approved)
        if c.stored is None:
            kept = BenefitChange(c.id, "increase", ZERO, d.approved)
        return kept, f"{KEPT}（核算{d.calculated}元；依据：{d.basis}）"
    return r, (
        f"{LAPSED}（原核定{d.approved}元，核算{d.calculated}元）：家庭情况已变化，"
        f"按新核算{b.new}元发放，须复核"
    )


def _note(out: _Computed, decided: tuple[BenefitChange, str]) -> BenefitChange:
    r, note = decided
    if note:
        out.notes[r.case_id] = note
    return r


def _apply(part: list[ActiveCase], month: date, policy: PolicySet, out: _Computed) -> None:
    """Run the engine over validated cases; keep each outcome and its basis for the cache."""
    for case, (mp, b) in zip(part, monthly_bases(part, month, policy), strict=True):
        c = out.cases[case.case_id]
        out.results.append(_note(out, _decided(c, mp, b)))
        if c.facts_rev is not None:
            out.fresh.append(
                cache_row(c.household_id, c.programme, c.facts_rev, out.key, mp.district, b)
            )


def _run_chunk(part: list[ActiveCase], month: date, policy: PolicySet, out: _Computed) -> None:
    """Run the engine over a chunk; a case with bad data is reported and left unchanged."""
    try:
        _apply(part, month, policy, out)
        return
    except ValidationError:
        pass
    for case in part:
        try:
            _apply([case], month, policy, out)
        except ValidationError as exc:
            out.skipped.append((out.cases[case.case_id].number, exc.message))


def _from_cache(session: Session, month: date, policy: PolicySet, out: _Computed) -> list[_Case]:
    """Decide every case whose family's facts and month policy match the cache; return the
    others (to be recomputed)."""
    cached = load_cached(session.connection(), out.key)
    misses: list[_Case] = []
    for c in out.cases.values():
        hit = cached.get((c.household_id, c.programme))
        if hit is None or hit[0] != c.facts_rev or (c.stored is not None and c.stored < 0):
            misses.append(c)
            continue
        out.results.append(_note(out, _decided(c, policy.for_month(month, hit[1]), hit[2])))
    return misses


def _compute(
    session: Session,
    month: date,
    policy: PolicySet,
    progress: Progress | None,
    cancelled: Cancelled | None,
    office_id: str | None = None,
) -> _Computed:
    """Load the cases in payment (with ``office_id``: those the office pays) and decide each
    for ``month``: from the cache when its family's facts and the month policy are unchanged,
    else from freshly read facts."""
    policy.for_month(month)  # PolicyError (no policy for the month) before any work
    out = _Computed(_load_cases(session, office_id))
    record_deviation_facts(session, [c for c in out.cases.values() if c.deviation])
    if progress:
        progress(0, len(out.cases), "读取家庭信息")
    lookback, uniform, out.key = _lookback(session, policy, month)
    misses = _from_cache(session, month, policy, out)
    if misses:
        _recompute(session, month, policy, out, misses, (lookback, uniform), progress, cancelled)
        save_cached(session.connection(), out.fresh)
    elif progress:
        progress(len(out.cases), len(out.cases), "核算救助金")
    return out


def _recompute(
    session: Session,
    month: date,
    policy: PolicySet,
    out: _Computed,
    misses: list[_Case],
    window: tuple[int, bool],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    """Read the facts of the ``misses``' families and run the engine over them."""
    wanted = {c.household_id for c in misses}
    total = session.scalar(text("SELECT count(*) FROM households WHERE deleted = 0")) or 0
    conn = session.connection()
    # Most households wanted: one plain scan, filtered here, beats an SQL IN filter.
    scope = None if 2 * len(wanted) >= total else scope_table(conn, wanted)
    try:
        facts, errors = collect_households(
            session, scope, {}, month, lookback=window[0], only=wanted, sum_months=window[1]
        )
    finally:
        drop_scope(conn)
    active: list[ActiveCase] = []
    for c in misses:
        h = facts.get(c.household_id)
        if h is None:
            err = errors.get(c.household_id)
            out.skipped.append((c.number, err.message if err else "家庭信息缺失"))
            continue
        active.append(ActiveCase(c.id, h, c.programme, c.stored or ZERO, c.since))
    done = len(out.cases) - len(misses)
    for start in range(0, len(active), CHUNK):
        if cancelled is not None and cancelled():
            raise _Stop
        _run_chunk(active[start : start + CHUNK], month, policy, out)
        if progress:
            progress(done + min(start + CHUNK, len(active)), len(out.cases), "核算救助金")


def _is_change(c: _Case, r: BenefitChange) -> bool:
    return c.stored is None or r.new != c.stored or r.gradual_exit_since != c.since


def _total_old(comp: _Computed) -> Decimal:
    zero = Decimal("0.00")
    return sum((comp.cases[r.case_id].stored or zero for r in comp.results), zero)


def _counts(results: Sequence[BenefitChange]) -> dict[str, int]:
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    for r in results:
        counts[r.kind] += 1
    return counts


def _changed(comp: _Computed) -> list[BenefitChange]:
    """The results that change a stored case."""
    return [r for r in comp.results if _is_change(comp.cases[r.case_id], r)]


def _stage(session: Session, comp: _Computed) -> None:
    """Stage every result for the writes."""
    rows = []
    for r in comp.results:
        c = comp.cases[r.case_id]
        rows.append(
            staged(
                r.case_id, c.programme, r.kind, c.stored, r.new, r.gradual_exit_since,
                _is_change(c, r), comp.notes.get(r.case_id, ""),
            )
        )  # fmt: skip
    stage(session.connection(), rows)


def _report(month: date, comp: _Computed, changed: list[BenefitChange], **kw: object) -> RunReport:
    lines = sorted(
        (
            ChangeLine(
                r.case_id,
                comp.cases[r.case_id].number,
                comp.cases[r.case_id].programme,
                r.kind,
                comp.cases[r.case_id].stored,
                r.new,
                r.gradual_exit_since,
                comp.notes.get(r.case_id, ""),
            )
            for r in changed
        ),
        key=lambda line: line.number,
    )
    total_old = _total_old(comp)
    return RunReport(
        month=month,
        cases=len(comp.results),
        changed=len(changed),
        counts=_counts(comp.results),
        total_old=total_old,
        total_new=sum((r.new for r in comp.results), Decimal("0.00")),
        changes=tuple(lines),
        skipped=tuple(sorted(comp.skipped)),
        deviations=tuple(sorted((comp.cases[k].number, v) for k, v in comp.notes.items())),
        **kw,  # type: ignore[arg-type]
    )


def _message(report: RunReport, earlier: int) -> str:
    month = f"{report.month:%Y年%m月}"
    parts = "，".join(f"{CHANGE_KINDS[k]} {n} 户" for k, n in report.counts.items() if n)
    skipped = f"；{len(report.skipped)} 户数据有误未核算" if report.skipped else ""
    lapsed = sum(1 for _, note in report.deviations if note.startswith(LAPSED))
    if len(report.deviations) > lapsed:
        skipped += f"；人工核定维持 {len(report.deviations) - lapsed} 户"
    if lapsed:
        skipped += f"；人工核定金额失效须复核 {lapsed} 户"
    if report.changed == 0 and earlier:
        return f"{month}已核算过，本次重新核算无变化，未写入任何数据{skipped}"
    kind = "补充核算" if earlier else "核算"
    return f"{month}{kind}完成：共 {report.cases} 户，{parts}；变动 {report.changed} 户{skipped}"


@service(
    scope=Scope.NONE("the run takes only this office's own paying cases"),
    roles={Role.SUPERVISOR, Role.ADMIN},
    changes={"cases", "benefit_runs"},
)
def run_monthly_benefits(
    store: Store,
    actor: Actor,
    month: date,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> RunReport:
    """Recompute every case in payment for the benefit ``month`` and store the outcome.

    The first run of a month records every case (the payment ledger); a later run of the same
    month records only what changed since, and writes nothing at all when nothing did.
    Raises PolicyError when the month has no policy; cases with bad data are listed in
    ``skipped`` and left unchanged.
    """
    day = month.replace(day=1)
    policy = load_policy(store)
    try:
        with _gc_paused(), unit_of_work(store, actor) as uow, _big_cache(uow.session):
            return _run(uow, day, policy, progress, cancelled)
    except _Stop:
        return RunReport(
            day, None, 0, 0, {}, Decimal("0.00"), Decimal("0.00"), cancelled=True,
            message=f"{day:%Y年%m月}核算已取消，未写入任何数据",
        )  # fmt: skip


def _check(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise _Stop


def _run(
    uow: UnitOfWork,
    day: date,
    policy: PolicySet,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> RunReport:
    s = uow.session
    started = uow.now
    comp = _compute(s, day, policy, progress, cancelled, uow.actor.office_id)
    changed = _changed(comp)
    earlier = s.scalar(select(func.count()).select_from(BenefitRun).where(BenefitRun.month == day))
    conn = s.connection()
    if earlier and not changed:
        return _with_message(_report(day, comp, [], run_id=None, already_done=True), earlier)
    _check(cancelled)
    _stage(s, comp)
    run = _start_run(s, uow.actor, day, earlier or 0, started, comp, changed)
    write_lines(conn, run.id, only_changed=bool(earlier))
    _check(cancelled)
    write_amounts(conn)
    if progress:
        progress(len(comp.cases), len(comp.cases), "写入发放记录")
    queue_changed(conn)
    unstage(conn)
    _check(cancelled)
    report = _with_message(_report(day, comp, changed, run_id=run.id), earlier or 0)
    uow.audit(
        "monthly_benefit_run",
        "benefit_run",
        run.id,
        report.message,
        {"month": day, "counts": report.counts, "skipped": len(comp.skipped)},
    )
    return report


def _with_message(report: RunReport, earlier: int) -> RunReport:
    return replace(report, message=_message(report, earlier))


def _start_run(
    s: Session,
    actor: Actor,
    day: date,
    earlier: int,
    started: datetime,
    comp: _Computed,
    changed: list[BenefitChange],
) -> BenefitRun:
    run = BenefitRun(
        month=day,
        seq=earlier + 1,
        supplementary=bool(earlier),
        started_at=started,
        finished_at=datetime.now().replace(microsecond=0),
        user_id=actor.user_id,
        actor_name=actor.display_name,
        office_id=actor.office_id,
        cases=len(comp.results),
        changed=len(changed),
        counts=_counts(comp.results),
        total_old=_total_old(comp),
        total_new=sum((r.new for r in comp.results), Decimal("0.00")),
        skipped=[list(x) for x in comp.skipped],
    )
    s.add(run)
    s.flush()
    return run


def settle_demo_amounts(store: Store, month: date | None = None) -> int:
    """Demo seeding only: give every demo case in payment its computed amount, written as
    already-synced data (no outbox, no audit, not dirty). Returns the number of cases."""
    day = (month or date.today()).replace(day=1)
    policy = load_policy(store)
    with _gc_paused(), store.sessions.write() as s, _big_cache(s):
        comp = _compute(s, day, policy, None, None)
        _stage(s, comp)
        write_amounts(s.connection(), mark_dirty=False)
        unstage(s.connection())
    return len(comp.results)
