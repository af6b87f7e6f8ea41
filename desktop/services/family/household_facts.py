"""Store-to-facts mapping: the policy engine's ``Household`` for a stored family and benefit
month (persons, 3-month income look-back, assets, policy facts), one family or many at once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.calendar import month_start
from desktop.domain.household import MemberFacts, membership
from desktop.domain.policy import codes
from desktop.domain.policy.household import Dwelling, Household, IncomeItem, Member, Vehicle
from desktop.errors import NotFound, ValidationError
from desktop.store.store import Store

# The store keeps the engine's own codes (desktop.domain.household reuses them), with "" for
# "none"; these tables only translate that blank and the sex letter, and name any stored value
# the engine would not know (data synced from an older or foreign desk).
EMPLOYMENT: dict[str, str] = {"": "unemployed", **{k: k for k in codes.EMPLOYMENT}}
STUDENT: dict[str, str] = {"": "none", **{k: k for k in codes.STUDENT}}
SEX = {"M": "male", "F": "female"}
INCOME_KIND: dict[str, str] = {k: k for k in codes.INCOME_KINDS}
VEHICLE_PURPOSE: dict[str, str] = {"": "other", **{k: k for k in codes.VEHICLE_PURPOSES}}
LIQUID = frozenset({"cash", "deposit", "securities"})

_PERSONS = (
    "SELECT household_id, id, name, sex, birth_date, relation, non_member_reason, "
    "lives_with_family, student_level, work_capacity, disability_type, disability_level, "
    "illness_class, employment, self_care_failed, supporter, found_work_on "
    "FROM persons WHERE deleted = 0 AND {scope} ORDER BY rowid"
)
_INCOMES = (
    "SELECT household_id, person_id, kind, month, amount FROM income_items "
    "WHERE deleted = 0 AND month < :until AND month >= :since AND {scope}"
)
# The benefit run's form: one row per person and kind, summed over the look-back window and
# dated by its latest month (the engine only sums the months of the window). A negative row
# is passed on as such, so the engine's validation refuses the family exactly as it would.
_INCOME_SUMS = (
    "SELECT household_id, person_id, kind, max(month), "
    "CASE WHEN min(amount) < 0 THEN min(amount) ELSE sum(amount) END FROM income_items "
    "WHERE deleted = 0 AND month < :until AND month >= :since AND {scope} "
    "GROUP BY household_id, person_id, kind"
)
_ASSETS = (
    "SELECT household_id, kind, amount, vehicle_purpose, floor_area FROM assets "
    "WHERE deleted = 0 AND {scope}"
)
_HOUSEHOLDS = (
    "SELECT h.id, h.setting, h.single_parent, h.childless, h.family_planning_support, "
    "h.rigid_spending, o.region_code FROM households h JOIN offices o ON o.id = h.hukou_office_id "
    "WHERE h.deleted = 0 AND {hscope}"
)


def fen(value: int | None) -> Decimal:
    """A stored fen count as a 2-place Decimal."""
    return Decimal(value or 0).scaleb(-2)


@dataclass
class _Family:
    """Facts gathered for one household before the engine's Household is built."""

    members: list[Member] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # person id → member id
    applicant: str = ""
    incomes: list[tuple[str | None, str, date, Decimal]] = field(default_factory=list)
    liquid: list[tuple[str, Decimal]] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    dwellings: list[Dwelling] = field(default_factory=list)
    error: ValidationError | None = None


def _code(table: dict[str, str], value: str | None, who: str, label: str) -> str:
    """Look a store code up; ``who`` is the member's name ("" for household-level fields)."""
    try:
        return table[value or ""]
    except KeyError:
        known = "、".join(k for k in table if k)
        field = f"家庭成员 {who} 的{label}" if who else label
        raise ValidationError(
            field, f"无法识别“{value}”（可填：{known}）", "unknown_code"
        ) from None


@lru_cache(maxsize=4096)
def _iso(value: str) -> date:
    return date.fromisoformat(value[:10])


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return _iso(str(value))


def _json_list(value: Any) -> list[Any]:
    if value is None or value == "" or value == "[]":
        return []
    return list(json.loads(value) if isinstance(value, str) else value)


_NO_ACTIVITIES: frozenset[str] = frozenset()


