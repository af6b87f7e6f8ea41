"""The generated row builder of each codec stores exactly what the reference loop stores, and
the pull's one-statement upsert stores exactly what the row-by-row upsert does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError

from desktop.store.keys import new_database_key
from desktop.store.store import Store
from sync.codecs import CODECS
from sync.conflicts import BASE_BULK_UPSERT, BASE_UPSERT
from sync.state import relaxed


def _variants(codec: Any) -> list[dict[str, Any]]:
    """Payloads with every column missing, None, and a typical value."""
    typical: dict[str, Any] = {}
    for c in codec.columns:
        kind = type(c.type).__name__
        if c.key in codec.office_refs:
            typical[c.key] = "120103001"
        elif kind == "Fixed2":
            typical[c.key] = "1234.565"
        elif kind == "Boolean":
            typical[c.key] = True
        elif kind == "DateTime":
            typical[c.key] = "2026-03-01T08:30:00"
        elif kind == "Date":
            typical[c.key] = "2026-03-01"
        elif kind == "JSON":
            typical[c.key] = {"要点": [1, "二"]}
        elif kind == "Integer":
            typical[c.key] = 7
        else:
            typical[c.key] = "和平路12号"
    nones = dict.fromkeys(typical)
    odd = {k: (0 if i % 2 else "") for i, k in enumerate(typical)}
    return [{}, typical, nones, odd, {k: v for i, (k, v) in enumerate(typical.items()) if i % 2}]


def test_generated_rows_equal_reference_rows_for_every_entity() -> None:
    def office(code: str) -> str:
        return f"local-{code}"

    checked = 0
    for codec in CODECS.values():
        for payload in _variants(codec):
            for deleted in (False, True):
                fast = codec.db_row("r1", 3, deleted, payload, office)
                slow = codec.db_row_slow("r1", 3, deleted, payload, office)
                assert fast == slow, (codec.entity, payload)
                checked += 1
    assert checked >= 10 * len(CODECS)


def test_money_and_office_references_are_converted() -> None:
    codec = CODECS["income_item"]
    names = [c.key for c in codec.columns]
    row = codec.db_row("r1", 2, False, {"amount": "900.125", "note": "养老金"}, str.upper)
    assert row[:4] == ("r1", 2, 0, 0)
    assert row[4 + names.index("amount")] == 90013  # fen, half up
    assert row[4 + names.index("note")] == "养老金"


def _stored(store: Store, table: str) -> list[tuple[Any, ...]]:
    """Every row of a table with each value's SQLite type (the timestamps of the write aside)."""
    with store.engine.connect() as conn:
        names = [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")]
        cols = [n for n in names if n not in ("created_at", "updated_at")]
        sql = f"SELECT {', '.join(f'{c}, typeof({c})' for c in cols)} FROM {table} ORDER BY id"
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def _write(store: Store, bulk: bool, entity: str, row: tuple, base: tuple) -> str:
    """One row and its base copy in their own transaction; what SQLite said of it."""
    codec = CODECS[entity]
    try:
        with relaxed(store, foreign_keys=False) as conn:
            if bulk:
                conn.exec_driver_sql(codec.bulk_upsert_sql, (orjson.dumps([row]),))
                conn.exec_driver_sql(BASE_BULK_UPSERT, (orjson.dumps([base]),))
            else:
                conn.exec_driver_sql(codec.upsert_sql, row)
                conn.exec_driver_sql(BASE_UPSERT, (*base[:3], orjson.dumps(base[3]).decode()))
    except IntegrityError as exc:  # e.g. a second office with the empty code
        return str(exc.orig)
    return "ok"


def test_bulk_upsert_stores_exactly_what_the_row_upsert_stores(tmp_path: Path) -> None:
    """The pull's one-statement upsert (a JSON array of rows, stepped by SQLite) leaves every
    table, value and SQLite type as the row-by-row upsert does, for new rows and for updates,
    refuses what it refuses, and keeps the same base-copy text."""
    plain = Store.create(tmp_path / "plain", new_database_key())
    bulk = Store.create(tmp_path / "bulk", new_database_key())
    written = 0
    try:
        for rev in (1, 2):  # first the inserts, then every row again as an update
            for codec in CODECS.values():
                variants = _variants(codec)
                for k, payload in enumerate(variants):
                    for deleted in (False, True):
                        rid = f"{codec.entity}-{k}-{int(deleted)}"
                        edited = payload if rev == 1 else {**payload, **variants[1]}
                        row = codec.db_row(rid, rev, deleted, edited, lambda c: f"local-{c}")
                        base = (codec.entity, rid, rev, edited)
                        said = _write(plain, False, codec.entity, row, base)
                        assert _write(bulk, True, codec.entity, row, base) == said, rid
                        written += said == "ok"
            for codec in CODECS.values():
                table = codec.table.name
                assert _stored(bulk, table) == _stored(plain, table), codec.entity
            assert _stored(bulk, "sync_base") == _stored(plain, "sync_base")
        assert written >= 15 * len(CODECS)
    finally:
        plain.close()
        bulk.close()
