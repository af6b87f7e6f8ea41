"""Benchmark: 巡访 at 武清区's scale — 793 coordinators, 737 communities and villages, 7,087
targets, 78,182 visits with problems (smoke: 20 / 20 / 300 / 3,000). Times one coordinator's
plan (≤ 200 ms), the coverage report of the whole district on one desk (≤ 1 s) and the push of
visit records against the push of other records (as fast per record)."""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.common import row, timed
from desktop.demo import HOME_OFFICE_CODE, create_demo_store
from desktop.services.base import Actor, Role
from desktop.services.outreach.visit_coverage import coverage_report
from desktop.services.outreach.visits import visit_plan
from desktop.store.models import (
    Application,
    CoordinatorCommunity,
    Household,
    Office,
    Person,
    User,
    new_id,
)
from desktop.store.store import Store
from desktop.store.visit_models import HomeVisit, VisitProblem
from sync.hub import accounts
from sync.hub.config import HubSettings
from sync.hub.server import HubThread
from sync.hub_client import HubApi, new_change
from sync.transport import HttpClient
from tests.support import TEST_KDF

TODAY = date(2026, 11, 30)
FULL = {"coordinators": 793, "communities": 737, "targets": 7_087, "visits": 78_182, "push": 2_000}
SMOKE = {"coordinators": 20, "communities": 20, "targets": 300, "visits": 3_000, "push": 200}
PROBLEM_EVERY = 100  # about 1 visit in 100 finds a problem
_OK = {"basic_living": "ok", "health": "ok", "housing_safety": "ok", "heating": "ok",
       "care": "ok", "policy_awareness": "ok", "family_changes": "ok"}  # fmt: skip


def _id_number(n: int) -> str:
    return f"1202221950{n % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}X"


def build(folder: Path, scale: dict[str, int]) -> tuple[Store, Actor, Actor]:
    """A store of one district-sized office: households with a case in payment spread over
    the communities, coordinators assigned to them, a year of visits with some problems."""
    store, _ = create_demo_store(folder, 0, kdf=TEST_KDF)
    with store.sessions.read() as s:
        office = s.scalars(select(Office).where(Office.code == HOME_OFFICE_CODE)).one()
        office_id, code, name = office.id, office.code, office.name
    communities = [f"第{i + 1:03d}村（社区）" for i in range(scale["communities"])]
    homes, people, apps, visits, problems = [], [], [], [], []
    for n in range(scale["targets"]):
        hid, pid = new_id(), new_id()
        community = communities[n % len(communities)]
        homes.append({"id": hid, "residence_office_id": office_id, "hukou_office_id": office_id,
                      "community": community, "address": f"武清区{community}{n}号"})  # fmt: skip
        alone = n % 5 == 0
        people.append({"id": pid, "household_id": hid, "name": f"户主{n}", "name_pinyin": "huzhu",
                       "name_initials": "hz", "id_number": _id_number(n), "sex": "M",
                       "birth_date": date(1950 if alone else 1975, 1, 1), "relation": "applicant",
                       "disability_level": 1 if n % 7 == 0 else None})  # fmt: skip
        if not alone:
            people.append({"id": new_id(), "household_id": hid, "name": f"成员{n}",
                           "name_pinyin": "chengyuan", "name_initials": "cy",
                           "id_number": _id_number(n + 500_000), "sex": "F",
                           "birth_date": date(1978, 1, 1), "relation": "spouse"})  # fmt: skip
        apps.append({"id": new_id(), "number": f"{code}-2025-B{n:06d}", "household_id": hid,
                     "applicant_id": pid, "assistance_type": "tekun" if n % 4 == 0 else "dibao",
                     "state": "paying", "filed_at_office_id": office_id,
                     "residence_office_id": office_id, "hukou_office_id": office_id,
                     "applied_on": date(2025, 1, 2)})  # fmt: skip
    for v in range(scale["visits"]):
        home = homes[v % len(homes)]
        vid = new_id()
        on = TODAY - timedelta(days=(v * 7919) % 365)
        visits.append({"id": vid, "household_id": home["id"], "community": home["community"],
                       "office_code": code, "visited_on": on, "visitor": "协理员",
                       "met": ["户主"], "checklist": _OK, "photos": []})  # fmt: skip
        if v % PROBLEM_EVERY == 0:
            solved = v % (PROBLEM_EVERY * 3) != 0
            problems.append({"id": new_id(), "household_id": home["id"], "visit_id": vid,
                             "community": home["community"], "office_code": code,
                             "category": "housing", "found_on": on,
                             "status": "closed" if solved else "assigned",
                             "deadline": on + timedelta(days=14),
                             "closed_on": on + timedelta(days=10) if solved else None})  # fmt: skip
    users = [{"id": new_id(), "username": f"coord{i}", "display_name": f"协理员{i}",
              "role": "coordinator", "office_id": office_id}
             for i in range(scale["coordinators"])]  # fmt: skip
    assigned = [{"user_id": u["id"], "community": communities[i % len(communities)]}
                for i, u in enumerate(users)]  # fmt: skip
    with store.sessions.write() as s:
        for model, rows in ((Household, homes), (Person, people), (Application, apps),
                            (HomeVisit, visits), (VisitProblem, problems), (User, users),
                            (CoordinatorCommunity, assigned)):  # fmt: skip
            for i in range(0, len(rows), 5_000):
                s.execute(insert(model), rows[i : i + 5_000])
    coordinator = Actor(
        users[0]["id"], "coord0", "协理员0", Role.COORDINATOR, office_id, code, name
    )
    supervisor = Actor(new_id(), "sup", "审核负责人", Role.SUPERVISOR, office_id, code, name)
    return store, coordinator, supervisor


