"""Typed client of the hub (protocol v1): the one adapter the desk's sync client calls.

Expected outcomes (applied / conflict / rejected) come back as ``ChangeResult`` values;
transport trouble raises ``HubUnavailable``, a refusal by the hub ``HubRefused``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from sync.protocol import (
    API_PREFIX,
    CHECK_REQUEST,
    DEFAULT_CHUNK_BYTES,
    DEFAULT_PULL_LIMIT,
    MAX_PUSH_CHANGES,
    AttachmentStatus,
    Change,
    ChangeResult,
    CheckMember,
    CheckRequestPayload,
    DeviceInfo,
    HubInfo,
    NumberLease,
    NumberLeaseRequest,
    OfficeDirectory,
    PullPage,
    PushRequest,
    PushResponse,
    RegisterRequest,
    RegisterResponse,
)
from sync.transport import (
    HttpClient,
    HubError,
    HubRefused,
    HubUnavailable,
    ProgressHook,
    SyncCancelled,
)

__all__ = [
    "HubApi",
    "HubError",
    "HubRefused",
    "HubUnavailable",
    "SyncCancelled",
    "new_change",
]

Cancelled = Callable[[], bool]
JSON_HEADERS = {"Content-Type": "application/json"}


def new_change(
    entity: str,
    record_id: uuid.UUID | str,
    payload: dict,
    offices: Sequence[str],
    base_rev: int | None = None,
    op: str = "upsert",
    change_id: uuid.UUID | None = None,
) -> Change:
    """Build one outbox entry (a fresh change_id unless one is given)."""
    return Change.model_validate(
        {
            "change_id": str(change_id or uuid.uuid4()),
            "entity": entity,
            "id": str(record_id),
            "base_rev": base_rev,
            "op": op,
            "payload": payload,
            "offices": list(offices),
        },
        strict=False,
    )


class HubApi:
    """Typed calls to one hub; ``token`` is the device's bearer token (None before register)."""

    def __init__(
        self, base_url: str, token: str | None = None, http: HttpClient | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/") + API_PREFIX
        self.token = token
        self.http = http or HttpClient()
        self.registration: RegisterResponse | None = None

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        what: str = "",
        cancelled: Cancelled | None = None,
    ) -> bytes:
        all_headers = self._headers(JSON_HEADERS if body is not None else None)
        all_headers.update(headers or {})
        url = self.base_url + path
        resp = self.http.request(
            method,
            url,
            params=params,
            data=body,
            headers=all_headers,
            what=what,
            cancelled=cancelled,
        )
        return resp.content

    def info(self) -> HubInfo:
        """The hub's limits (no token needed)."""
        return HubInfo.model_validate_json(self._call("GET", "/info"))

    def register(
        self,
        office_code: str,
        enrol_code: str,
        device_name: str,
        device_id: uuid.UUID | None = None,
        cancelled: Cancelled | None = None,
        token: str | None = None,
    ) -> str:
        """Enrol this device with a one-time code; keep and return the bearer token.

        Pass the same ``device_id`` and ``token`` again to repeat a registration whose answer
        was lost (the hub answers the same body the same way).
        """
        token = token or secrets.token_urlsafe(32)  # made here: only its hash travels
        req = RegisterRequest.model_validate(
            {
                "office_code": office_code,
                "enrol_code": enrol_code,
                "device_name": device_name,
                "device_id": str(device_id or uuid.uuid4()),
                "token_sha256": hashlib.sha256(token.encode("utf-8")).hexdigest(),
            },
            strict=False,
        )
        raw = self._call("POST", "/devices", req.model_dump_json().encode(), cancelled=cancelled)
        self.registration = RegisterResponse.model_validate_json(raw)
        self.token = self.registration.token or token
        return self.token

    def rotate_token(self, cancelled: Cancelled | None = None) -> str:
        """Replace this device's token by a fresh one made here; return the new token."""
        token = secrets.token_urlsafe(32)
        body = orjson.dumps({"token_sha256": hashlib.sha256(token.encode("utf-8")).hexdigest()})
        self._call("POST", "/devices/me/token", body, cancelled=cancelled)
        self.token = token
        return token

    def whoami(self) -> DeviceInfo:
        """The device and office the token is bound to (401 → HubRefused)."""
        return DeviceInfo.model_validate_json(self._call("GET", "/devices/me"))

    def offices(self, cancelled: Cancelled | None = None) -> OfficeDirectory:
        """The hub's office directory (every office's code, name and district)."""
        raw = self._call("GET", "/offices", what="读取街道名录", cancelled=cancelled)
        return OfficeDirectory.model_validate_json(raw)

    def city_policy(
        self, have: str | None = None, cancelled: Cancelled | None = None
    ) -> dict[str, Any]:
        """The city's policy table on the hub: ``{"digest": str | None, "rows": [...],
        "unchanged": bool}``; only the digest when it is ``have``, the copy already here."""
        params = {"have": have} if have else None
        raw = self._call(
            "GET", "/policy", params=params, what="读取市级政策参数", cancelled=cancelled
        )
        answer: dict[str, Any] = json.loads(raw)
        return answer

    def lease_numbers(
        self, year: int, count: int, above: int = 0, cancelled: Cancelled | None = None
    ) -> NumberLease:
        """A block of case numbers of this device's office for ``year``."""
        req = NumberLeaseRequest(year=year, count=count, above=above)
        raw = self._call(
            "POST", "/numbers", req.model_dump_json().encode(), what="申领案件编号",
            cancelled=cancelled,
        )  # fmt: skip
        return NumberLease.model_validate_json(raw)

    def _push_body(self, body: bytes, cancelled: Cancelled | None) -> bytes:
        return self._call("POST", "/push", body, what="提交变更", cancelled=cancelled)

    def _pull_body(self, cursor: str, limit: int, cancelled: Cancelled | None) -> bytes:
        params = {"cursor": cursor, "limit": str(limit)}
        return self._call("GET", "/pull", params=params, what="接收数据", cancelled=cancelled)

    def push(
        self, changes: Sequence[Change], cancelled: Cancelled | None = None
    ) -> list[ChangeResult]:
        """Send changes (split into batches the hub accepts); one result per change, in order."""
        results: list[ChangeResult] = []
        for i in range(0, len(changes), MAX_PUSH_CHANGES):
            batch = PushRequest(changes=list(changes[i : i + MAX_PUSH_CHANGES]))
            raw = self._push_body(batch.model_dump_json().encode(), cancelled)
            results.extend(PushResponse.model_validate_json(raw).results)
        return results

    def push_wire(
        self, changes: list[dict[str, Any]], cancelled: Cancelled | None = None
    ) -> list[dict[str, Any]]:
        """Send one batch of changes already in wire form; the raw results, one per change.

        The desk's sync client uses this form (plain dicts through orjson, no model per
        change); ``push`` is the typed form of the same request.
        """
        raw = self._push_body(orjson.dumps({"v": 1, "changes": changes}), cancelled)
        results: list[dict[str, Any]] = orjson.loads(raw)["results"]
        if len(results) != len(changes):
            raise HubUnavailable("市级平台的答复不完整，请稍后重试", "unavailable")
        return results

    def pull(
        self, cursor: str = "0", limit: int = DEFAULT_PULL_LIMIT, cancelled: Cancelled | None = None
    ) -> PullPage:
        """One page of records changed after ``cursor`` in this office's scope."""
        return PullPage.model_validate_json(self._pull_body(cursor, limit, cancelled))

    def pull_wire(
        self, cursor: str = "0", limit: int = DEFAULT_PULL_LIMIT, cancelled: Cancelled | None = None
    ) -> dict[str, Any]:
        """One pull page as plain dicts (orjson); ``asked`` holds the cursor it was asked for."""
        body = self._pull_body(cursor, limit, cancelled)
        try:
            page = orjson.loads(body)
        except orjson.JSONDecodeError:
            page = _slow_page(body)  # e.g. an integer beyond 64 bits in one record
        if (
            not isinstance(page, dict)
            or not isinstance(page.get("records"), list)
            or not isinstance(page.get("has_more"), bool)
            or not isinstance(page.get("cursor"), str | int)
        ):
            raise HubUnavailable("市级平台返回的数据页格式不正确，下次同步将重试", "malformed")
        page["asked"] = cursor
        return page

    def pull_all(self, cursor: str = "0", limit: int = DEFAULT_PULL_LIMIT) -> Iterator[PullPage]:
        """Pages until ``has_more`` is false; apply each page and store its cursor together."""
        while True:
            page = self.pull(cursor, limit)
            yield page
            if not page.has_more:
                return
            cursor = page.cursor

    def request_check(
        self,
        members: Sequence[CheckMember | dict],
        offices: Sequence[str],
        household_id: uuid.UUID | None = None,
        request_id: uuid.UUID | None = None,
    ) -> ChangeResult:
        """Ask the municipal systems for an economic check; the report arrives by pull."""
        payload = CheckRequestPayload.model_validate(
            {
                "household_id": household_id,
                "members": [m if isinstance(m, dict) else m.model_dump() for m in members],
            }
        )
        change = new_change(
            CHECK_REQUEST, request_id or uuid.uuid4(), payload.model_dump(mode="json"), offices
        )
        return self.push([change])[0]

    def attachment_status(
        self, sha256: str, cancelled: Cancelled | None = None
    ) -> AttachmentStatus:
        """How many bytes of this attachment the hub holds."""
        return AttachmentStatus.model_validate_json(
            self._call("GET", f"/attachments/{sha256}/status", cancelled=cancelled)
        )

    def upload_attachment(
        self,
        source: Path | str | bytes,
        progress: ProgressHook | None = None,
        cancelled: Cancelled | None = None,
        chunk_size: int = DEFAULT_CHUNK_BYTES,
    ) -> str:
        """Upload resumably (from what the hub already has); return the sha256."""
        with _open(source) as fh:
            sha256, size = _digest(fh)
            if size == 0:
                raise HubRefused("附件为空，不能上传", "malformed")
            state = self.attachment_status(sha256, cancelled)
            offset = state.received if state.size == size else 0
            while not state.complete and offset < size:
                if cancelled is not None and cancelled():
                    raise SyncCancelled("已取消上传，下次将从中断处继续")
                fh.seek(offset)
                data = fh.read(chunk_size)
                offset = self._put_chunk(sha256, offset, data, size, cancelled)
                if progress is not None:
                    progress(offset, size, "上传附件")
        self._call("POST", f"/attachments/{sha256}/commit", b"", cancelled=cancelled)
        return sha256

    def _put_chunk(
        self, sha256: str, offset: int, data: bytes, size: int, cancelled: Cancelled | None
    ) -> int:
        headers = {"X-Attachment-Size": str(size), "Content-Type": "application/octet-stream"}
        path = f"/attachments/{sha256}/chunks/{offset}"
        try:
            raw = self._call("PUT", path, data, headers=headers, cancelled=cancelled)
        except HubRefused as exc:
            if exc.code != "offset_mismatch":  # e.g. an earlier answer was lost: resume there
                raise
            return int(exc.detail["received"])
        return AttachmentStatus.model_validate_json(raw).received

    def download_attachment(
        self,
        sha256: str,
        dest: Path | str,
        progress: ProgressHook | None = None,
        cancelled: Cancelled | None = None,
        chunk_size: int = DEFAULT_CHUNK_BYTES,
    ) -> Path:
        """Download in ranges into ``dest`` (resuming a ``.part`` file); verify the sha256."""
        dest = Path(dest)
        part = dest.with_name(dest.name + ".part")
        offset = part.stat().st_size if part.exists() else 0
        total: int | None = None
        with part.open("ab") as out:
            while total is None or offset < total:
                if cancelled is not None and cancelled():
                    raise SyncCancelled("已取消下载，下次将从中断处继续")
                resp = self.http.request(
                    "GET",
                    f"{self.base_url}/attachments/{sha256}",
                    headers=self._headers({"Range": f"bytes={offset}-{offset + chunk_size - 1}"}),
                    cancelled=cancelled,
                )
                total = int(resp.headers["Content-Range"].rsplit("/", 1)[1])
                out.write(resp.content)
                offset += len(resp.content)
                if progress is not None:
                    progress(offset, total, "下载附件")
        with part.open("rb") as fh:
            actual, _size = _digest(fh)
        if actual != sha256:
            part.unlink()
            raise HubRefused("下载的附件校验值不一致，已删除，请重试", "hash_mismatch")
        os.replace(part, dest)
        return dest


def _slow_page(body: bytes) -> Any:
    """A page orjson cannot read, through the standard parser (records are checked later)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise HubUnavailable("市级平台返回的数据页无法读取，下次同步将重试", "malformed") from None


def _open(source: Path | str | bytes) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    return Path(source).open("rb")


def _digest(fh: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    fh.seek(0)
    while block := fh.read(1024 * 1024):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size
