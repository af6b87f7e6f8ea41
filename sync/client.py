"""The desk's sync client (no Qt): push the outbox, then pull pages after the stored cursor.

``SyncClient(store, api).sync_once(progress, cancelled)`` is resumable at any point: entries
without an answer stay ``sent`` and are resent with the same change_id; pulled pages are
applied together with the last one's cursor in one transaction, so a cut repeats only the
pages of that transaction.

A sync is a sequence of short store steps and network requests: take an outbox batch [db] →
POST [net] → record the results [db] → GET a page [net] → apply the page [db] … . The thread
calling ``sync_once`` does the network requests (through ``HubApi`` only); every store step goes
through ``run_db(fn, *args)``. Headless (``main.py --sync``) that runs it in place; the window
passes ``ui.ops.run_on_writer`` so the steps queue on the writer thread between the saves.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from desktop.errors import DeskError
from desktop.store.outbox import UNSENT, sql_in
from desktop.store.store import Store
from sync.apply import Screened, apply_page, screen
from sync.audit_checkpoint import local_state, send_checkpoint
from sync.conflicts import office_codes
from sync.directory import refill_numbers, refresh_city_policy, refresh_directory
from sync.files import download_missing, ensure_attachment_meta, remember_downloads, upload_pending
from sync.hub_client import HubApi
from sync.identity import MERGE_NOTICE
from sync.outbox import (
    Entry,
    PushCounts,
    note_error,
    record_results,
    reject,
    release,
    take_batch,
    wire_changes,
)
from sync.protocol import MAX_PULL_LIMIT, MAX_PUSH_CHANGES
from sync.state import CURSOR, HUB_URL, LAST_RESULT, LAST_SYNC_AT, TOKEN, get_many, put, relaxed
from sync.transport import (
    CANCELLED_MESSAGE,
    HttpClient,
    HubError,
    HubRefused,
    HubUnavailable,
    ProgressHook,
    SyncCancelled,
)

log = logging.getLogger(__name__)
Cancelled = Callable[[], bool]
type Fed = tuple[dict[str, Any], Screened] | Exception
DbRunner = Callable[..., Any]  # run_db(fn, *args) -> fn(*args), wherever store steps must run
BISECT_CODES = frozenset({"malformed", "too_large"})
PULL_AHEAD = 3  # pages received and screened while the store takes the ones before
PULL_BATCH_RECORDS = 15_000  # pulled pages waiting are stored together up to this many records
PIPELINE = 5  # batches taken (marked sent) at once and posted back to back
STATUS_REFRESH_S = 60.0  # an unchanged sync result is rewritten at most this often


class NotRegistered(DeskError):
    """The desk has no hub address or token yet."""


@dataclass
class SyncSummary:
    """What one sync did; ``ok`` is False when something stopped it (see ``errors``)."""

    pushed: int = 0
    applied: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    skipped: int = 0
    deleted: int = 0
    uploaded: int = 0
    downloaded: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)  # pulled records refused as invalid
    merged: list[str] = field(default_factory=list)  # persons registered twice, merged into one
    notices: list[str] = field(default_factory=list)  # news for the user, nothing went wrong
    cancelled: bool = False
    seconds: float = 0.0

    @property
    def stopped(self) -> bool:
        """Something stopped the sync part-way (the later steps were not run)."""
        return bool(self.errors) or self.cancelled

    @property
    def ok(self) -> bool:
        """Everything went through: nothing stopped it, nothing was refused or held back."""
        return not self.stopped and not self.problems

    def text(self) -> str:
        """One Chinese line for the status bar and the command line."""
        head = "同步完成" if self.ok else ("同步已取消" if self.cancelled else "同步未完成")
        parts = [
            f"上传 {self.pushed} 条（成功 {self.applied}，冲突 {self.conflicts}，"
            f"被拒 {self.rejected}）",
            f"接收 {self.pulled} 条",
        ]
        if self.uploaded or self.downloaded:
            parts.append(f"附件上传 {self.uploaded} 个、下载 {self.downloaded} 个")
        if self.merged:
            parts.append(f"{MERGE_NOTICE} {len(self.merged)} 人（见家庭的操作记录）")
        if self.quarantined:
            parts.append(f"隔离 {len(self.quarantined)} 条内容不正确的记录（见“同步”页）")
        parts.extend(self.notices)
        text = f"{head}：" + "；".join(parts)
        reasons = self.errors or self.problems
        if reasons:
            text += "。原因：" + reasons[0]
        return text


def run_inline[T](fn: Callable[..., T], *args: Any) -> T:
    """The default ``run_db``: run the store step in the calling thread."""
    return fn(*args)


class SyncClient:
    """Push then pull against one hub for one local store."""

    def __init__(
        self,
        store: Store,
        api: HubApi,
        push_batch: int = MAX_PUSH_CHANGES,
        pull_limit: int = MAX_PULL_LIMIT,
        run_db: DbRunner = run_inline,
    ) -> None:
        self.store = store
        self.api = api
        self.push_batch = push_batch
        self.pull_limit = pull_limit
        self.run_db = run_db
        self._cancelled: Cancelled | None = None

    def _db[T](self, fn: Callable[..., T], *args: Any) -> T:
        result: T = self.run_db(fn, *args)
        return result

    def _stop_requested(self) -> bool:
        return self._cancelled is not None and self._cancelled()

    # ------------------------------------------------------------------ entry point
    def sync_once(
        self, progress: ProgressHook | None = None, cancelled: Cancelled | None = None
    ) -> SyncSummary:
        """Push every sendable outbox entry, then pull until the hub has nothing more."""
        summary = SyncSummary()
        start = time.perf_counter()
        self._cancelled = cancelled
        try:
            with self._guard(summary):
                self.push(summary, progress, cancelled)
            if not summary.stopped:
                with self._guard(summary):
                    self.pull(summary, progress, cancelled)
            if not summary.stopped:
                with self._guard(summary):
                    done, errors = download_missing(
                        self.store, self.api, progress, cancelled, run_db=self.run_db
                    )
                    summary.downloaded += done
                    summary.errors.extend(errors)
            if not summary.stopped:
                with self._guard(summary):
                    refresh_directory(self.store, self.api, cancelled, run_db=self.run_db)
                    notice = refresh_city_policy(
                        self.store, self.api, cancelled, run_db=self.run_db
                    )
                    if notice:
                        summary.notices.append(notice)
                    refill_numbers(self.store, self.api, cancelled=cancelled, run_db=self.run_db)
            if not summary.stopped:
                with self._guard(summary):
                    verdict = send_checkpoint(self.api, self._db(local_state, self.store))
                    summary.errors.extend(verdict.messages())
        except BaseException:
            summary.errors.append("同步中断：本机出现意外错误，已保存的部分不受影响，请重试")
            raise
        finally:
            summary.seconds = time.perf_counter() - start
            self._cancelled = None
            self._db(self._remember, summary)
        return summary

    @contextmanager
    def _guard(self, summary: SyncSummary) -> Iterator[None]:
        try:
            yield
        except SyncCancelled:
            summary.cancelled = True
        except (HubUnavailable, HubRefused) as exc:
            summary.errors.append(exc.message)
        except SQLAlchemyError as exc:
            # e.g. a pulled record the local store refuses: the pages and their cursor were
            # rolled back together; say so instead of reporting an empty success
            detail = str(getattr(exc, "orig", exc)).splitlines()[0][:120]
            summary.errors.append(f"接收的数据未能写入本机数据库（{detail}），下次同步将重试")
        except Exception:  # noqa: BLE001 - one bad answer must not end the program
            log.exception("sync step failed")
            summary.errors.append(
                "同步中断：处理市级平台的数据时出错，已保存的部分不受影响，请重试"
            )

    def _remember(self, summary: SyncSummary) -> None:
        """Store the time and result of this sync; a repeat of the stored result within
        ``STATUS_REFRESH_S`` is not written again (a no-op sync then writes nothing)."""
        result: dict[str, Any] = asdict(summary)
        result["ok"] = summary.ok
        result["text"] = summary.text()
        now = datetime.now()
        if self._same_as_stored(result, now):
            return
        with relaxed(self.store) as conn:
            put(conn, LAST_SYNC_AT, now.isoformat(timespec="seconds"))
            put(conn, LAST_RESULT, orjson.dumps(result).decode())

    def _same_as_stored(self, result: dict[str, Any], now: datetime) -> bool:
        stored = get_many(self.store, [LAST_SYNC_AT, LAST_RESULT])
        if LAST_SYNC_AT not in stored or LAST_RESULT not in stored:
            return False
        try:
            at = datetime.fromisoformat(stored[LAST_SYNC_AT])
            before = orjson.loads(stored[LAST_RESULT])
        except (ValueError, orjson.JSONDecodeError):
            return False
        if not 0 <= (now - at).total_seconds() < STATUS_REFRESH_S:
            return False
        before.pop("seconds", None)
        return bool(before == {k: v for k, v in result.items() if k != "seconds"})

    # ------------------------------------------------------------------ push
    def push(
        self,
        summary: SyncSummary,
        progress: ProgressHook | None = None,
        cancelled: Cancelled | None = None,
    ) -> None:
        """Send the outbox in batches until nothing sendable is left."""
        if cancelled is not None:
            self._cancelled = cancelled
        self._db(ensure_attachment_meta, self.store)
        uploads = upload_pending(self.store, self.api, progress, cancelled, run_db=self.run_db)
        summary.uploaded += uploads.uploaded
        codes = self._db(self._office_codes)
        while True:
            if self._stop_requested():
                raise SyncCancelled(CANCELLED_MESSAGE)
            entries = self._db(take_batch, self.store, self.push_batch * PIPELINE, uploads.held)
            if not entries:
                break
            batches = [
                entries[i : i + self.push_batch] for i in range(0, len(entries), self.push_batch)
            ]
            self._send_pipelined(batches, codes, summary, progress, cancelled)
        if uploads.errors:
            raise HubUnavailable(uploads.errors[0], "unavailable")

    def _office_codes(self) -> dict[str, str]:
        with self.store.engine.connect() as conn:
            return office_codes(conn)

    def _send_pipelined(
        self,
        batches: list[list[Entry]],
        codes: dict[str, str],
        summary: SyncSummary,
        progress: ProgressHook | None,
        cancelled: Cancelled | None,
    ) -> None:
        """Post batch i+1 while the answer to batch i is written (all are already ``sent``)."""
        wires = [wire_changes(b, codes) for b in batches]
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="push") as pool:
            ahead: Future[list[dict[str, Any]]] = pool.submit(self._post, wires[0])
            for i, batch in enumerate(batches):
                current = ahead
                stop = cancelled is not None and cancelled()
                if i + 1 < len(batches) and not stop:
                    ahead = pool.submit(self._post, wires[i + 1])
                try:
                    results = current.result()
                except (HubUnavailable, HubRefused) as exc:
                    self._failed(batch, codes, summary, exc)
                    continue
                counts = self._db(record_results, self.store, batch, wires[i], results)
                self._count(summary, len(batch), counts)
                if progress is not None:
                    sendable = self._db(self._sendable)
                    progress(summary.pushed, summary.pushed + sendable, "上传变更")
                if stop:
                    raise SyncCancelled("同步已取消，未发送的变更下次继续发送")

    def _count(self, summary: SyncSummary, sent: int, counts: PushCounts) -> None:
        summary.pushed += sent - counts.recreated
        summary.applied += counts.applied
        summary.conflicts += counts.conflicts
        summary.rejected += counts.rejected
        summary.problems.extend(f"变更被市级平台拒绝：{r}" for r in counts.reasons)
        summary.merged.extend(counts.merged)

    def _failed(
        self, batch: list[Entry], codes: dict[str, str], summary: SyncSummary, exc: HubError
    ) -> None:
        """A batch got no usable answer: bisect a malformed one, else keep it for next time."""
        if isinstance(exc, HubRefused) and exc.code in BISECT_CODES:
            self._db(release, self.store, batch, "")
            self._send(batch, codes, summary)
            return
        if isinstance(exc, HubRefused):
            self._db(release, self.store, batch, exc.message)
        else:
            self._db(note_error, self.store, batch, exc.message)
        raise exc

    def _sendable(self) -> int:
        with self.store.engine.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM outbox WHERE state IN {sql_in(UNSENT)}"
                ).scalar()
                or 0
            )

    def _send(self, entries: list[Entry], codes: dict[str, str], summary: SyncSummary) -> None:
        wires = wire_changes(entries, codes)
        try:
            results = self._post(wires)
        except HubUnavailable as exc:
            self._db(note_error, self.store, entries, exc.message)
            raise
        except HubRefused as exc:
            if exc.code in BISECT_CODES and len(entries) > 1:
                self._db(release, self.store, entries, "")
                half = len(entries) // 2
                self._send(entries[:half], codes, summary)
                self._send(entries[half:], codes, summary)
                return
            if exc.code in BISECT_CODES:
                self._db(reject, self.store, entries[0], exc.message)
                summary.pushed += 1
                summary.rejected += 1
                summary.problems.append(f"变更被市级平台拒绝：{exc.message}")
                return
            self._db(release, self.store, entries, exc.message)
            raise
        counts = self._db(record_results, self.store, entries, wires, results)
        self._count(summary, len(entries), counts)

    def _post(self, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.api.push_wire(changes, cancelled=self._cancelled)

    # ------------------------------------------------------------------ pull
    def cursor(self) -> str:
        """The cursor after the last committed page ("0" before the first pull)."""
        values: dict[str, str] = self._db(get_many, self.store, [CURSOR])
        return values.get(CURSOR, "0")

    def fetch(self, cursor: str) -> dict[str, Any]:
        """One raw pull page (parsed with orjson; records stay plain dicts)."""
        return self.api.pull_wire(cursor, self.pull_limit, cancelled=self._cancelled)

    def pull(
        self,
        summary: SyncSummary,
        progress: ProgressHook | None = None,
        cancelled: Cancelled | None = None,
    ) -> None:
        """Apply pages after the stored cursor; pages and the cursor after them commit together.

        While the store takes one batch of pages, a fetch thread receives and screens the next
        ones (up to ``PULL_AHEAD`` pages). The store takes every page already waiting as one
        transaction with the last one's cursor (at most ``PULL_BATCH_RECORDS`` records), so a
        cut repeats only the pages of that transaction.
        """
        if cancelled is not None:
            self._cancelled = cancelled
        first = self.fetch(self.cursor())
        if not first["has_more"]:  # the usual case: no thread is started for one page
            self._apply([(first, screen(first["records"]))], summary, progress, cancelled)
            return
        ahead = _PageFeed(self.fetch, first)
        try:
            while True:
                batch = ahead.take(PULL_BATCH_RECORDS)
                self._apply(batch, summary, progress, cancelled)
                if not batch[-1][0]["has_more"]:
                    return
        finally:
            ahead.close()

    def _apply(
        self,
        pages: list[tuple[dict[str, Any], Screened]],
        summary: SyncSummary,
        progress: ProgressHook | None,
        cancelled: Cancelled | None,
    ) -> None:
        """Apply pages and store the last one's cursor in one transaction."""
        if cancelled is not None and cancelled():
            raise SyncCancelled("同步已取消，下次从已接收的位置继续")
        last = pages[-1][0]
        if (
            len(pages) == 1
            and not last["records"]
            and not last["has_more"]
            and str(last["cursor"]) == last.get("asked")
        ):
            summary.pages += 1
            return
        for stats in self._db(self._apply_pages, pages):
            summary.pages += 1
            summary.pulled += stats.applied
            summary.skipped += stats.skipped
            summary.deleted += stats.deleted
            summary.conflicts += stats.conflicts
            summary.problems.extend(stats.held)
            summary.quarantined.extend(stats.quarantined)
            summary.merged.extend(stats.merged)
        if progress is not None:
            progress(summary.pulled + summary.skipped, 0, "接收数据")

    def _apply_pages(self, pages: list[tuple[dict[str, Any], Screened]]) -> list[Any]:
        """The store step of some pages: records and the last cursor in one transaction, then
        downloads."""
        with self._pull_transaction() as conn:
            done = [apply_page(conn, checked, self.store.attachments.has) for _, checked in pages]
            put(conn, CURSOR, str(pages[-1][0]["cursor"]))
        for stats in done:
            remember_downloads(self.store, stats.downloads)
        return done

    def _pull_transaction(self) -> AbstractContextManager[Connection]:
        """One transaction with foreign keys off: the hub, not page order, is the authority."""
        return relaxed(self.store, foreign_keys=False)


