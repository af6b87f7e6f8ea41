"""The case list as the screen reads it while the clerk types: one held read connection, what
a filter stands for read once until the data changes, count and first page from one read.

``count_cases`` and ``fetch_cases`` in ``search`` are the reference: every page and count here
is the same rows in the same order (``tests/core/test_case_list_fast.py``). The conditions are
the same functions; what differs is only what is read again:

- the households a typed text, a community or the actor's assignment stands for, and the
  counts, are kept per filter and dropped as soon as ``PRAGMA data_version`` on the held
  connection moves (any commit by any other connection or process: services, sync, imports;
  the held connection itself never writes);
- a text search matches at most 500 people, read with their households in one statement
  (``text_households_at_once``), so all its cases are read at once (ids and dates through the
  household index) and sorted here: the count is their number and every page a slice, with
  no COUNT and no second walk;
- any other filter reads a page as the reference does (a page in the second half of a list
  whose count is kept from the list's oldest end, the mirror order); its count is the page's length when
  the first page is short, a kept count, or ``count_apart`` (which the screen runs off the GUI
  thread, on a second connection that ``close`` interrupts). A filter whose count once took
  too long is not tried on the GUI thread again (a hint only: the count itself still comes).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from desktop.errors import StoreError
from desktop.services.base import PROVIDER_ROLES, Actor, Scope, service
from desktop.services.family.search import (
    LIST_ORDER,
    CaseFilter,
    case_conditions,
    case_rows,
    community_households,
    scope_households,
    text_households_at_once,
    text_resolves,
)
from desktop.store.models import Application
from desktop.store.store import Store

KEPT_FILTERS = 64  # filters whose households, case ids or counts are kept (most recent first)
# The held connection's page cache: a keystroke reads a few thousand scattered pages (people,
# households, cases) and each page read again from the file is decrypted again; with the
# connection's usual 8 MiB a few searches push each other's pages out. Filled only as pages
# are read; given back (and the usual size restored) by ``close``.
LIST_CACHE_KIB = 32 * 1024
_OLDEST = date.min


@dataclass(frozen=True)
class ListPage:
    """Rows of one page (``CaseRow`` fields as tuples, list order) and the number of cases the
    filter shows when known without a count (None otherwise)."""

    rows: list[tuple[Any, ...]]
    total: int | None


class CaseList:
    """The fast path of one actor's case list; ``close`` gives the connection back."""

    def __init__(self, store: Store, actor: Actor) -> None:
        self.store = store
        self.actor = actor
        self._full = actor.sees_full_personal_data()
        self._conn: Connection | None = None
        self._usual_cache: int | None = None
        self._version: int | None = None
        self._texts: OrderedDict[str, list[str]] = OrderedDict()
        self._communities: OrderedDict[str, list[str]] = OrderedDict()
        self._scope: tuple[list[str] | None] | None = None
        self._ids: OrderedDict[CaseFilter, list[str]] = OrderedDict()
        self._counts: OrderedDict[CaseFilter, int] = OrderedDict()
        self._apart: Connection | None = None  # the counting thread's connection
        self._apart_lock = threading.Lock()
        self._closed = False
        self._slow: set[CaseFilter] = set()  # counts that took longer than asked: not retried

    # -- the held connection and what is kept -------------------------------------------------
    def _reader(self) -> Connection:
        """The connection, with everything kept dropped if the data changed since last read."""
        if self._conn is None:
            self._conn = self.store.engine.connect()
            self._usual_cache = self._conn.exec_driver_sql("PRAGMA cache_size").scalar()
            self._conn.exec_driver_sql(f"PRAGMA cache_size = -{LIST_CACHE_KIB}")
        version = self._conn.exec_driver_sql("PRAGMA data_version").scalar()
        if version != self._version:
            self._version = version
            self.forget()
        return self._conn

    def _done(self) -> None:
        # End the read (SQLAlchemy begins one on first use): the next sees every later commit.
        if self._conn is not None:
            self._conn.rollback()

    def forget(self) -> None:
        """Drop everything kept (the data changed)."""
        self._texts.clear()
        self._communities.clear()
        self._scope = None
        self._ids.clear()
        self._counts.clear()

    def version(self) -> int | None:
        """A token of the data as last read; a count made under another token is not kept."""
        self._reader()
        self._done()
        return self._version

    def close(self) -> None:
        """Give both connections back; a count running on the other thread is interrupted."""
        self._closed = True
        apart = self._apart
        if apart is not None:
            apart.connection.dbapi_connection.interrupt()  # type: ignore[union-attr]
        with self._apart_lock:
            if self._apart is not None:
                self._apart.close()
                self._apart = None
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):  # back to the pool as it came
                self._conn.exec_driver_sql(f"PRAGMA cache_size = {int(self._usual_cache or -2000)}")
                self._conn.exec_driver_sql("PRAGMA shrink_memory")
            self._conn.close()
            self._conn = None
        self.forget()

    @staticmethod
    def _keep(kept: OrderedDict[Any, Any], key: Any, value: Any) -> Any:
        kept[key] = value
        kept.move_to_end(key)
        while len(kept) > KEPT_FILTERS:
            kept.popitem(last=False)
        return value

    # -- the filter, resolved ------------------------------------------------------------------
    def _visible(self, f: CaseFilter) -> CaseFilter:
        return replace(f, office_id=self.actor.office_id)

    def _where(self, reader: Connection, f: CaseFilter) -> list[Any]:
        by_text = by_community = None
        if text_resolves(f):
            key = f.text.strip()
            by_text = self._texts.get(key)
            if by_text is None:
                by_text = self._keep(self._texts, key, text_households_at_once(reader, key))
        if f.community:
            by_community = self._communities.get(f.community)
            if by_community is None:
                by_community = self._keep(
                    self._communities, f.community, community_households(reader, f.community)
                )
        if self._scope is None:
            self._scope = (scope_households(reader, self.actor),)
        return case_conditions(f, by_text, by_community, self._scope[0])

    def _all_ids(self, reader: Connection, f: CaseFilter) -> list[str]:
        """Every case of a text search, newest first (as ``LIST_ORDER``): the rows are few."""
        ids = self._ids.get(f)
        if ids is None:
            rows = reader.execute(
                select(Application.id, Application.applied_on).where(*self._where(reader, f))
            ).all()
            # applied_on DESC, id DESC; a missing date sorts last, as SQLite sorts NULL in DESC.
            newest = sorted(
                rows, key=lambda r: (r[1] is not None, r[1] or _OLDEST, r[0]), reverse=True
            )
            ids = self._keep(self._ids, f, [r[0] for r in newest])
        return ids

    # -- what the screen asks ------------------------------------------------------------------
    def page(self, f: CaseFilter, offset: int, limit: int) -> ListPage:
        """Rows ``offset`` … ``offset + limit`` of the list, and the total when known."""
        f = self._visible(f)
        reader = self._reader()
        try:
            if text_resolves(f):
                ids = self._all_ids(reader, f)
                return ListPage(
                    case_rows(reader, ids[offset : offset + limit], self._full), len(ids)
                )
            where = self._where(reader, f)
            total = self._counts.get(f)
            if total is not None and offset > total // 2:
                page_ids = self._from_the_end(reader, where, total, offset, limit)
            else:
                stmt = select(Application.id).where(*where).order_by(*LIST_ORDER)
                page_ids = list(reader.scalars(stmt.offset(offset).limit(limit)))
            if total is None and offset == 0 and len(page_ids) < limit:
                total = self._keep(self._counts, f, len(page_ids))
            return ListPage(case_rows(reader, page_ids, self._full), total)
        finally:
            self._done()

    @staticmethod
    def _from_the_end(
        reader: Connection, where: list[Any], total: int, offset: int, limit: int
    ) -> list[str]:
        """A page in the second half of a list whose length is known, read from its oldest end
        (the same rows: the mirror of ``LIST_ORDER``), so the last pages walk few rows."""
        end = min(offset + limit, total)
        if end <= offset:
            return []
        oldest = (Application.applied_on.asc(), Application.id.asc())
        stmt = select(Application.id).where(*where).order_by(*oldest)
        ids = list(reader.scalars(stmt.offset(total - end).limit(end - offset)))
        ids.reverse()
        return ids

    def known_count(self, f: CaseFilter) -> int | None:
        """The count when it is known without counting (a text search, a kept count)."""
        f = self._visible(f)
        reader = self._reader()
        try:
            if text_resolves(f):
                return len(self._all_ids(reader, f))
            return self._counts.get(f)
        finally:
            self._done()

    def count(self, f: CaseFilter, within: float | None = None) -> int | None:
        """How many cases the filter shows (``count_cases``), kept until the data changes.
        With ``within`` (seconds), a count that would take longer is given up: None, to be
        made by ``count_apart`` on another thread."""
        known = self.known_count(f)
        f = self._visible(f)
        if known is not None or (within is not None and (within <= 0 or f in self._slow)):
            return known
        reader = self._reader()
        raw = reader.connection.dbapi_connection
        if within is not None:
            deadline = time.perf_counter() + within
            raw.set_progress_handler(lambda: time.perf_counter() > deadline, 1_000)  # type: ignore[union-attr]
        try:
            stmt = select(func.count()).select_from(Application).where(*self._where(reader, f))
            return self._keep(self._counts, f, reader.scalar(stmt) or 0)
        except OperationalError:
            if within is None:
                raise
            self._slow.add(f)  # interrupted by the deadline
            return None
        finally:
            if within is not None:
                raw.set_progress_handler(None, 0)  # type: ignore[union-attr]
            self._done()

    def count_apart(self, f: CaseFilter) -> int:
        """``count_cases`` on a connection of its own, for a thread other than the screen's
        (one count at a time; nothing kept is read or written here)."""
        with self._apart_lock:
            if self._closed:
                raise StoreError("案件列表已关闭")
            if self._apart is None:
                self._apart = self.store.engine.connect()
            conn = self._apart
            f = self._visible(f)
            try:
                by_text = (
                    text_households_at_once(conn, f.text.strip()) if text_resolves(f) else None
                )
                by_community = community_households(conn, f.community) if f.community else None
                where = case_conditions(
                    f, by_text, by_community, scope_households(conn, self.actor)
                )
                return conn.scalar(select(func.count()).select_from(Application).where(*where)) or 0
            finally:
                conn.rollback()

    def keep_count(self, f: CaseFilter, n: int, version: int | None) -> None:
        """A count made elsewhere (off the GUI thread) while the data was at ``version``."""
        if version is not None and self.version() == version:
            self._keep(self._counts, self._visible(f), n)


@service(roles=PROVIDER_ROLES, scope=Scope.NONE("results are filtered by visible_households"))
def open_case_list(store: Store, actor: Actor) -> CaseList:
    """The case list of ``actor`` (the families this actor may see), for a screen to page."""
    return CaseList(store, actor)
