"""The monthly run's cache of computed amounts: per household and programme, the engine's
basis (new amount, asset test, found work) with the household's ``facts_rev`` and the
month-policy key it was computed under. A family is recomputed only when either differs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from desktop.domain.policy.monthly import Basis
from desktop.domain.policy.tables import PolicySet

# (household_id, programme) → (facts_rev, district, basis)
Cached = dict[tuple[str, str], tuple[int, str | None, Basis]]
CacheRow = tuple[str, str, int, str, str | None, str, int, int]


def policy_key(
    policy: PolicySet, day: date, districts: Iterable[str | None], lookback: int, uniform: bool
) -> str:
    """A digest of everything policy-side a family's amount depends on for ``day``: the month,
    every policy value in force there for the city and each district, and the income window."""
    parts = [day.isoformat(), str(lookback), str(uniform)]
    for district in sorted({None, *districts}, key=lambda d: d or ""):
        values = policy.for_month(day, district).values
        parts.append(f"{district}:" + repr(sorted(values.items())))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def load_cached(conn: Connection, key: str) -> Cached:
    """Every cached basis computed under ``key``."""
    rows = conn.exec_driver_sql(
        "SELECT household_id, programme, facts_rev, district, new_amount, assets_ok, working "
        "FROM benefit_facts_cache WHERE policy_key = ?",
        (key,),
    )
    return {
        (r[0], r[1]): (r[2], r[3], Basis(Decimal(str(r[4])), bool(r[5]), bool(r[6]))) for r in rows
    }


def cache_row(
    household_id: str, programme: str, facts_rev: int, key: str, district: str | None, b: Basis
) -> CacheRow:
    """One row of the cache (the amount kept as its exact Decimal text)."""
    return (household_id, programme, facts_rev, key, district, str(b.new), int(b.assets_ok),
            int(b.working))  # fmt: skip


def save_cached(conn: Connection, rows: Sequence[CacheRow]) -> None:
    """Store (or replace) freshly computed bases."""
    if rows:
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO benefit_facts_cache (household_id, programme, facts_rev, "
            "policy_key, district, new_amount, assets_ok, working) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def scope_table(conn: Connection, household_ids: Iterable[str]) -> str:
    """A temporary table of the households to read; returns the sub-select naming them."""
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.run_scope")
    conn.exec_driver_sql("CREATE TEMP TABLE run_scope (household_id TEXT PRIMARY KEY)")
    rows: list[Any] = [(h,) for h in household_ids]
    if rows:
        conn.exec_driver_sql("INSERT INTO temp.run_scope VALUES (?)", rows)
    return "SELECT household_id FROM temp.run_scope"


def drop_scope(conn: Connection) -> None:
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.run_scope")
