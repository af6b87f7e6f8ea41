"""Benchmark of the monthly benefit run over city-scale generated families (deterministic)."""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from decimal import Decimal

from desktop.domain.policy import (
    ActiveCase,
    Household,
    IncomeItem,
    Member,
    Vehicle,
    default_policy,
    monthly_run,
)

CITY_FAMILIES = 141_600
SEED = 20251
MONTH = date(2025, 9, 1)
TARGET = "monthly benefit run over 141,600 families <= 5 s (performance.md)"
_INCOME_MONTHS = (date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1))


def _member(rng: random.Random, idx: int) -> Member:
    age = rng.randint(1, 90)
    disabled = rng.random() < 0.15
    return Member(
        id=f"m{idx}",
        relation="applicant" if idx == 0 else rng.choice(("spouse", "child", "parent")),
        sex=rng.choice(("male", "female")),
        birth_date=date(2025 - age, rng.randint(1, 12), rng.randint(1, 28)),
        disability_type=rng.choice(("physical", "visual", "mental")) if disabled else None,
        disability_level=rng.randint(1, 4) if disabled else None,
        illness="chronic_listed" if rng.random() < 0.1 else None,
        work_capacity=rng.choice(("full", "partial", "none")),
        student="school" if 6 <= age < 18 else "none",
        employment="unemployed",
        self_care_failed=frozenset(("eat", "dress", "bed", "toilet")[: rng.randint(0, 4)]),
        supporter=rng.choice(("able", "none")),
    )


def generate_cases(n: int, seed: int = SEED) -> list[ActiveCase]:
    """``n`` active cases: ~85% 低保, 10% 特困, 5% 边缘, 1–5 members, 3 months of income."""
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        size = rng.randint(1, 5)
        members = tuple(_member(rng, k) for k in range(size))
        incomes = tuple(
            IncomeItem(
                m.id, month, rng.choice(("transfer", "property")), Decimal(rng.randint(0, 900))
            )
            for m in members
            if rng.random() < 0.5
            for month in _INCOME_MONTHS
        )
        roll = rng.random()
        programme = "dibao" if roll < 0.85 else "tekun" if roll < 0.95 else "bianyuan"
        household = Household(
            members=members,
            incomes=incomes,
            liquid_assets=(("deposit", Decimal(rng.randint(0, 30000))),),
            vehicles=(Vehicle("disabled_mobility"),) if rng.random() < 0.02 else (),
            district=rng.choice(("120101", "120103", "120105", None)),
        )
        cases.append(ActiveCase(f"c{i}", household, programme, Decimal(rng.randint(0, 3000))))
    return cases


def _baseline(cases: list[ActiveCase]) -> list[Decimal]:
    """The bare computation: standard × members − summed income, in Decimal, per family."""
    standard = Decimal("1045.00")
    three = Decimal(3)
    out = []
    for case in cases:
        h = case.household
        income = sum((item.amount for item in h.incomes), Decimal(0)) / three
        out.append(max(Decimal(0), standard * len(h.members) - income))
    return out


def _time(fn, reps: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def run(smoke: bool) -> list[dict]:  # type: ignore[type-arg]
    """Time the monthly run (validation included) against the bare Decimal loop."""
    n = 2_000 if smoke else CITY_FAMILIES
    reps = 1 if smoke else 3
    cases = generate_cases(n)
    policy = default_policy()
    policy.for_month(MONTH)  # resolve once outside the timing, as the caller's cache would
    changes = monthly_run(cases, MONTH, policy)
    times = _time(lambda: monthly_run(cases, MONTH, policy), reps)
    base = _time(lambda: _baseline(cases), reps)
    kinds: dict[str, int] = {}
    for c in changes:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    median = statistics.median(times)
    base_median = statistics.median(base)
    return [
        {
            "name": f"monthly benefit run, {n:,} families",
            "median_s": median,
            "min_s": min(times),
            "max_s": max(times),
            "baseline_name": "bare Decimal loop: standard x members - income",
            "baseline_s": base_median,
            "ratio": median / base_median,
            "target": TARGET,
            "extra": {"families": n, "families_per_s": round(n / median), "changes": kinds},
        }
    ]


if __name__ == "__main__":
    for row in run(smoke=False):
        print(row)
