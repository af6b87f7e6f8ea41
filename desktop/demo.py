"""Deterministic demo data: realistic Tianjin households (valid IDs, real districts), 50–200,000 persons.

Demo rows are written in bulk as if already pulled from the municipal system (rev 1, not dirty),
so seeding a city-scale store takes seconds, not the hours one service call per row would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from desktop.demo_amounts import Rewalk, confirm_at_engine_amounts
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
    demo_case_rows,
    insert_case_events,
    reserve_fund_rows,
    staff_names,
    walk_demo_case,
)
from desktop.domain.household import address_key
from desktop.domain.ids import check_char
from desktop.pinyin import given_name, name_keys
from desktop.services.accounts.auth import OfficeInput, create_user, first_run
from desktop.services.base import Actor
from desktop.services.payment.benefits import settle_demo_amounts
from desktop.services.policy.policy_admin import load_policy
from desktop.store.keys import DEFAULT_KDF, KdfParams
from desktop.store.models import Application, Asset, Household, IncomeItem, Office, Person, new_id
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


def generate(
    seed: int, households: int, offices: list[dict[str, Any]], today: date | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Plain rows for ``households`` families (deterministic for a seed)."""
    rng = random.Random(seed)
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
        residence = home if rng.random() < 0.35 else rng.choice(offices)
        hukou = residence if rng.random() < 0.8 else rng.choice(offices)
        district = residence["district"]
        road = rng.choice(ROADS.get(district, ["建设路"]))
        address = f"{district}{residence['name'].removeprefix(district)}{road}{rng.randint(1, 300)}号{rng.randint(1, 12)}-{rng.randint(1, 6)}0{rng.randint(1, 4)}"
        hid = new_id()
        phone = f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}"
        community = (
            rng.choice(COMMUNITY_NAMES[:8] if residence is home else COMMUNITY_NAMES) + "社区"
        )
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
                "hukou_address": "天津市" + address
                if hukou is residence
                else f"天津市{hukou['name']}",
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
            pid = new_id()
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
                        "id": new_id(),
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
                "id": new_id(),
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
                "id": new_id(),
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
        app_id = new_id()
        walk_args: WalkArgs = (app_id, atype, state, residence["code"], hukou["code"], filed["code"],
                     gen.today, applicant_name)  # fmt: skip
        walks.append({"application_id": app_id, "state": rng.getstate(),
                      "rewalk": _rewalk(walk_args, names, gen.today)})  # fmt: skip
        case, events = walk_demo_case(rng, *walk_args)
        case_cols, event_rows = demo_case_rows(app_id, case, events, names, gen.today)
        out["case_events"].extend(event_rows)
        applied = case.applied_on
        key = f"{filed['code']}-{applied.year}"
        app_seq[key] = app_seq.get(key, 0) + 1
        out["applications"].append(
            {
                "id": app_id,
                "rev": 1,
                "dirty": False,
                "deleted": False,
                "number": f"{key}-{app_seq[key]:05d}",
                "household_id": hid,
                "applicant_id": applicant_id,
                "assistance_type": atype,
                "channel": rng.choice(
                    ["window", "window", "window", "hotline", "12345", "wechat", "portal"]
                ),
                "filed_at_office_id": filed["id"],
                "residence_office_id": residence["id"],
                "hukou_office_id": hukou["id"],
                "proxy_name": "",
                "proxy_authorised": False,
                "staff_relative": rng.random() < 0.01,
                "reason": "家庭收入低，生活困难",
                "assessment": {},
                **case_cols,
            }
        )
    out["reserve_fund_entries"] = reserve_fund_rows(out["case_events"], offices, gen.today)
    out["walks"] = walks
    return out


WalkArgs = tuple[str, str, str, str, str, str, date, str]


def _rewalk(args: WalkArgs, names: dict[tuple[str, str], str], today: date) -> Rewalk:
    """The same case walked again, confirming ``amount`` (see ``confirm_at_engine_amounts``)."""

    def again(rng: random.Random, amount: Decimal) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        case, events = walk_demo_case(rng, *args, amount=amount)
        return demo_case_rows(args[0], case, events, names, today)

    return again


def seed(
    store: Store, households: int, seed_value: int = 20261129, batch: int = 20000
) -> dict[str, int]:
    """Insert demo households into the store (offices must exist); returns counts per table."""
    with store.sessions.read() as s:
        offices = [
            {"id": o.id, "code": o.code, "name": o.name, "district": o.district}
            for o in s.scalars(select(Office))
        ]
    rows = generate(seed_value, households, offices)
    tables = [
        ("households", Household),
        ("persons", Person),
        ("income_items", IncomeItem),
        ("assets", Asset),
        ("applications", Application),
        ("reserve_fund_entries", ReserveFundEntry),
    ]
    policy = load_policy(store)
    with store.sessions.write() as s:
        for name, model in tables:
            if name == "applications":
                # The families are stored: confirm each monthly case at the engine's amount.
                rewalks = {w["application_id"]: (w["state"], w["rewalk"]) for w in rows["walks"]}
                rows["case_events"] = confirm_at_engine_amounts(
                    s, policy, rows["applications"], rows["case_events"], rewalks
                )
            data = rows[name]
            for start in range(0, len(data), batch):
                s.execute(insert(model), data[start : start + batch])
        insert_case_events(s, rows["case_events"])
    # Cases in payment get the amount the policy engine computes for this month.
    settle_demo_amounts(store)
    return {name: len(rows[name]) for name in (*(t for t, _ in tables), "case_events")}


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
