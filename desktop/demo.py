"""Deterministic demo data: realistic Tianjin households (valid IDs, real districts), 50–200,000 persons.

Demo rows are written in bulk as if already pulled from the municipal system (rev 1, not dirty),
so seeding a city-scale store takes minutes, not the days one service call per row would
(``seed``: parts streamed through the driver; ``seed_plain``: the reference it is tested against).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from desktop.demo_amounts import MONTHLY, Rewalk, at_engine, confirm_at_engine_amounts
from desktop.demo_bulk import bulk_insert, seeding_cache
from desktop.demo_data import (
    BIRTH_REGIONS,
    COMMUNITY_NAMES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    OFFICES,
    PASSWORDS,
    ROADS,
    SURNAMES,
)
from desktop.demo_support import seed_support
from desktop.demo_workflow import (
    DemoIds,
    ReserveFund,
    demo_case_rows,
    insert_case_events,
    plan_demo_case,
    staff_names,
    step_dates,
    walk_demo_case,
    walk_planned,
)
from desktop.domain.household import address_key
from desktop.domain.ids import check_char
from desktop.domain.policy.household import Household as EngineHousehold
from desktop.domain.policy.tables import PolicySet
from desktop.errors import DeskError
from desktop.pinyin import given_name, name_keys
from desktop.services.accounts.auth import OfficeInput, create_user, first_run
from desktop.services.base import Actor
from desktop.services.family.household_facts import facts_from_rows
from desktop.services.payment.benefits import settle_demo_amounts
from desktop.services.policy.policy_admin import load_policy
from desktop.store.keys import DEFAULT_KDF, KdfParams
from desktop.store.models import (
    Application,
    Asset,
    Fixed2,
    Household,
    IncomeItem,
    Office,
    Person,
    new_id,
)
from desktop.store.store import Store
from desktop.store.workflow_models import ReserveFundEntry

HOME_OFFICE_CODE = "120103001"  # 河西区友谊路街道, the demo's own office

DEMO_TYPES = [
    ("dibao", 60),
    ("bianyuan", 14),
    ("tekun", 10),
    ("linshi_jinan", 5),
    ("linshi_zhichu", 5),
    ("gangxing", 6),
]
DEMO_STATES = [
    ("new", 8),
    ("accepted", 6),
    ("investigating", 10),
    ("preliminary_review", 6),
    ("in_notice", 6),
    ("confirming", 6),
    ("paying", 8),
    ("archived", 45),
    ("refused", 3),
    ("withdrawn", 2),
]


def office_rows() -> list[dict[str, Any]]:
    """Every demo street office with a stable code."""
    rows = []
    for district, region, streets in OFFICES:
        for i, street in enumerate(streets, start=1):
            rows.append(
                {
                    "code": f"{region}{i:03d}",
                    "name": f"{district}{street}",
                    "district": district,
                    "region_code": region,
                    "phone": f"022-{random.Random(region + street).randint(23000000, 28999999)}",
                    "address": f"天津市{district}{street}社会救助窗口",
                }
            )
    return rows


@dataclass
class _Gen:
    rng: random.Random
    today: date
    used_ids: set[str]

    def id_number(self, born: date, male: bool) -> str:
        while True:
            seq = self.rng.randint(0, 99) * 10 + self.rng.choice(
                [1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8]
            )
            first17 = f"{self.rng.choice(BIRTH_REGIONS)}{born:%Y%m%d}{seq:03d}"
            number = first17 + check_char(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def name(self, male: bool, surname: str | None = None) -> str:
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        given = self.rng.choice(pool) + (self.rng.choice(pool) if self.rng.random() < 0.7 else "")
        return (surname or self.rng.choice(SURNAMES)) + given

    def born(self, age_min: int, age_max: int) -> date:
        age = self.rng.randint(age_min, age_max)
        return date(self.today.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))


def _family_shape(rng: random.Random) -> list[tuple[str, bool, int, int]]:
    """(relation, male, min age, max age) per member for one of the common case shapes."""
    shape = rng.choices(
        [
            "elderly_single",
            "elderly_couple",
            "single_parent",
            "couple_kids",
            "disabled_adult",
            "three_gen",
        ],
        weights=[24, 16, 18, 22, 12, 8],
    )[0]
    male = rng.random() < 0.5
    if shape == "elderly_single":
        return [("applicant", male, 62, 92)]
    if shape == "elderly_couple":
        return [("applicant", True, 63, 88), ("spouse", False, 60, 86)]
    if shape == "single_parent":
        kids = [("child", rng.random() < 0.5, 3, 17) for _ in range(rng.choice([1, 1, 2]))]
        return [("applicant", male, 30, 50), *kids]
    if shape == "couple_kids":
        kids = [("child", rng.random() < 0.5, 1, 22) for _ in range(rng.choice([1, 2, 2, 3]))]
        return [("applicant", True, 32, 55), ("spouse", False, 30, 53), *kids]
    if shape == "disabled_adult":
        return [("applicant", male, 20, 59)]
    return [
        ("applicant", True, 40, 58),
        ("spouse", False, 38, 56),
        ("parent", rng.random() < 0.5, 68, 90),
        ("child", rng.random() < 0.5, 5, 20),
    ]


@dataclass
class _Family:
    """The rows of one generated family before its case is walked."""

    household: dict[str, Any]
    persons: list[dict[str, Any]]
    incomes: list[dict[str, Any]]
    assets: list[dict[str, Any]]
    applicant_id: str
    walk: WalkArgs
    filed: dict[str, Any]
    hukou: dict[str, Any]


WalkArgs = tuple[str, str, str, str, str, str, date, str]


def _family(
    rng: random.Random, gen: _Gen, ids: DemoIds, offices: list[dict[str, Any]], home: dict[str, Any]
) -> _Family:
    """One family's household, persons, incomes and assets and its case's walk (the draws of
    one family up to its walk, in their order)."""
    out: dict[str, list[dict[str, Any]]] = {
        "households": [],
        "persons": [],
        "income_items": [],
        "assets": [],
    }
    residence = home if rng.random() < 0.35 else rng.choice(offices)
    hukou = residence if rng.random() < 0.8 else rng.choice(offices)
    district = residence["district"]
    road = rng.choice(ROADS.get(district, ["建设路"]))
    address = f"{district}{residence['name'].removeprefix(district)}{road}{rng.randint(1, 300)}号{rng.randint(1, 12)}-{rng.randint(1, 6)}0{rng.randint(1, 4)}"
    hid = ids.row()
    phone = f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}"
    community = rng.choice(COMMUNITY_NAMES[:8] if residence is home else COMMUNITY_NAMES) + "社区"
    out["households"].append(
        {
            "id": hid,
            "rev": 1,
            "dirty": False,
            "deleted": False,
            "residence_office_id": residence["id"],
            "hukou_office_id": hukou["id"],
            "community": community,
            "address": "天津市" + address,
            "hukou_address": "天津市" + address if hukou is residence else f"天津市{hukou['name']}",
            "phone": phone,
            "address_key": address_key(address),
            "note": "",
        }
    )
    surname = rng.choice(SURNAMES)
    applicant_id = ""
    applicant_name = ""
    members = _family_shape(rng)
    for index, (relation, male, lo, hi) in enumerate(members):
        born = gen.born(lo, hi)
        name = gen.name(
            male, surname if relation in ("applicant", "child") and index != 1 else None
        )
        full, initials = name_keys(name)
        pid = ids.row()
        applicant_id = pid if relation == "applicant" else applicant_id
        applicant_name = name if relation == "applicant" else applicant_name
        age = gen.today.year - born.year
        disabled = rng.random() < (0.5 if len(members) == 1 and age < 60 else 0.12)
        dtype = (
            rng.choice(["physical", "visual", "intellectual", "mental", "hearing"])
            if disabled
            else ""
        )
        illness = (
            rng.choice(["", "", "chronic_listed", "malignant_tumor", "uremia"])
            if rng.random() < 0.15
            else ""
        )
        capacity = (
            "none"
            if age >= 60 or (disabled and rng.random() < 0.6) or age < 16
            else rng.choice(["full", "full", "partial"])
        )
        out["persons"].append(
            {
                "id": pid,
                "rev": 1,
                "dirty": False,
                "deleted": False,
                "household_id": hid,
                "name": name,
                "name_pinyin": full,
                "name_initials": initials,
                "name_given": given_name(name),
                "id_number": gen.id_number(born, male),
                "sex": "M" if male else "F",
                "birth_date": born,
                "relation": relation,
                "is_member": True,
                "non_member_reason": "",
                "phone": phone if relation == "applicant" else "",
                "disability_type": dtype,
                "disability_level": rng.randint(1, 4) if disabled else None,
                "illness_class": illness,
                "work_capacity": capacity,
                "student_level": "bachelor" if relation == "child" and age >= 18 else "",
                "employment": rng.choice(["self_employed", "employed", "unemployed"])
                if capacity == "full"
                else "",
                "lives_with_family": True,
            }
        )
        for months_back in (3, 2, 1):
            if capacity == "none" and age < 60:
                continue
            kind, base = (
                ("transfer", rng.randint(900, 2600))
                if age >= 60
                else ("wage", rng.randint(600, 2400))
            )
            if kind == "wage" and capacity != "full":
                continue
            month = (gen.today.replace(day=1) - timedelta(days=28 * months_back)).replace(day=1)
            out["income_items"].append(
                {
                    "id": ids.row(),
                    "rev": 1,
                    "dirty": False,
                    "deleted": False,
                    "household_id": hid,
                    "person_id": pid,
                    "kind": kind,
                    "month": month,
                    "amount": Decimal(base + rng.randint(-50, 50)),
                    "note": "",
                }
            )
    out["assets"].append(
        {
            "id": ids.row(),
            "rev": 1,
            "dirty": False,
            "deleted": False,
            "household_id": hid,
            "kind": "deposit",
            "amount": Decimal(rng.randint(0, 30000)),
            "vehicle_purpose": "",
            "floor_area": None,
            "note": "",
        }
    )
    out["assets"].append(
        {
            "id": ids.row(),
            "rev": 1,
            "dirty": False,
            "deleted": False,
            "household_id": hid,
            "kind": "dwelling",
            "amount": Decimal(0),
            "vehicle_purpose": "",
            "floor_area": Decimal(rng.randint(28, 75)),
            "note": "自有住房",
        }
    )
    atype = rng.choices([t for t, _ in DEMO_TYPES], weights=[w for _, w in DEMO_TYPES])[0]
    state = rng.choices([s for s, _ in DEMO_STATES], weights=[w for _, w in DEMO_STATES])[0]
    filed = rng.choice([residence, hukou])
    app_id = ids.row()
    walk: WalkArgs = (app_id, atype, state, residence["code"], hukou["code"], filed["code"],
                      gen.today, applicant_name)  # fmt: skip
    return _Family(out["households"][0], out["persons"], out["income_items"], out["assets"],
                   applicant_id, walk, filed, hukou)  # fmt: skip


def _application(
    rng: random.Random, fam: _Family, cols: dict[str, Any], app_seq: dict[str, int]
) -> dict[str, Any]:
    """The family's application row once its case is walked (the family's last draws)."""
    app_id, atype = fam.walk[0], fam.walk[1]
    key = f"{fam.filed['code']}-{cols['applied_on'].year}"
    app_seq[key] = app_seq.get(key, 0) + 1
    h = fam.household
    return {
        "id": app_id,
        "rev": 1,
        "dirty": False,
        "deleted": False,
        "number": f"{key}-{app_seq[key]:05d}",
        "household_id": h["id"],
        "applicant_id": fam.applicant_id,
        "assistance_type": atype,
        "channel": rng.choice(
            ["window", "window", "window", "hotline", "12345", "wechat", "portal"]
        ),
        "filed_at_office_id": fam.filed["id"],
        "residence_office_id": h["residence_office_id"],
        "hukou_office_id": h["hukou_office_id"],
        "proxy_name": "",
        "proxy_authorised": False,
        "staff_relative": rng.random() < 0.01,
        "reason": "家庭收入低，生活困难",
        "assessment": {},
        **cols,
    }


def generate(
    seed: int,
    households: int,
    offices: list[dict[str, Any]],
    today: date | None = None,
    *,
    ids: DemoIds | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Plain rows for ``households`` families (deterministic for a seed; the ids too when
    ``ids`` is seeded), each case walked once with a plausible amount."""
    rng = random.Random(seed)
    ids = ids or DemoIds()
    gen = _Gen(rng, today or date.today(), set())
    home = next(o for o in offices if o["code"] == HOME_OFFICE_CODE)
    out: dict[str, list[dict[str, Any]]] = {
        "households": [],
        "persons": [],
        "income_items": [],
        "assets": [],
        "applications": [],
        "case_events": [],
    }
    names = staff_names(home["code"])
    app_seq: dict[str, int] = {}
    walks: list[dict[str, Any]] = []
    for _ in range(households):
        fam = _family(rng, gen, ids, offices, home)
        out["households"].append(fam.household)
        out["persons"].extend(fam.persons)
        out["income_items"].extend(fam.incomes)
        out["assets"].extend(fam.assets)
        walks.append({"application_id": fam.walk[0], "state": rng.getstate(),
                      "rewalk": _rewalk(fam.walk, names, gen.today)})  # fmt: skip
        case, events = walk_demo_case(rng, *fam.walk)
        case_cols, event_rows = demo_case_rows(fam.walk[0], case, events, names, gen.today)
        out["case_events"].extend(event_rows)
        out["applications"].append(_application(rng, fam, case_cols, app_seq))
    fund = ReserveFund(offices, ids)
    fund.add(out["case_events"])
    out["reserve_fund_entries"] = fund.rows()
    out["walks"] = walks
    return out


