"""Benchmark of the monthly benefit run as a service over a real encrypted store of 141,600
paying cases (141,600 families), against the pure engine ``monthly_run`` over the same cases.

The run takes only the families the actor's office pays (their registration office). Two
layouts: every family at the one office (a stress figure: the whole city in one run, as the
figures before the run was scoped), and one big office's share — ``BIG_OFFICE`` families at
the run's office, the rest of the city spread over the other 79 demo offices (141,600 over
about 250 street offices is about 570 each; 10,000 is a very large office)."""

from __future__ import annotations

import random
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.common import row, rss_mib, timed
from desktop.demo import office_rows
from desktop.domain.ids import check_char
from desktop.domain.policy import ActiveCase, monthly_run
from desktop.services.accounts.auth import OfficeInput, first_run
from desktop.services.base import Actor
from desktop.services.family.household_facts import collect_households
from desktop.services.payment.benefits import _ACTIVE_HOUSEHOLDS, _load_cases, run_monthly_benefits
from desktop.services.policy.policy_admin import load_policy
from desktop.store.keys import KdfParams
from desktop.store.store import Store

CITY_CASES = 141_600
BIG_OFFICE = 10_000
SMOKE_CASES = 2_000
MONTH = date(2026, 11, 1)
INCOME_MONTHS = ("2026-08-01", "2026-09-01", "2026-10-01")
TARGET = "monthly benefit run over 141,600 families <= 5 s (performance.md)"
FAST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)

_PERSON_SQL = (
    "INSERT INTO persons (id, rev, dirty, deleted, household_id, name, name_pinyin, "
    "name_initials, id_number, sex, birth_date, relation, is_member, non_member_reason, phone, "
    "disability_type, disability_level, illness_class, work_capacity, student_level, employment, "
    "lives_with_family, self_care_failed, supporter) "
    "VALUES (?, 1, 0, 0, ?, ?, 'bench', 'b', ?, ?, ?, ?, 1, '', '', ?, ?, '', ?, '', '', 1, ?, ?)"
)


def _family(rng: random.Random, hid: str, seq: int) -> tuple[list[tuple], list[tuple], str]:  # type: ignore[type-arg]
    """Persons and income rows of one family; returns (persons, incomes, applicant id)."""
    persons, incomes = [], []
    size = rng.choice((1, 1, 2, 2, 3, 4))
    applicant = ""
    for k in range(size):
        pid = str(uuid.uuid4())
        applicant = applicant or pid
        age = rng.randint(62, 90) if k == 0 and size <= 2 else rng.randint(3, 58)
        born = date(2026 - age, rng.randint(1, 12), rng.randint(1, 28))
        male = rng.random() < 0.5
        first17 = f"120103{born:%Y%m%d}{(seq * 7 + k) % 1000:03d}"
        disabled = rng.random() < 0.12
        capacity = "none" if age >= 60 or age < 16 or disabled else "full"
        relation = "applicant" if k == 0 else ("spouse" if k == 1 and age > 20 else "child")
        failed = '["eat","dress"]' if capacity == "none" and rng.random() < 0.2 else "[]"
        persons.append(
            (
                pid, hid, f"住户{seq}-{k}", first17 + check_char(first17), "M" if male else "F",
                born.isoformat(), relation, "physical" if disabled else "",
                rng.randint(1, 4) if disabled else None, capacity, failed,
                rng.choice(("able", "none")),
            )
        )  # fmt: skip
        if age >= 60 or (capacity == "full" and rng.random() < 0.6):
            kind, base = ("transfer", 700) if age >= 60 else ("wage", 900)
            for month in INCOME_MONTHS:
                amount = (base + rng.randint(0, 900)) * 100
                incomes.append((str(uuid.uuid4()), hid, pid, kind, month, amount))
    return persons, incomes, applicant