def _bare_plan(store: Store, community: str) -> None:
    with store.engine.connect() as c:
        c.exec_driver_sql(
            "SELECT h.id, a.assistance_type, p.name FROM households h JOIN applications a ON "
            "a.household_id = h.id JOIN persons p ON p.id = a.applicant_id WHERE h.community = ?",
            (community,),
        ).fetchall()


def _bare_coverage(store: Store, start: date) -> None:
    with store.engine.connect() as c:
        c.exec_driver_sql(
            "SELECT community, COUNT(*), COUNT(DISTINCT household_id) FROM home_visits "
            "WHERE visited_on >= ? GROUP BY community",
            (start.isoformat(),),
        ).fetchall()


def _visit_payload(n: int, household: str) -> dict[str, Any]:
    return {"household_id": household, "community": "第001村（社区）", "office_code": HOME_OFFICE_CODE,
            "visited_on": "2026-11-20", "visitor": "协理员", "visitor_id": "", "met": ["户主"],
            "checklist": _OK, "notes": "生活正常，已发放明白纸。" * 2, "photos": [],
            "signature_id": "", "signed_by": "户主", "leaflet_given": True, "change_kind": "",
            "change_detail": "", "follow_up": "", "follow_up_id": "", "deleted": False}  # fmt: skip


def _household_payload(n: int) -> dict[str, Any]:
    return {"residence_office_id": HOME_OFFICE_CODE, "hukou_office_id": HOME_OFFICE_CODE,
            "community": "第001村（社区）", "address": f"武清区第001村{n}号", "hukou_address": "",
            "phone": "", "address_key": "", "note": "入户核实情况正常" * 3, "setting": "urban",
            "single_parent": False, "childless": False, "family_planning_support": False,
            "rigid_spending": [], "bank_name": "", "bank_holder": "", "bank_account": "",
            "deleted": False}  # fmt: skip


def _push_rates(n: int, reps: int) -> tuple[list[float], list[float]]:
    """Seconds to push ``n`` household records and ``n`` visit records (each fresh)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = HubSettings(db_url=f"sqlite:///{tmp}/hub.db")
        with HubThread(settings) as hub:
            database = hub.app.state.database
            accounts.add_office(database, HOME_OFFICE_CODE, "武清区测试街道", "武清区")
            api = HubApi(hub.base_url, http=HttpClient())
            code = accounts.create_enrolment(database, HOME_OFFICE_CODE, settings)
            api.register(HOME_OFFICE_CODE, code, "bench")
            homes: list[float] = []
            visits: list[float] = []
            for _ in range(reps):
                ids = [uuid.uuid4() for _ in range(n)]
                household_changes = [
                    new_change("household", i, _household_payload(k), [HOME_OFFICE_CODE])
                    for k, i in enumerate(ids)
                ]
                visit_changes = [
                    new_change("home_visit", uuid.uuid4(), _visit_payload(k, str(i)),
                               [HOME_OFFICE_CODE])
                    for k, i in enumerate(ids)
                ]  # fmt: skip
                homes.append(_timed_push(api, household_changes))
                visits.append(_timed_push(api, visit_changes))
    return homes, visits


def _timed_push(api: HubApi, changes: list) -> float:  # type: ignore[type-arg]
    start = time.perf_counter()
    results = api.push(changes)
    seconds = time.perf_counter() - start
    bad = [r for r in results if r.status != "applied"]
    assert not bad, bad[:1]
    return seconds


def run(smoke: bool) -> list[dict]:  # type: ignore[type-arg]
    """Plan, coverage and push timings at the chosen scale."""
    scale, reps = (SMOKE, 1) if smoke else (FULL, 5)
    with tempfile.TemporaryDirectory() as tmp:
        store, coordinator, supervisor = build(Path(tmp) / "data", scale)
        try:
            plan = visit_plan(store, coordinator, TODAY, TODAY)
            community = plan.communities[0]
            _bare_plan(store, community)
            report = coverage_report(store, supervisor, TODAY, TODAY)
            extra = {**scale, "plan_targets": len(plan.targets), "covered": report.visited}
            rows = [
                row("one coordinator's visit plan", timed(lambda: visit_plan(store, coordinator, TODAY, TODAY), reps),
                    "bare SELECT of the community's cases", timed(lambda: _bare_plan(store, community), reps)[0],
                    "≤ 200 ms", **extra),
                row("coverage report of the district", timed(lambda: coverage_report(store, supervisor, TODAY, TODAY), reps),
                    "bare GROUP BY of the month's visits", timed(lambda: _bare_coverage(store, TODAY.replace(day=1)), reps)[0],
                    "≤ 1 s", **extra),
            ]  # fmt: skip
        finally:
            store.close()
    homes, visits = _push_rates(scale["push"], reps)
    per_home, per_visit = statistics.median(homes), statistics.median(visits)
    rows.append(
        row(f"push of {scale['push']} visit records", (per_visit, min(visits), max(visits)),
            f"push of {scale['push']} household records", per_home,
            "as fast per record as other records (ratio ≤ 1.5)",
            visits_per_s=scale["push"] / per_visit, households_per_s=scale["push"] / per_home)
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run("--smoke" in sys.argv), indent=2, ensure_ascii=False, default=str))
