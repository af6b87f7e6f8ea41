"""The SQL expressions of ``sync.hub.sqltext`` give the text Python gives: ``uuid.uuid5`` ids,
``records.dumps`` of strings and office lists, ``f"{x:g}"`` of floats — on SQLite and on
PostgreSQL (pgcrypto's SHA-1, ``to_json``, the C library's %g)."""

from __future__ import annotations

import math
import os
import random
import struct
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from sync.hub import compare, migrations, registry
from sync.hub.db import Database
from sync.hub.records import dumps
from sync.hub.sqltext import SqlText, lit, sql_text
from tests.sync.conftest import BACKENDS, PG_ENV

NAMES = ["", "a", "rule:" + "0" * 40, "vehicle:3f2a", "120103195001010011|dibao|金民",
         "张三丰😀", "quote'\"\\", "x" * 300, "\u2028\u00e9\t"]  # fmt: skip
TEXTS = [chr(i) for i in range(1, 0x30)] + ["", "张\"三\\丰\n", "\x7f\u2028\u2029", "😀",
         "</script>", "a/b", "'", "\ufeff", "\U0010ffff"]  # fmt: skip


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    schema = None
    if request.param == "sqlite":
        d = Database(f"sqlite:///{tmp_path_factory.mktemp('sqltext')}/hub.db")
    else:
        base = os.environ[PG_ENV]
        schema = f"sqltext_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in base else "?"
        d = Database(f"{base}{sep}options=-csearch_path%3D{schema}")
    migrations.upgrade(d)
    yield d
    d.dispose()
    if schema is not None:
        with psycopg.connect(os.environ[PG_ENV], autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _one(database: Database, make: object, values: list, bound: bool = False) -> list:
    """Each value through the SQL expression ``make(sql, value)``; ``bound``: the value is
    passed as the statement's one parameter (``make`` places it)."""
    with database.read() as conn:
        sql = sql_text(conn)
        assert isinstance(sql, SqlText)
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        out = []
        with sql.float_g(cur):
            for v in values:
                if bound:
                    mark = "?" if sql.sqlite else "%s"
                    cur.execute(f"SELECT {make(sql, mark)}", (v,))  # type: ignore[operator]
                else:
                    cur.execute(f"SELECT {make(sql, v)}")  # type: ignore[operator]
                out.append(cur.fetchone()[0])
        cur.close()
    return out


def test_uuid5_ids_in_sql_are_pythons(database: Database) -> None:
    for namespace in (compare.NAMESPACE, registry.NAMESPACE):
        got = _one(database, lambda sql, v, ns=namespace: (
            f"{sql.uuid_of(ns, 'x.h')} FROM (SELECT {sql.uuid_hash(ns, lit(v))} AS h"
            f"{sql.fence}) x"), NAMES)  # fmt: skip
        assert got == [str(uuid.uuid5(namespace, n)) for n in NAMES]


def test_json_strings_in_sql_are_the_hubs(database: Database) -> None:
    assert _one(database, lambda sql, v: sql.json(lit(v)), TEXTS) == [dumps(t) for t in TEXTS]
    assert _one(database, lambda sql, v: sql.json("NULL"), [0]) == ["null"]
    assert _one(database, lambda sql, v: sql.integer(str(v)), [0, 7, 2**40]) == [
        "0", "7", str(2**40)
    ]  # fmt: skip


def test_office_lists_in_sql_are_the_hubs(database: Database) -> None:
    pairs = [("", ""), ("120103001", ""), ("", "120103002"), ("120103001", "120103001"),
             ("120103001", "120103002")]  # fmt: skip
    got = _one(database, lambda sql, v: sql.offices(lit(v[0]), lit(v[1])), pairs)
    assert got == [dumps(list(dict.fromkeys(o for o in p if o))) for p in pairs]


def test_g_numbers_in_sql_are_pythons(database: Database) -> None:
    rng = random.Random(7)
    values = [
        0.0,
        -0.0,
        1e-5,
        0.0001,
        0.5,
        2.5,
        12.0,
        3500.5,
        99999.95,
        123456.5,
        999999.5,
        1e6,
        1234565.0,
        1234575.0,
        23456.78,
        1e16,
        1.7976931348623157e308,
        5e-324,
    ]
    values += [rng.uniform(0, 1e7) for _ in range(300)]
    values += [rng.random() * 10 ** rng.randint(-8, 14) for _ in range(300)]
    values += [struct.unpack("d", struct.pack("Q", rng.getrandbits(62)))[0] for _ in range(200)]
    values = [v for v in values if math.isfinite(v)]
    got = _one(database, lambda sql, p: sql.g(f"CAST({p} AS DOUBLE PRECISION)"), values, True)
    assert got == [f"{v:g}" for v in values]
    # and the setting is back: a float reads at full precision after float_g
    with database.read() as conn:
        sql = sql_text(conn)
        assert sql is not None
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        with sql.float_g(cur):
            pass
        cur.execute("SELECT CAST(0.1234567890123 AS DOUBLE PRECISION)")
        assert cur.fetchone()[0] == 0.1234567890123
        cur.close()