def seed_store(
    folder: Path, cases: int, seed: int = 20261, at_office: int | None = None
) -> tuple[Store, Actor]:
    """A new encrypted store holding ``cases`` paying families (bulk inserts, demo-like);
    ``at_office`` of them at the admin's office and the others spread over the other demo
    offices (None: all at the admin's office)."""
    offices = office_rows()
    store, admin = first_run(
        folder,
        office=OfficeInput(**offices[0]),
        admin_username="admin",
        admin_password="bench-admin-1",
        admin_display_name="管理员",
        kdf=FAST_KDF,
    )
    rng = random.Random(seed)
    with store.sessions.write() as s:
        conn = s.connection()
        home = conn.exec_driver_sql("SELECT id FROM offices").scalar()
        others = _other_offices(conn, offices[1:]) if at_office is not None else []
        households, persons, incomes, assets, apps = [], [], [], [], []
        for i in range(cases):
            hid = str(uuid.uuid4())
            office = home if at_office is None or i < at_office else others[i % len(others)]
            households.append((hid, office, office, f"河西区友谊路{i}号"))
            ps, inc, applicant = _family(rng, hid, i)
            persons += ps
            incomes += inc
            assets.append((str(uuid.uuid4()), hid, rng.randint(0, 20000) * 100))
            roll = rng.random()
            kind = "dibao" if roll < 0.85 else "tekun" if roll < 0.95 else "bianyuan"
            apps.append(
                (str(uuid.uuid4()), f"B-{i:07d}", hid, applicant, kind, office, office, office)
            )
        _insert_all(conn, households, persons, incomes, assets, apps)
    return store, admin


def _other_offices(conn: Any, rows: list[dict[str, Any]]) -> list[str]:
    """Insert the other demo offices; return their ids."""
    ids = [str(uuid.uuid4()) for _ in rows]
    conn.exec_driver_sql(
        "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, "
        "phone, address) VALUES (?, 1, 0, 0, ?, ?, ?, ?, ?, ?)",
        [
            (i, r["code"], r["name"], r["district"], r["region_code"], r["phone"], r["address"])
            for i, r in zip(ids, rows, strict=True)
        ],
    )
    return ids


def _insert_all(
    conn: Any, households: list, persons: list, incomes: list, assets: list, apps: list
) -> None:  # type: ignore[type-arg]
    conn.exec_driver_sql(
        "INSERT INTO households (id, rev, dirty, deleted, residence_office_id, hukou_office_id, "
        "community, address, hukou_address, phone, address_key, note) "
        "VALUES (?, 1, 0, 0, ?, ?, '', ?, '', '', '', '')",
        households,
    )
    conn.exec_driver_sql(_PERSON_SQL, persons)
    conn.exec_driver_sql(
        "INSERT INTO income_items (id, rev, dirty, deleted, household_id, person_id, kind, "
        "month, amount, note) VALUES (?, 1, 0, 0, ?, ?, ?, ?, ?, '')",
        incomes,
    )
    conn.exec_driver_sql(
        "INSERT INTO assets (id, rev, dirty, deleted, household_id, kind, amount, "
        "vehicle_purpose, note) VALUES (?, 1, 0, 0, ?, 'deposit', ?, '', '')",
        assets,
    )
    conn.exec_driver_sql(
        "INSERT INTO applications (id, rev, dirty, deleted, number, household_id, applicant_id, "
        "assistance_type, state, channel, filed_at_office_id, residence_office_id, "
        "hukou_office_id, applied_on, proxy_name, proxy_authorised, staff_relative, reason, "
        "deadline_step, workflow) VALUES (?, 1, 0, 0, ?, ?, ?, ?, 'paying', 'window', ?, "
        "?, ?, '2025-10-01', '', 0, 0, '', '', '{}')",
        apps,
    )


def _reset(store: Store) -> None:
    """Back to 'never run': no amounts, no runs, empty outbox, audit and facts cache."""
    with store.sessions.write() as s:
        conn = s.connection()
        for sql in (
            "UPDATE applications SET benefit_amount = NULL, benefit_programme = '', dirty = 0",
            "DELETE FROM benefit_changes",
            "DELETE FROM benefit_runs",
            "DELETE FROM outbox",
            "DELETE FROM audit_events",
            "DELETE FROM benefit_facts_cache",
        ):
            conn.exec_driver_sql(sql)