class _PageFeed:
    """Pull pages received and screened ahead on one thread, in the hub's order, at most
    ``PULL_AHEAD`` waiting; an error of a fetch is raised when its turn comes."""

    def __init__(self, fetch: Callable[[str], dict[str, Any]], first: dict[str, Any]) -> None:
        self._fetch = fetch
        self._queue: queue.Queue[Fed] = queue.Queue(PULL_AHEAD)
        self._stop = threading.Event()
        self._pending: Fed | None = None
        self._thread = threading.Thread(target=self._run, args=(first,), name="pull", daemon=True)
        self._thread.start()

    def _run(self, page: dict[str, Any]) -> None:
        try:
            while self._offer((page, screen(page["records"]))) and page["has_more"]:
                page = self._fetch(str(page["cursor"]))
        except Exception as exc:  # noqa: BLE001 - handed to the applying thread in order
            self._offer(exc)

    def _offer(self, item: Fed) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _get(self, wait: bool) -> Fed | None:
        if self._pending is not None:
            item, self._pending = self._pending, None
            return item
        try:
            return self._queue.get(block=wait)
        except queue.Empty:
            return None

    def take(self, max_records: int) -> list[tuple[dict[str, Any], Screened]]:
        """The next page (waiting for it) and those after it already here, together at most
        ``max_records`` records (one page alone may have more). An error comes alone, after
        the pages received before it."""
        item = self._get(wait=True)
        if isinstance(item, Exception):
            raise item
        assert item is not None
        batch = [item]
        count = len(item[0]["records"])
        while batch[-1][0]["has_more"]:
            item = self._get(wait=False)
            if item is None:
                break
            if isinstance(item, Exception) or count + len(item[0]["records"]) > max_records:
                self._pending = item  # the next take's
                break
            batch.append(item)
            count += len(item[0]["records"])
        return batch

    def close(self) -> None:
        """Stop fetching ahead and wait for the fetch thread to end."""
        self._stop.set()
        self._thread.join()


def client_from_settings(
    store: Store, http: HttpClient | None = None, run_db: DbRunner = run_inline
) -> SyncClient:
    """A client for the hub and token stored by ``register_device``."""
    values: dict[str, str] = run_db(get_many, store, [HUB_URL, TOKEN])
    if not values.get(HUB_URL) or not values.get(TOKEN):
        raise NotRegistered("本机尚未在市级平台注册，请由系统管理员在“同步”页注册")
    api = HubApi(values[HUB_URL], values[TOKEN], http=http)
    return SyncClient(store, api, run_db=run_db)
