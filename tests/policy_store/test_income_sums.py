"""The monthly run's summed income read (one row per person and kind) gives exactly the engine
results of the month-by-month read, on generated families and on awkward income rows."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

from bench.bench_benefit_run import seed_store
from desktop.domain.policy import ActiveCase, monthly_run
from desktop.errors import ValidationError
from desktop.services.family.household_facts import collect_households
from desktop.services.payment.benefits import _ACTIVE_HOUSEHOLDS, _load_cases
from desktop.services.policy.policy_admin import load_policy
from desktop.store.store import Store

MONTH = date(2026, 11, 1)
ZERO = Decimal("0.00")


def _results(store: Store, summed: bool) -> tuple[list[object], dict[str, str]]:
    with store.sessions.read() as s:
        cases = _load_cases(s)
        facts, errors = collect_households(
            s, _ACTIVE_HOUSEHOLDS, {}, MONTH, lookback=3, sum_months=summed
        )
    policy = load_policy(store)
    results: list[object] = []
    refused = {k: e.message for k, e in errors.items()}
    for c in cases.values():
        if c.household_id not in facts:
            continue
        case = ActiveCase(c.id, facts[c.household_id], c.programme, c.stored or ZERO, c.since)
        try:
            results.extend(monthly_run([case], MONTH, policy))
        except ValidationError as exc:
            refused[c.household_id] = exc.message
    return results, refused


def _awkward_rows(store: Store) -> None:
    """Two rows of one month, a second kind, an excluded kind, rows outside the window, an
    income without a person, and a negative amount (that family must be refused both ways)."""
    with store.sessions.write() as s:
        conn = s.connection()
        people = conn.exec_driver_sql(
            "SELECT household_id, id FROM persons ORDER BY rowid LIMIT 40"
        ).fetchall()
        rows = []
        for n, (hid, pid) in enumerate(people):
            for month, kind, amount in (
                ("2026-10-01", "wage", 30000 + n),
                ("2026-10-01", "wage", 12345),
                ("2026-09-01", "business", 777),
                ("2026-08-01", "scholarship", 50000),
                ("2026-07-01", "wage", 99999),
                ("2026-11-01", "wage", 88888),
            ):
                rows.append((str(uuid.uuid4()), hid, pid, kind, month, amount))
            if n % 5 == 0:
                rows.append((str(uuid.uuid4()), hid, None, "transfer", "2026-09-01", 4200))
            if n == 7:
                rows.append((str(uuid.uuid4()), hid, pid, "wage", "2026-09-01", -100))
        conn.exec_driver_sql(
            "INSERT INTO income_items (id, rev, dirty, deleted, household_id, person_id, kind, "
            "month, amount, note) VALUES (?, 1, 0, 0, ?, ?, ?, ?, ?, '')",
            rows,
        )


def test_summed_income_read_gives_identical_results(tmp_path: Path) -> None:
    store, _admin = seed_store(tmp_path / "data", 3_000)
    try:
        _awkward_rows(store)
        by_month, errors_by_month = _results(store, summed=False)
        summed, errors_summed = _results(store, summed=True)
    finally:
        store.close()
    assert len(by_month) > 2_900
    assert summed == by_month
    assert errors_summed == errors_by_month
    assert any("负数" in m for m in errors_by_month.values())
    assert {r.kind for r in by_month} >= {"increase", "stop"}  # type: ignore[attr-defined]