def _is_member(r: Any, birth: date, month: date) -> bool:
    if r[6]:
        return False  # a recorded non-member reason (prisoner, conscript, …)
    if r[5] in ("applicant", "spouse") or r[7]:
        return True  # membership() counts everyone living with the family
    facts = MemberFacts(r[5], birth, bool(r[7]), r[8] or "", r[9], "")
    return membership(facts, month)[0]


def _member(r: Any, month: date, member_id: str) -> Member | None:
    """One person row as an engine Member, or None when not a member in ``month``."""
    birth = r[4] if isinstance(r[4], date) else date.fromisoformat(r[4][:10])
    if not _is_member(r, birth, month):
        return None
    who = r[2]
    self_care = r[14]
    return Member(
        id=member_id,
        relation=r[5],
        sex=SEX.get(r[3]) or _code(SEX, r[3], who, "性别"),
        birth_date=birth,
        disability_type=r[10] or None,
        disability_level=r[11],
        illness=r[12] or None,
        work_capacity=r[9],
        student=STUDENT.get(r[8] or "") or _code(STUDENT, r[8], who, "在校情况"),
        employment=EMPLOYMENT.get(r[13] or "")
        or _code(EMPLOYMENT, (r[13] or "").strip(), who, "就业情况"),
        self_care_failed=_NO_ACTIVITIES
        if self_care in (None, "", "[]")
        else frozenset(_json_list(self_care)),
        supporter=r[15] or "able",
        found_work_on=_date(r[16]),
    )


def _add_person(fam: _Family, r: Any, month: date) -> None:
    name = r[2]
    member_id = name if name not in fam.ids.values() else f"{name}（{len(fam.ids) + 1}）"
    m = _member(r, month, member_id)
    if m is None:
        return
    fam.members.append(m)
    fam.ids[r[1]] = member_id
    if m.relation == "applicant":
        fam.applicant = member_id


def _add_asset(fam: _Family, r: Any) -> None:
    kind, amount, purpose, area = r[1], fen(r[2]), r[3], r[4]
    if kind in LIQUID:
        fam.liquid.append((kind, amount))
    elif kind == "vehicle":
        fam.vehicles.append(Vehicle(_code(VEHICLE_PURPOSE, purpose, "", "车辆用途")))
    elif kind in ("dwelling", "nonresidential"):
        fam.dwellings.append(Dwelling(fen(area), kind == "dwelling"))
    # "other" property (jewellery, …) has no rule of its own in the engine: not counted.


def _rigid(value: Any) -> tuple[tuple[str, Decimal], ...]:
    if value in (None, "", "[]"):
        return ()
    return tuple((str(i["kind"]), Decimal(str(i["amount"]))) for i in _json_list(value))


def _build(fam: _Family, h: Any) -> Household:
    incomes = []
    for person_id, kind, month, amount in fam.incomes:
        member_id = fam.ids.get(person_id) if person_id else fam.applicant
        if member_id is None:
            continue  # income of someone who is not a member that month is not counted
        engine_kind = INCOME_KIND.get(kind) or _code(INCOME_KIND, kind, "", "收入类别")
        incomes.append(IncomeItem(member_id, month, engine_kind, amount))
    return Household(
        members=tuple(fam.members),
        incomes=tuple(incomes),
        liquid_assets=tuple(fam.liquid),
        vehicles=tuple(fam.vehicles),
        dwellings=tuple(fam.dwellings),
        rigid_spending=_rigid(h[5]),
        setting=h[1] or "urban",
        district=h[6] or None,
        single_parent=bool(h[2]),
        childless=bool(h[3]),
        family_planning_support=bool(h[4]),
    )


