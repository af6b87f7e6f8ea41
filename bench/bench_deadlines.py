"""Benchmark: the due/overdue list and the deadline summary of one office over a city-scale
case table (141,600 cases; smoke: 2,000) against a bare indexed SELECT in the same run."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench.common import row, timed
from desktop.demo import HOME_OFFICE_CODE, create_demo_store, generate
from desktop.services.cases.deadlines import (
    deadline_summary,
    deadline_summary_plain,
    due_list,
    due_list_plain,
)
from desktop.services.dashboard.statistics import deadlines_by_owner, deadlines_by_owner_plain
from desktop.store.models import Application, Household, Office, Person, new_id
from desktop.store.store import Store
from tests.support import TEST_KDF

CITY_CASES = 141_600
TEMPLATE = 4_000
TODAY = date(2026, 11, 29)
TARGET = "≤ 200 ms (case list opens with 141,600 cases)"
_COLS = (
    "a.id, a.number, a.applicant_id, a.assistance_type, a.state, a.deadline_step, "
    "a.deadline_owner, a.next_deadline"
)
BARE_SQL = (
    f"SELECT u.*, p.name FROM (SELECT {_COLS} FROM applications a WHERE a.residence_office_id = ?"
    " AND a.next_deadline IS NOT NULL AND a.deleted = 0 UNION ALL"
    f" SELECT {_COLS} FROM applications a WHERE a.hukou_office_id = ? AND a.residence_office_id != ?"
    " AND a.next_deadline IS NOT NULL AND a.deleted = 0) u"
    " JOIN persons p INDEXED BY ix_persons_id_name ON p.id = u.applicant_id"
    " ORDER BY u.next_deadline, u.number"
)


def _clone(rows: dict[str, list[dict[str, Any]]], copy: int) -> dict[str, list[dict[str, Any]]]:
    """The walked template cases again with fresh ids and numbers (deadline columns kept)."""
    ids: dict[str, str] = {}

    def fresh(old: str) -> str:
        return ids.setdefault(old, new_id())

    homes = [{**h, "id": fresh(h["id"])} for h in rows["households"]]
    people = [
        {**p, "id": fresh(p["id"]), "household_id": fresh(p["household_id"])}
        for p in rows["persons"]
        if p["relation"] == "applicant"
    ]
    apps = [
        {
            **a,
            "id": fresh(a["id"]),
            "household_id": fresh(a["household_id"]),
            "applicant_id": fresh(a["applicant_id"]),
            "number": f"{a['number']}-{copy:03d}",
        }
        for a in rows["applications"]
    ]
    return {"households": homes, "persons": people, "applications": apps}


def build(folder: Path, cases: int) -> tuple[Store, str]:
    """A store with ``cases`` demo cases walked through the machine (templates cloned)."""
    store, _ = create_demo_store(folder, 0, kdf=TEST_KDF)
    with store.sessions.read() as s:
        offices = [
            {"id": o.id, "code": o.code, "name": o.name, "district": o.district}
            for o in s.scalars(select(Office))
        ]
    home = next(o["id"] for o in offices if o["code"] == HOME_OFFICE_CODE)
    template = generate(3, min(cases, TEMPLATE), offices, today=TODAY)
    done, copy = 0, 0
    with store.sessions.write() as s:
        while done < cases:
            part = _clone(template, copy)
            take = min(len(part["applications"]), cases - done)
            for name, model in (("households", Household), ("persons", Person)):
                s.execute(insert(model), part[name])
            s.execute(insert(Application), part["applications"][:take])
            done, copy = done + take, copy + 1
    return store, home


def run(smoke: bool) -> list[dict]:  # type: ignore[type-arg]
    """Time due_list (all / next 14 days) and deadline_summary against the bare SELECT."""
    cases = 2_000 if smoke else CITY_CASES
    reps = 1 if smoke else 5
    with tempfile.TemporaryDirectory() as tmp:
        store, office = build(Path(tmp) / "data", cases)
        try:
            items = due_list(store, office, TODAY)

            def bare_page() -> None:
                with store.engine.connect() as c:
                    c.exec_driver_sql(BARE_SQL + " LIMIT 100", (office, office, office)).fetchall()

            def bare() -> None:
                with store.engine.connect() as c:
                    c.exec_driver_sql(BARE_SQL, (office, office, office)).fetchall()

            bare()
            base = timed(bare, reps)[0]
            page = timed(bare_page, reps)[0]
            plain = timed(lambda: due_list_plain(store, office, TODAY), reps)[0]
            owners = timed(lambda: deadlines_by_owner_plain(store, office, TODAY), reps)[0]
            recount = timed(lambda: deadline_summary_plain(store, office, TODAY), reps)[0]
            extra = {
                "cases": cases,
                "due_items": len(items),
                "overdue": sum(i.overdue for i in items),
            }
            return [
                row(f"due list of one office, {cases:,} cases", timed(lambda: due_list(store, office, TODAY), reps),
                    "bare indexed SELECT of the same rows", base, TARGET, plain_path_s=round(plain, 3),
                    **extra),
                row(f"due list, next 14 days, {cases:,} cases", timed(lambda: due_list(store, office, TODAY, 14), reps),
                    "bare indexed SELECT of the same rows", base, TARGET, **extra),
                row(f"due list, first 100 rows, {cases:,} cases", timed(lambda: due_list(store, office, TODAY, limit=100), reps),
                    "bare indexed SELECT, first 100 rows", page, TARGET, **extra),
                row(f"deadline summary by step (kept counts), {cases:,} cases", timed(lambda: deadline_summary(store, office, TODAY), reps),
                    "the same summary recounted over the cases (grouped query)", recount, TARGET, **extra),
                row(f"deadlines by owner (kept counts), {cases:,} cases", timed(lambda: deadlines_by_owner(store, office, TODAY), reps),
                    "the same counts recounted over the cases (grouped query)", owners, TARGET, **extra),
            ]  # fmt: skip
        finally:
            store.close()


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run("--smoke" in sys.argv), indent=2, ensure_ascii=False, default=str))
