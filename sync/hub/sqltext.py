"""SQL expressions that give exactly the text Python gives — uuid5 ids, compact JSON strings and
``f"{x:g}"`` numbers — so the hub builds large publications in the database: on PostgreSQL with
pgcrypto's SHA-1 and ``to_json``, on SQLite with ``json_quote`` and two Python functions
registered on the connection (tests/sync/test_sql_text.py proves each equal to Python)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from sync.hub.feeds.staged import crypto_schema


@lru_cache(maxsize=8)
def _namespace(text: str) -> uuid.UUID:
    return uuid.UUID(text)


def _uuid5(namespace: str, name: str | None) -> str | None:
    return None if name is None else str(uuid.uuid5(_namespace(namespace), name))


def _g(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def lit(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class SqlText:
    """The expressions of one connection's dialect (``crypto``: pgcrypto's schema)."""

    sqlite: bool
    crypto: str = ""

    @property
    def fence(self) -> str:
        """What ends a subquery so its columns are computed once per row (PostgreSQL would
        otherwise pull it up and compute ``uuid_hash`` at every use)."""
        return "" if self.sqlite else " OFFSET 0"

    def json(self, expr: str) -> str:
        """The JSON text of a text value (``null`` for NULL), as ``records.dumps`` writes it."""
        if self.sqlite:
            return f"json_quote({expr})"
        return f"COALESCE(CAST(to_json(CAST({expr} AS TEXT)) AS TEXT), 'null')"

    def integer(self, expr: str) -> str:
        """The decimal text of a non-null integer."""
        return f"CAST({expr} AS TEXT)"

    def g(self, expr: str) -> str:
        """``f"{x:g}"`` of a float column; on PostgreSQL only inside ``float_g``."""
        if self.sqlite:
            return f"hub_g({expr})"
        return f"CAST({expr} AS TEXT)"

    def uuid_hash(self, namespace: uuid.UUID, name: str) -> str:
        """The per-row value ``uuid_of`` makes the id from: compute it once, in a subquery
        (``OFFSET 0``) whose column ``uuid_of`` then reads."""
        if self.sqlite:
            return name
        return (
            f"{self.crypto}.digest(decode('{namespace.hex}', 'hex') || convert_to({name}, 'UTF8'), "
            "'sha1')"
        )

    def uuid_of(self, namespace: uuid.UUID, hashed: str) -> str:
        """``str(uuid.uuid5(namespace, name))`` from the column holding ``uuid_hash``: the first
        16 bytes of the SHA-1 with the version (5) and variant bits set, as 8-4-4-4-12 hex."""
        if self.sqlite:
            return f"hub_uuid5('{namespace}', {hashed})"
        h = hashed
        raw = (
            f"set_byte(set_byte(substring({h} from 1 for 16), 6, (get_byte({h}, 6) & 15) | 80), "
            f"8, (get_byte({h}, 8) & 63) | 128)"
        )
        return f"CAST(CAST(encode({raw}, 'hex') AS uuid) AS TEXT)"

    def offices(self, owner: str, residence: str) -> str:
        """The JSON list ``dumps(list(dict.fromkeys(o for o in (owner, residence) if o)))``."""
        a, b = self.json(owner), self.json(residence)
        return (
            f"CASE WHEN {owner} = '' AND {residence} = '' THEN '[]' "
            f"WHEN {owner} = '' THEN '[' || {b} || ']' "
            f"WHEN {residence} = '' OR {residence} = {owner} THEN '[' || {a} || ']' "
            f"ELSE '[' || {a} || ',' || {b} || ']' END"
        )

    @contextmanager
    def float_g(self, cur: Any) -> Iterator[None]:
        """PostgreSQL writes a float as ``%.6g`` (what ``f"{x:g}"`` gives) while inside: its
        ``extra_float_digits`` at -9 (15 − 9 = 6 digits, formatted by the C library's %g);
        restored after, so no other float is read at that precision."""
        if self.sqlite:
            yield
            return
        cur.execute("SHOW extra_float_digits")
        before = int(cur.fetchone()[0])
        cur.execute("SET LOCAL extra_float_digits = -9")
        try:
            yield
        finally:
            cur.execute(f"SET LOCAL extra_float_digits = {before}")


def sql_text(conn: Connection) -> SqlText | None:
    """The expressions for this connection, or None on PostgreSQL without pgcrypto (then the
    hub builds the text in Python). On SQLite the Python functions are registered here."""
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.create_function("hub_uuid5", 2, _uuid5, deterministic=True)  # type: ignore[attr-defined]
        raw.create_function("hub_g", 1, _g, deterministic=True)  # type: ignore[attr-defined]
        return SqlText(sqlite=True)
    crypto = crypto_schema(conn)
    return SqlText(sqlite=False, crypto=crypto) if crypto else None