def collect_households(
    session: Session,
    scope: str | None,
    params: dict[str, Any],
    month: date,
    *,
    income_month: date | None = None,
    lookback: int | None = None,
    only: set[str] | None = None,
    sum_months: bool = False,
) -> tuple[dict[str, Household], dict[str, ValidationError]]:
    """Households whose id is in the SQL ``scope`` (a sub-select or ``:hid``) as engine facts
    for ``month``, and the families whose stored data cannot be mapped (with the error).

    ``scope`` None reads every household and keeps those in ``only`` (cheaper than an SQL
    filter when most households are wanted). ``sum_months`` gives one income item per person
    and kind summed over the window instead of one per month: the same engine totals when
    every family's own look-back equals ``lookback`` (the monthly run checks that)."""
    day = month.replace(day=1)
    ref = (income_month or day).replace(day=1)
    since = month_start(ref, -lookback) if lookback else date(1900, 1, 1)
    where = f"household_id IN ({scope})" if scope else "1 = 1"
    hwhere = f"h.id IN ({scope})" if scope else "1 = 1"
    wanted = only if scope is None else None
    fams: dict[str, _Family] = {}
    raw = session.connection().connection

    def run(sql: str, args: dict[str, Any]) -> list[Any]:
        # Plain DB-API rows: no result-object overhead on hundreds of thousands of rows.
        cursor = raw.cursor()
        try:
            return cursor.execute(sql.format(scope=where, hscope=hwhere), args).fetchall()
        finally:
            cursor.close()

    for r in run(_PERSONS, params):
        fam = fams.get(r[0])
        if fam is None:
            if wanted is not None and r[0] not in wanted:
                continue
            fam = fams[r[0]] = _Family()
        try:
            _add_person(fam, r, day)
        except ValidationError as exc:
            fam.error = fam.error or exc
    window = {**params, "until": ref.isoformat(), "since": since.isoformat()}
    for r in run(_INCOME_SUMS if sum_months and lookback else _INCOMES, window):
        if r[0] in fams:
            fams[r[0]].incomes.append((r[1], r[2], _date(r[3]), fen(r[4])))  # type: ignore[arg-type]
    for r in run(_ASSETS, params):
        if r[0] in fams:
            try:
                _add_asset(fams[r[0]], r)
            except ValidationError as exc:
                fams[r[0]].error = fams[r[0]].error or exc
    out: dict[str, Household] = {}
    errors: dict[str, ValidationError] = {}
    for h in run(_HOUSEHOLDS, params):
        fam = fams.get(h[0])
        if fam is None:
            if wanted is not None and h[0] not in wanted:
                continue
            errors[h[0]] = ValidationError("家庭成员", "该家庭没有登记成员", "required")
            continue
        try:
            if fam.error is not None:
                raise fam.error
            out[h[0]] = _build(fam, h)
        except ValidationError as exc:
            errors[h[0]] = exc
    return out, errors


def facts_from_rows(
    persons: list[tuple[Any, ...]],
    incomes: list[tuple[Any, ...]],
    assets: list[tuple[Any, ...]],
    household: tuple[Any, ...],
    month: date,
) -> Household:
    """The engine facts of one family for the benefit ``month`` from its rows as the store
    reads them (tuples in the column order of the statements above: persons in the order
    they were written, incomes without the look-back filter, money as fen): what
    ``household_facts`` gives once those rows are stored (bulk demo seeding proves it);
    raises ValidationError as it does."""
    day = month.replace(day=1)
    if not persons:
        raise ValidationError("家庭成员", "该家庭没有登记成员", "required")
    fam = _Family()
    for r in persons:
        try:
            _add_person(fam, r, day)
        except ValidationError as exc:
            fam.error = fam.error or exc
    fam.incomes = [(r[1], r[2], _date(r[3]), fen(r[4])) for r in incomes if r[3] < day]  # type: ignore[misc]
    for r in assets:
        try:
            _add_asset(fam, r)
        except ValidationError as exc:
            fam.error = fam.error or exc
    if fam.error is not None:
        raise fam.error
    return _build(fam, household)


def household_facts(
    store_or_session: Store | Session,
    household_id: str,
    month: date,
    *,
    income_month: date | None = None,
) -> Household:
    """The engine facts of one stored household for the benefit ``month``: members as of that
    month (age, sex, relation, disability, illness, work capacity, student, employment,
    self-care, supporter), income of the months before ``income_month`` (default ``month``),
    liquid assets, vehicles, dwellings and the household's policy facts."""
    if isinstance(store_or_session, Store):
        with store_or_session.sessions.read() as s:
            return household_facts(s, household_id, month, income_month=income_month)
    found, errors = collect_households(
        store_or_session, ":hid", {"hid": household_id}, month, income_month=income_month
    )
    if household_id in errors:
        raise errors[household_id]
    if household_id not in found:
        raise NotFound("该家庭不存在或已删除")
    return found[household_id]