def _engine_cases(store: Store, office_id: str) -> list[ActiveCase]:
    """The same cases as plain engine input, built once outside the timing."""
    with store.sessions.read() as s:
        cases = _load_cases(s, office_id)
        facts, _ = collect_households(s, _ACTIVE_HOUSEHOLDS, {}, MONTH, lookback=3)
    zero = Decimal("0.00")
    return [
        ActiveCase(c.id, facts[c.household_id], c.programme, c.stored or zero, c.since)
        for c in cases.values()
        if c.household_id in facts  # the service skips (and names) families with bad data too
    ]


def _status_mib(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_reset() -> float:
    """Reset this process's peak RSS (Linux clear_refs) and return the current RSS in MiB."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return float("nan")
    return _status_mib("VmRSS")


def _first_runs(
    store: Store, admin: Actor, reps: int
) -> tuple[tuple[float, float, float], Any, float]:
    """Time runs that write every amount; the store is reset before each (not timed).
    Also returns the largest RSS growth of the process during one run (the service's peak)."""
    runs, report, peak = [], None, 0.0
    for _ in range(reps):
        _reset(store)
        base = _peak_reset()
        start = time.perf_counter()
        report = run_monthly_benefits(store, admin, MONTH)
        runs.append(time.perf_counter() - start)
        peak = max(peak, _status_mib("VmHWM") - base)
    return (statistics.median(runs), min(runs), max(runs)), report, peak


def _measure(n: int, at_office: int | None, reps: int) -> list[dict[str, Any]]:
    """Seed a store, time the first run (every amount written) and a re-run (nothing changes)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-benefit-")) / "data"
    try:
        t0 = time.perf_counter()
        store, admin = seed_store(folder, n, at_office=at_office)
        seed_s = time.perf_counter() - t0
        policy = load_policy(store)
        cases = _engine_cases(store, admin.office_id)
        base = timed(lambda: monthly_run(cases, MONTH, policy), reps)[0]
        first_t, first_report, service_peak = _first_runs(store, admin, reps)
        reruns: list[Any] = []
        again = timed(lambda: reruns.append(run_monthly_benefits(store, admin, MONTH)), reps)
        store.close()
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    paid = len(cases)
    where = (
        f"{paid:,} paying cases, all at the run's office"
        if at_office is None
        else f"one big office's {paid:,} of {n:,} paying cases"
    )
    common = {"cases": paid, "store_cases": n, "seed_s": round(seed_s, 1)}
    return [
        row(
            f"monthly benefit run service, {where}, every amount written",
            first_t,
            "pure engine monthly_run over the same cases",
            base,
            TARGET,
            changed=first_report.changed,
            cases_per_s=round(paid / first_t[0]),
            service_peak_rss_growth_mib=round(service_peak),
            peak_rss_mib=round(rss_mib()),
            **common,
        ),
        row(
            f"monthly benefit run service re-run, {where}, nothing changes",
            again,
            "pure engine monthly_run over the same cases",
            base,
            TARGET,
            already_done=all(r.already_done for r in reruns),
            **common,
        ),
    ]


def run(smoke: bool, layouts: tuple[str, ...] = ("office", "city")) -> list[dict[str, Any]]:
    """Both layouts: one big office's share of the city, and the whole city at one office."""
    n = SMOKE_CASES if smoke else CITY_CASES
    reps = 1 if smoke else 3
    out: list[dict[str, Any]] = []
    if "office" in layouts:
        out += _measure(n, n // 10 if smoke else BIG_OFFICE, reps)
    if "city" in layouts:
        out += _measure(n, None, reps)
    return out


if __name__ == "__main__":
    import sys

    chosen = tuple(a for a in sys.argv[1:] if a in ("office", "city")) or ("office", "city")
    for result in run(smoke="--smoke" in sys.argv, layouts=chosen):
        print(result)