def _rewalk(args: WalkArgs, names: dict[tuple[str, str], str], today: date) -> Rewalk:
    """The same case walked again, confirming ``amount`` (see ``confirm_at_engine_amounts``)."""

    def again(rng: random.Random, amount: Decimal) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        case, events = walk_demo_case(rng, *args, amount=amount)
        return demo_case_rows(args[0], case, events, names, today)

    return again


def store_offices(store: Store) -> list[dict[str, Any]]:
    """The offices of the store as the generator takes them."""
    with store.sessions.read() as s:
        return [
            {"id": o.id, "code": o.code, "name": o.name, "district": o.district,
             "region_code": o.region_code}
            for o in s.scalars(select(Office))
        ]  # fmt: skip


TABLES = (
    ("households", Household),
    ("persons", Person),
    ("income_items", IncomeItem),
    ("assets", Asset),
    ("applications", Application),
    ("reserve_fund_entries", ReserveFundEntry),
)


def seed_plain(
    store: Store,
    households: int,
    seed_value: int = 20261129,
    batch: int = 20000,
    *,
    id_seed: int | None = None,
    today: date | None = None,
) -> dict[str, int]:
    """The reference seeding (``seed`` writes the same rows): every row generated first, the
    families stored through the ORM, each confirmed monthly case walked again at the
    engine's amount computed from the stored family, then the cases and their events."""
    offices = store_offices(store)
    ids = DemoIds(id_seed)
    rows = generate(seed_value, households, offices, today, ids=ids)
    policy = load_policy(store)
    with store.sessions.write() as s:
        for name, model in TABLES:
            if name == "applications":
                # The families are stored: confirm each monthly case at the engine's amount.
                rewalks = {w["application_id"]: (w["state"], w["rewalk"]) for w in rows["walks"]}
                rows["case_events"] = confirm_at_engine_amounts(
                    s, policy, rows["applications"], rows["case_events"], rewalks
                )
            data = rows[name]
            for start in range(0, len(data), batch):
                s.execute(insert(model), data[start : start + batch])
        insert_case_events(s, rows["case_events"], ids)
    # Cases in payment get the amount the policy engine computes for this month.
    settle_demo_amounts(store, today)
    return {name: len(rows[name]) for name in (*(t for t, _ in TABLES), "case_events")}


