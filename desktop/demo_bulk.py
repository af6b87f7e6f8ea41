"""Bulk writes of demo rows through the driver: the values SQLAlchemy's ``insert(model)`` would
store (its own bind processors, the model's Python defaults for missing columns, server
defaults left to the database), without its per-row statement machinery."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table

# Page cache of the seeding connection (KiB): the families' tables and their indexes are
# written in random key order, and every page pushed out of the cache is encrypted and read
# (decrypted) again on the next insert that touches it.
SEED_CACHE_KIB = 262_144


@contextmanager
def seeding_cache(conn: Connection) -> Iterator[None]:
    """A large SQLite page cache while seeding, then back to the usual size."""
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{SEED_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _default(column: Any) -> Any:
    """The Python-side default SQLAlchemy applies to a column missing from the parameters."""
    d = column.default
    if d.is_scalar:
        return lambda: d.arg
    if d.is_callable:
        return lambda: d.arg(None)  # SQLAlchemy's wrapper of a no-argument callable
    raise TypeError(f"{column}: default is not a Python value")


def insert_values(
    conn: Connection, table: Table, rows: list[dict[str, Any]]
) -> tuple[str, list[tuple[Any, ...]]]:
    """The INSERT statement and the driver's values for ``rows`` (dicts with the same keys)."""
    keys = rows[0].keys()
    given = [c for c in table.columns if c.key in keys]
    missing = [c for c in table.columns if c.key not in keys and c.default is not None]
    columns = given + missing
    dialect = conn.dialect
    procs = [
        (i, p)
        for i, p in ((i, c.type.bind_processor(dialect)) for i, c in enumerate(columns))
        if p is not None
    ]
    defaults = [_default(c) for c in missing]
    get = itemgetter(*(c.key for c in given))
    single = len(given) == 1

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        got = get(row)
        out = [got] if single else list(got)
        out.extend(f() for f in defaults)
        for i, proc in procs:
            out[i] = proc(out[i])
        return tuple(out)

    names = ", ".join(f'"{c.name}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', [values(r) for r in rows]


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one driver executemany."""
    if rows:
        sql, values = insert_values(conn, table, rows)
        conn.exec_driver_sql(sql, values)  # type: ignore[arg-type]
