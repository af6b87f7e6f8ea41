"""The PostgreSQL import path: a feed file's cells are streamed by COPY into a staging table and
checked, normalised (15→18 digits), keyed and written set-based in SQL. SQL accepts only rows
it can decide exactly as the reference checks would; every other row is handed back to the
reference path (``importer._plain_row``), so each error and each odd row is its own."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection

from desktop.domain.ids import _CHECK, _PROVINCES, _WEIGHTS
from sync.hub import db
from sync.hub.feeds import FeedKind

CHUNK = 100_000  # rows per staging round (one write transaction each)
#: Characters ``str.strip()`` removes: a name cell starting or ending with one goes to Python.
_SPACES = "".join(chr(i) for i in range(0x110000) if chr(i).isspace())
_AMOUNT_RE = r"^(0|[1-9][0-9]*)(\.[0-9]+)?$"  # what str(Decimal(x)) gives back unchanged


def crypto_schema(conn: Connection) -> str | None:
    """The schema of the pgcrypto extension (its ``digest`` makes the SHA-1 content keys in
    SQL), or None: then the import takes the Python path."""
    if conn.dialect.name != "postgresql":
        return None
    found = conn.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pgcrypto'"
    ).scalar()
    return str(found) if found else None


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Stager:
    """Checks and writes one file's rows chunk by chunk (the cells of full-width rows)."""

    def __init__(self, kind: FeedKind, header: list[str], where: dict[str, int], name: str,
                 sha: str, crypto: str) -> None:  # fmt: skip
        from sync.hub.feeds.importer import _plain_row, parse_date

        self.kind, self.header, self.where, self.name, self.sha = kind, header, where, name, sha
        self.width = len(header)
        self.raw = f"feed_raw_{self.width}"
        self._plain = lambda line, cells: _plain_row(kind, header, where, name, sha, line, cells)
        self._parse_date = parse_date
        self.dates: dict[str, str | None] = {}
        self.codes: dict[str, str | None] = {}
        self.sql = self._accept_sql(crypto)

    # -- mapping of the few distinct dates and codes, by the reference rules --------------
    def _date(self, raw: str) -> str | None:
        if raw not in self.dates:
            try:
                self.dates[raw] = self._parse_date(raw.strip())
            except ValueError:
                self.dates[raw] = None
        return self.dates[raw]

    def _code(self, raw: str) -> str | None:
        if raw not in self.codes:
            code, codes = raw.strip(), self.kind.codes
            by_label = {v: k for k, v in codes.items()}
            code = code if code in codes else by_label.get(code, code)
            self.codes[raw] = None if codes and code not in codes else code
        return self.codes[raw]

    def _accept_sql(self, crypto: str) -> str:
        """INSERT … SELECT of the rows SQL decides. An ID number is its region (6 digits),
        birth date (8; the two digits of 19 added to a 15-digit number) and sequence (3):
        each part is looked up in a table holding only valid parts with their weighted
        digit sum, so a found row has valid digits and its check character is one sum."""
        w, k = self.where, self.kind
        col = {f: f"r.c{i}" for f, i in w.items()}
        cid = col["id_number"]
        spaces = _lit(_SPACES)
        nm = col.get("name", "''")
        check = f"substr('{_CHECK}', (g.w + b.w + q.w) % 11 + 1, 1)"
        conditions = [f"(length({cid}) = 15 OR substr({cid}, 18, 1) = {check})"]
        if "name" in col:  # a name with no spaces around it is its own stripped value
            clean = f"strpos({spaces}, left({nm}, 1)) = 0 AND strpos({spaces}, right({nm}, 1)) = 0"
            empty = f"{nm} <> '' AND" if "name" in k.required else f"{nm} = '' OR"
            conditions.append(f"({empty} ({clean}))")
        birth = (f"CASE length({cid}) WHEN 18 THEN substr({cid}, 7, 8) "
                 f"WHEN 15 THEN '19' || substr({cid}, 7, 6) END")  # fmt: skip
        seq = (f"CASE length({cid}) WHEN 18 THEN substr({cid}, 15, 3) "
               f"WHEN 15 THEN substr({cid}, 13, 3) END")  # fmt: skip
        joins = (
            f"JOIN feed_regions g ON g.p = substr({cid}, 1, 6) JOIN feed_births b ON b.d = {birth} "
            f"JOIN feed_seqs q ON q.s = {seq} JOIN feed_dates d ON d.raw = {col['event_date']}"
        )
        code_sql = "''"
        if "code" in w:
            joins += f" JOIN feed_codes k ON k.raw = {col['code']}"
            code_sql = "k.code"
        amount_text, amount = "''", "NULL::float8"
        if "amount" in w:
            am = col["amount"]
            conditions.append(f"({am} = '' OR {am} ~ '{_AMOUNT_RE}')")
            amount_text = am
            amount = f"CASE WHEN {am} = '' THEN NULL ELSE {am}::float8 END"
        idn = f"(g.p || b.d || q.s || {check})"
        values = {"id_number": idn, "name": f"left({nm}, 40)", "event_date": "d.iso",
                  "code": code_sql, "amount": amount_text}  # fmt: skip
        key = " || '|' || ".join([_lit(k.kind), *(values[f] for f in k.key)])
        evidence = " || ',' || ".join(
            f"{_lit(orjson.dumps(h).decode() + ':')} || to_json(r.c{i})::text"
            for i, h in enumerate(self.header)
        )
        return (
            "INSERT INTO feed_ready (row_key, kind, id_number, name, event_date, code, amount, "
            "data, file_sha, line) "
            f"SELECT encode({crypto}.digest(convert_to({key}, 'UTF8'), 'sha1'), 'hex'), "
            f"{_lit(k.kind)}, {idn}, {values['name']}, d.iso, {code_sql}, {amount}, "
            f"'{{' || {evidence} || '}}', {_lit(self.sha)}, r.line "
            f"FROM {self.raw} r {joins} WHERE " + " AND ".join(conditions)
        )

    # -- one chunk ------------------------------------------------------------------------
    def flush(
        self,
        database: db.Database,
        rows: list[tuple],
        ready: list[tuple],
        turn: Turn | None = None,
        index: int = 0,
    ) -> tuple[int, list]:
        """Stage, check and write one chunk: full-width rows (line, *cells) and rows the
        reference path already decided; return (rows new in the table, RowErrors). The
        checks run in the chunk's own session beside the previous chunk's write; the write
        takes the hub's writer lock in chunk order (``turn``), so earlier lines win."""
        try:
            with database.engine.connect() as conn:
                tx = conn.begin()
                try:
                    added, errors = self._chunk(database, conn, rows, ready, turn, index)
                except BaseException:
                    if tx.is_active:
                        tx.rollback()
                    raise
        finally:
            if turn is not None:
                turn.done(index)
        return added, errors

    def _chunk(
        self,
        database: db.Database,
        conn: Connection,
        rows: list[tuple],
        ready: list[tuple],
        turn: Turn | None,
        index: int,
    ) -> tuple[int, list]:
        errors: list = []
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cells = ", ".join(f"c{i} TEXT" for i in range(self.width))
        cur.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.raw} (line INTEGER, {cells}) "
            "ON COMMIT DELETE ROWS"
        )
        cur.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS feed_ready "
            "(LIKE hub_feed_rows INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        cur.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS feed_dates (raw TEXT PRIMARY KEY, "
            "iso TEXT NOT NULL) ON COMMIT DELETE ROWS"
        )
        cur.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS feed_codes (raw TEXT PRIMARY KEY, "
            "code TEXT NOT NULL) ON COMMIT DELETE ROWS"
        )
        with cur.copy(f"COPY {self.raw} FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        self._id_tables(cur)
        cur.execute(f"SELECT DISTINCT c{self.where['event_date']} FROM {self.raw}")
        found = [(r, self._date(r)) for (r,) in cur.fetchall()]
        with cur.copy("COPY feed_dates (raw, iso) FROM STDIN") as copy:
            for pair in found:
                if pair[1] is not None:
                    copy.write_row(pair)
        if "code" in self.where:
            cur.execute(f"SELECT DISTINCT c{self.where['code']} FROM {self.raw}")
            mapped = [(r, self._code(r)) for (r,) in cur.fetchall()]
            with cur.copy("COPY feed_codes (raw, code) FROM STDIN") as copy:
                for pair in mapped:
                    if pair[1] is not None:
                        copy.write_row(pair)
        cur.execute("ANALYZE feed_dates")
        cur.execute("ANALYZE feed_codes")
        cur.execute("SET LOCAL enable_nestloop = off")  # hash joins: its estimates are off
        cur.execute(self.sql)
        cur.execute("SET LOCAL enable_nestloop = on")
        cols = ", ".join(f"r.c{i}" for i in range(self.width))
        cur.execute(
            f"SELECT r.line, {cols} FROM {self.raw} r WHERE NOT EXISTS "
            "(SELECT 1 FROM feed_ready f WHERE f.line = r.line) ORDER BY r.line"
        )
        decided = list(ready)
        for line, *rest in cur.fetchall():
            item = self._plain(line, list(rest))
            if isinstance(item, tuple):
                decided.append(item)
            else:
                errors.append(item)
        if decided:
            with cur.copy(f"COPY feed_ready ({_COLUMNS}) FROM STDIN") as copy:
                for item in decided:
                    copy.write_row(item)
        if turn is not None:
            turn.wait(index)
        with database.writing(conn):
            # the first line of a content key wins, as row by row; rows go in key order
            # (the primary-key index is then written page after page, not at random)
            cur.execute(
                f"INSERT INTO hub_feed_rows ({_COLUMNS}) SELECT DISTINCT ON (row_key) "
                f"{_COLUMNS} FROM feed_ready ORDER BY row_key, line "
                "ON CONFLICT (row_key) DO NOTHING"
            )
            added = int(cur.rowcount)
            cur.close()
            conn.commit()
        return added, errors

    def _id_tables(self, cur: Any) -> None:
        """The valid ID parts with their weighted digit sums: birth dates 1890-01-01 … today
        (what ``parse_id`` accepts) and sequences once per connection and day, this chunk's
        region prefixes (a known province) each chunk."""
        today = date.today()
        cur.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS feed_births (d TEXT PRIMARY KEY, w INTEGER)"
        )
        cur.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS feed_seqs (s TEXT PRIMARY KEY, w INTEGER)"
        )
        cur.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS feed_regions (p TEXT PRIMARY KEY, w INTEGER) "
            "ON COMMIT DELETE ROWS"
        )
        cur.execute("SELECT max(d) FROM feed_births")
        if cur.fetchone()[0] != today.strftime("%Y%m%d"):
            cur.execute("DELETE FROM feed_births")
            cur.execute("DELETE FROM feed_seqs")
            first = date(1890, 1, 1).toordinal()
            with cur.copy("COPY feed_births (d, w) FROM STDIN") as copy:
                for n in range(first, today.toordinal() + 1):
                    d = date.fromordinal(n).strftime("%Y%m%d")
                    copy.write_row((d, _weighted(d, 6)))
            with cur.copy("COPY feed_seqs (s, w) FROM STDIN") as copy:
                for n in range(1000):
                    copy.write_row((f"{n:03d}", _weighted(f"{n:03d}", 14)))
            cur.execute("ANALYZE feed_births")
            cur.execute("ANALYZE feed_seqs")
        cur.execute(f"SELECT DISTINCT substr(c{self.where['id_number']}, 1, 6) FROM {self.raw}")
        prefixes = cur.fetchall()
        with cur.copy("COPY feed_regions (p, w) FROM STDIN") as copy:
            for (p,) in prefixes:
                if len(p) == 6 and p.isascii() and p.isdigit() and p[:2] in _PROVINCES:
                    copy.write_row((p, _weighted(p, 0)))
        cur.execute("ANALYZE feed_regions")


