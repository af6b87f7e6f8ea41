"""Demo seeding: the bulk path (``seed``: one walk per case at the engine's amount from the
family's rows in memory, parts written through the driver) stores exactly the rows of the
plain path (``seed_plain``: ORM inserts, every confirmed case walked again at the amount the
engine computes from the stored family), in every table, the trigger-kept ones included."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop.demo import DEMO_STATES, DEMO_TYPES, create_demo_store, seed, seed_plain
from tests.support import TEST_KDF, table_rows

TODAY = date(2026, 11, 30)


def _seeded(tmp: Path, how: str, households: int, seed_value: int) -> dict[str, Any]:
    store, _ = create_demo_store(tmp / how, 0, kdf=TEST_KDF)
    try:
        before = table_rows(store)
        fn = seed_plain if how == "plain" else seed
        kw = {} if how == "plain" else {"part": 37}  # parts that do not divide the families
        counts = fn(store, households, seed_value, id_seed=seed_value, today=TODAY, **kw)
        after = table_rows(store)
        with store.engine.connect() as c:
            columns = [r[1] for r in c.exec_driver_sql("PRAGMA table_info(applications)")]
    finally:
        store.close()
    written = {n for n in after if after[n] != before[n]}
    rows = {n: after[n] for n in written}
    return {"counts": counts, "written": written, "rows": rows, "columns": columns}


@pytest.mark.parametrize("seed_value", [3, 20261129])
def test_bulk_seeding_writes_the_rows_of_the_plain_path(tmp_path: Path, seed_value: int) -> None:
    plain = _seeded(tmp_path, "plain", 300, seed_value)
    bulk = _seeded(tmp_path, "bulk", 300, seed_value)
    assert plain["counts"] == bulk["counts"]
    expected = {
        "households", "persons", "income_items", "assets", "applications", "case_events",
        "reserve_fund_entries", "deadline_counts", "benefit_facts_cache",
        "person_digits_data", "person_digits_idx", "person_digits_docsize",
    }  # fmt: skip
    assert expected <= plain["written"], plain["written"]
    assert plain["written"] == bulk["written"]
    for name in sorted(plain["written"]):
        a, b = plain["rows"][name], bulk["rows"][name]
        assert len(a) == len(b), name
        for i, (ra, rb) in enumerate(zip(a, b, strict=True)):
            assert ra == rb, f"{name} row {i}"

    # The seeds cover the demo: every type and most states, cases confirmed at the engine's
    # amount (an assessment saved), emergency aid paid from the reserve fund.
    cols = plain["columns"]
    apps = [dict(zip(cols, r[1:], strict=True)) for r in plain["rows"]["applications"]]
    assert {a["assistance_type"] for a in apps} == {t for t, _ in DEMO_TYPES}
    states = Counter(a["state"] for a in apps)
    assert {"new", "accepted", "investigating", "in_notice", "paying", "refused"} <= set(states)
    assert len(states) >= len(DEMO_STATES) - 2, states
    assert sum(a["assessment"] != "{}" for a in apps) >= 30
    assert len(plain["rows"]["reserve_fund_entries"]) >= 5