def seed(
    store: Store,
    households: int,
    seed_value: int = 20261129,
    part: int = 5000,
    *,
    id_seed: int | None = None,
    today: date | None = None,
) -> dict[str, int]:
    """Insert demo households into the store (offices must exist); returns counts per table.

    The rows of ``seed_plain``, written ``part`` families at a time in one transaction: each
    case is walked once, at the engine's amount computed from the family's own rows in
    memory, and the rows go to the driver in bulk (tests/core/test_demo_seeding.py)."""
    offices = store_offices(store)
    ids = DemoIds(id_seed)
    policy = load_policy(store)
    counts = dict.fromkeys((*(t for t, _ in TABLES), "case_events"), 0)
    with store.sessions.write() as s:
        conn = s.connection()
        with seeding_cache(conn):
            for rows in generate_parts(
                seed_value, households, offices, policy, today, ids=ids, part=part
            ):
                for name, model in TABLES:
                    bulk_insert(conn, model.__table__, rows.get(name, []))  # type: ignore[arg-type]
                insert_case_events(s, rows.get("case_events", []), ids)
                for name, data in rows.items():
                    counts[name] += len(data)
    settle_demo_amounts(store, today)
    return counts


def generate_parts(
    seed: int,
    households: int,
    offices: list[dict[str, Any]],
    policy: PolicySet,
    today: date | None = None,
    *,
    ids: DemoIds,
    part: int = 5000,
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """The rows ``seed_plain`` stores, ``part`` families at a time (tables in the order they
    are written), the reserve fund last: the draws of ``generate``, each monthly case
    confirmed at the engine's amount in its first walk."""
    rng = random.Random(seed)
    gen = _Gen(rng, today or date.today(), set())
    home = next(o for o in offices if o["code"] == HOME_OFFICE_CODE)
    names = staff_names(home["code"])
    regions = {o["id"]: o["region_code"] for o in offices}
    fund = ReserveFund(offices, ids)
    app_seq: dict[str, int] = {}
    out = _no_rows()
    for n in range(1, households + 1):
        fam = _family(rng, gen, ids, offices, home)
        out["households"].append(fam.household)
        out["persons"].extend(fam.persons)
        out["income_items"].extend(fam.incomes)
        out["assets"].extend(fam.assets)
        case_cols, event_rows = _walk_at_engine(rng, fam, policy, regions, names)
        out["case_events"].extend(event_rows)
        out["applications"].append(_application(rng, fam, case_cols, app_seq))
        if n % part == 0 or n == households:
            fund.add(out["case_events"])
            yield out
            out = _no_rows()
    yield {"reserve_fund_entries": fund.rows()}


def _no_rows() -> dict[str, list[dict[str, Any]]]:
    names = ("households", "persons", "income_items", "assets", "applications", "case_events")
    return {name: [] for name in names}


def _walk_at_engine(
    rng: random.Random,
    fam: _Family,
    policy: PolicySet,
    regions: dict[str, str],
    names: dict[tuple[str, str], str],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Walk the family's case once, confirming a monthly case at the engine's amount for its
    decision month (what ``seed_plain`` gets by walking it a second time), else as walked."""
    app_id, kind, target, residence, hukou, filed, today, applicant = fam.walk
    plan, start = plan_demo_case(rng, kind, target, today)
    programme = MONTHLY.get(kind)
    decided = [
        d for (a, _), d in zip(plan, step_dates(plan, start, today), strict=True) if a == "confirm"
    ]
    found = None
    if programme is not None and decided:
        month = decided[-1].replace(day=1)
        found = at_engine(lambda: _facts(fam, regions, month), month, policy, programme)
    walk = (plan, start, app_id, kind, residence, hukou, filed, today, applicant)
    case = None
    if found is not None:
        state = rng.getstate()
        try:
            case, events = walk_planned(rng, *walk, amount=found[0])
        except DeskError:  # as in seed_plain: the case keeps the amount it was walked with
            rng.setstate(state)
            found = None
    if case is None or found is None:
        case, events = walk_planned(rng, *walk)
    confirmed = case.decision_on is not None and case.approved_amount is not None
    if programme is not None and (
        confirmed != bool(decided) or (decided and case.decision_on != decided[-1])
    ):
        raise RuntimeError(f"演示数据：案件 {app_id} 的决定日期与计划不符")
    cols, rows = demo_case_rows(app_id, case, events, names, today)
    if found is not None:
        cols["assessment"] = found[1]
    return cols, rows


def _facts(fam: _Family, regions: dict[str, str], month: date) -> EngineHousehold:
    """The family's engine facts from its rows as the store would read them back."""
    h = fam.household
    persons = [
        (h["id"], p["id"], p["name"], p["sex"], p["birth_date"], p["relation"],
         p["non_member_reason"], p["lives_with_family"], p["student_level"], p["work_capacity"],
         p["disability_type"], p["disability_level"], p["illness_class"], p["employment"],
         "[]", "able", None)  # the model's defaults of self_care_failed, supporter, found_work_on
        for p in fam.persons
    ]  # fmt: skip
    incomes = [
        (h["id"], i["person_id"], i["kind"], i["month"], _fen(i["amount"])) for i in fam.incomes
    ]
    assets = [
        (h["id"], a["kind"], _fen(a["amount"]), a["vehicle_purpose"], _fen(a["floor_area"]))
        for a in fam.assets
    ]
    # setting, single parent, childless, family planning, rigid spending: the model's defaults
    household = (h["id"], "urban", False, False, False, "[]", regions[h["hukou_office_id"]])
    return facts_from_rows(persons, incomes, assets, household, month)


def _fen(value: Decimal | None) -> int | None:
    return Fixed2().process_bind_param(value, None)


def create_demo_store(
    data_dir: Path,
    households: int,
    *,
    kdf: KdfParams = DEFAULT_KDF,
    seed_value: int = 20261129,
    visits: bool = False,
) -> tuple[Store, Actor]:
    """A new store with every demo office, the four demo users (see README) and demo households;
    ``visits`` adds demo 巡访 visits and problems (the program's demo; tests start without)."""
    all_offices = office_rows()
    home = next(o for o in all_offices if o["code"] == HOME_OFFICE_CODE)
    display, _role, password = PASSWORDS["admin"]
    store, admin = first_run(
        data_dir,
        office=OfficeInput(**home),
        admin_username="admin",
        admin_password=password,
        admin_display_name=display,
        kdf=kdf,
    )
    with store.sessions.write() as s:
        s.execute(
            insert(Office),
            [
                {"id": new_id(), "rev": 1, "dirty": False, "deleted": False, **o}
                for o in all_offices
                if o["code"] != HOME_OFFICE_CODE
            ],
        )
    for username, (display, role, password) in PASSWORDS.items():
        if username != "admin":
            create_user(
                store,
                admin,
                username=username,
                display_name=display,
                role=role,
                password=password,
                kdf=kdf,
            )
    if households:
        seed(store, households, seed_value)
        _assign_demo_coordinators(store, admin)
        seed_support(store, admin)
        if visits:
            from desktop.demo_visits import seed_visits

            seed_visits(store)
    return store, admin


def _assign_demo_coordinators(store: Store, admin: Actor) -> None:
    """Demo coordinators serve every community of the demo office."""
    from desktop.services.accounts.auth import list_users
    from desktop.services.family.search import communities
    from desktop.services.outreach.coordinators import assign_communities

    names = communities(store)
    for user in list_users(store):
        if user.role == "coordinator":
            assign_communities(store, admin, user.id, names)