def _weighted(digits: str, at: int) -> int:
    """The GB 11643 weighted sum of ``digits`` standing at position ``at`` of the number."""
    return sum(int(c) * _WEIGHTS[at + i] for i, c in enumerate(digits))


_COLUMNS = "row_key, kind, id_number, name, event_date, code, amount, data, file_sha, line"


class Turn:
    """Chunks write in their order: chunk ``n`` waits until every earlier chunk is done."""

    def __init__(self) -> None:
        self._next = 0
        self._done: set[int] = set()
        self._cond = threading.Condition()

    def wait(self, index: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._next == index)

    def done(self, index: int) -> None:
        with self._cond:
            self._done.add(index)
            while self._next in self._done:
                self._next += 1
            self._cond.notify_all()


def import_rows(
    database: db.Database, stager: Stager, rows: Iterable[tuple[int, list[str]]]
) -> tuple[int, int, list]:
    """Stream ``rows`` through ``stager`` chunk by chunk (one chunk is checked in the
    database while the next is read, at most two are held); return (rows read, rows new,
    RowErrors in line order)."""
    width, plain = stager.width, stager._plain
    read = added = 0
    errors: list = []
    batch: list[tuple] = []
    ready: list[tuple] = []
    turn = Turn()
    pending: list[Future[tuple[int, list]]] = []
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="feed-stage") as workers:

        def submit() -> None:
            nonlocal added, errors
            if len(pending) >= 2:  # at most two chunks in the database, one being read
                n, found = pending.pop(0).result()
                added, errors = added + n, errors + found
            index = turn_index[0]
            turn_index[0] += 1
            pending.append(workers.submit(stager.flush, database, batch, ready, turn, index))

        turn_index = [0]
        for line, cells in rows:
            read += 1
            if len(cells) == width:
                batch.append((line, *cells))
            else:  # a short or long row: the reference path decides it here
                item = plain(line, cells)
                if isinstance(item, tuple):
                    ready.append(item)
                else:
                    errors.append(item)
            if len(batch) >= CHUNK:
                submit()
                batch, ready = [], []
        if batch or ready:
            submit()
        for future in pending:
            n, found = future.result()
            added, errors = added + n, errors + found
    errors.sort(key=lambda e: e.line)
    return read, added, errors
