"""Attachment files through the hub: meta records for documents, resumable upload and download.

A document with a sha256 gets an append-only ``attachment_meta`` record (id derived from the
document and the hash); its encrypted local file is decrypted and uploaded before the meta
record is pushed, so an office that pulls the meta can always download the bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from desktop.errors import DeskError
from desktop.store.outbox import UNSENT, queue_on, sql_in
from desktop.store.store import Store
from sync.hub_client import HubApi
from sync.outbox import Entry as OutboxItem
from sync.outbox import reject
from sync.protocol import ATTACHMENT_META, SHA256_RE
from sync.state import PENDING_DOWNLOADS, get_json, put_json, relaxed
from sync.transport import HubRefused, HubUnavailable, ProgressHook

META_NAMESPACE = uuid.UUID("6f0f3c55-5b7e-4c57-9b1e-2f1c7d0a9e11")
DOWNLOAD_DIR = "sync-downloads"


def meta_id(document_id: str, sha256: str) -> str:
    """The attachment_meta record id of one document's file."""
    return str(uuid.uuid5(META_NAMESPACE, f"{document_id}:{sha256}"))


def ensure_attachment_meta(store: Store) -> int:
    """Queue an attachment_meta entry for every unsent document entry with a file."""
    added = 0
    query = (
        "SELECT entity_id, payload, offices FROM outbox WHERE entity = 'document' "
        f"AND op = 'upsert' AND state IN {sql_in(UNSENT)}"
    )
    with store.engine.connect() as conn:
        if conn.exec_driver_sql(query + " LIMIT 1").first() is None:
            return 0
    with relaxed(store) as conn:
        rows = conn.exec_driver_sql(query).all()
        for doc_id, payload_text, offices in rows:
            payload = orjson.loads(payload_text)
            sha = payload.get("sha256") or ""
            if not sha:
                continue
            mid = meta_id(doc_id, sha)
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM outbox WHERE entity_id = ? LIMIT 1", (mid,)
            ).first()
            if exists:
                continue
            meta = {
                "sha256": sha,
                "document_id": doc_id,
                "file_name": payload.get("file_name", ""),
                "mime": payload.get("mime", ""),
                "size": payload.get("size", 0),
            }
            queue_on(conn, entity=ATTACHMENT_META, entity_id=mid, payload=meta, offices=offices)
            added += 1
    return added


def pending_meta(store: Store) -> list[OutboxItem]:
    """attachment_meta entries not yet on the hub."""
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT seq, change_id, entity, entity_id, op, base_rev, payload, offices FROM outbox "
            f"WHERE entity = ? AND state IN {sql_in(UNSENT)} ORDER BY seq",
            (ATTACHMENT_META,),
        ).all()
    return [
        OutboxItem(s, c, e, i, o, b, orjson.loads(p), orjson.loads(f))
        for s, c, e, i, o, b, p, f in rows
    ]


@dataclass
class UploadOutcome:
    """Files uploaded now, records held back (bytes not on the hub yet) and why."""

    uploaded: int = 0
    held: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


def _inline(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def upload_pending(
    store: Store,
    api: HubApi,
    progress: ProgressHook | None = None,
    cancelled: Callable[[], bool] | None = None,
    run_db: Callable[..., Any] = _inline,
) -> UploadOutcome:
    """Upload the files of pending meta entries (resuming where the hub stopped).

    Store steps go through ``run_db(fn, *args)`` (see ``sync.client``); file reads and the
    network stay in the calling thread.
    """
    out = UploadOutcome()
    for entry in run_db(pending_meta, store):
        sha = str(entry.payload.get("sha256", ""))
        try:
            data = store.attachments.get(sha)
        except DeskError as exc:
            run_db(reject, store, entry, f"本地附件文件不可用：{exc.message}")
            continue
        try:
            api.upload_attachment(data, progress=progress, cancelled=cancelled)
            out.uploaded += 1
        except HubRefused as exc:
            run_db(reject, store, entry, exc.message)
        except HubUnavailable as exc:
            out.held.add(entry.entity_id)
            out.errors.append(exc.message)
            break  # the hub is not reachable: the rest waits for the next run as well
    if out.errors:
        out.held |= {e.entity_id for e in run_db(pending_meta, store)}
    return out


def remember_downloads(store: Store, shas: list[str]) -> None:
    """Add files to fetch to the persistent to-do list."""
    if not shas:
        return
    todo = get_json(store, PENDING_DOWNLOADS, [])
    safe = {s for s in shas if is_sha256(s)}
    put_json(store, PENDING_DOWNLOADS, sorted(set(todo) | safe))


def is_sha256(value: object) -> bool:
    """True for 64 lowercase hex digits (the only text a file name is ever built from)."""
    return isinstance(value, str) and SHA256_RE.fullmatch(value) is not None


def download_missing(
    store: Store,
    api: HubApi,
    progress: ProgressHook | None = None,
    cancelled: Callable[[], bool] | None = None,
    run_db: Callable[..., Any] = _inline,
) -> tuple[int, list[str]]:
    """Fetch every file on the to-do list not yet stored locally; return (count, errors)."""
    todo: list[str] = run_db(get_json, store, PENDING_DOWNLOADS, [])
    if not todo:
        return 0, []
    folder = store.data_dir / DOWNLOAD_DIR
    folder.mkdir(exist_ok=True)
    done = 0
    left: list[str] = []
    errors: list[str] = []
    for sha in todo:
        if not is_sha256(sha):
            continue  # never a path: a file name is built only from 64 hex digits
        if store.attachments.has(sha):
            continue
        try:
            path = api.download_attachment(sha, folder / sha, progress, cancelled)
            store.attachments.put(path.read_bytes())
            path.unlink()
            done += 1
        except (HubRefused, HubUnavailable) as exc:
            left.append(sha)
            errors.append(f"附件 {sha[:12]}… 下载失败：{exc.message}")
    run_db(put_json, store, PENDING_DOWNLOADS, left)
    return done, errors
