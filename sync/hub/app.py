"""The hub's HTTP surface (FastAPI): routes, token checks, and the one JSON error shape.

Bodies are parsed by pydantic straight from bytes and answers are written as bytes, so
large pull pages never go through FastAPI's generic encoder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio
import orjson
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync.hub import (
    accounts,
    attachments,
    audit_chain,
    checks,
    city_policy,
    migrations,
    numbers,
    public,
    records,
)
from sync.hub.config import HubSettings
from sync.hub.db import Database
from sync.hub.errors import HubRefusal
from sync.hub.fastpush import PushedChange, from_model, read_push
from sync.hub.openapi import openapi_document
from sync.protocol import (
    CHECK_REQUEST,
    CURSOR_RE,
    DEFAULT_PULL_LIMIT,
    MAX_PAYLOAD_BYTES,
    MAX_PULL_LIMIT,
    MAX_PUSH_CHANGES,
    MAX_REQUEST_BYTES,
    SHA256_RE,
    HubInfo,
    NumberLeaseRequest,
    PushRequest,
    RegisterRequest,
    RotateTokenRequest,
)

log = logging.getLogger("sync.hub")
JSON = "application/json"
#: threads of one hub process that may wait for the writer at once. Writes are serialised
#: (``Database.write``), so more would only park in the shared thread pool, where a crowd of
#: waiting pushes would hold every thread that token checks and pulls need.
WRITER_THREADS = 2


class Writers:
    """Runs the work of write routes on threads of their own (at most ``WRITER_THREADS``),
    so readers keep the shared pool however many writes are queued."""

    def __init__(self) -> None:
        self._limiter = anyio.CapacityLimiter(WRITER_THREADS)

    async def run[T](self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on a writer thread, once one is free."""
        return await anyio.to_thread.run_sync(partial(fn, *args), limiter=self._limiter)


def _json(model: BaseModel, status: int = 200) -> Response:
    return Response(model.model_dump_json(), status_code=status, media_type=JSON)


def _refusal_response(exc: HubRefusal) -> Response:
    from sync.hub.records import dumps

    return Response(dumps(exc.body()), status_code=exc.status, media_type=JSON)


def _validation_refusal(exc: PydanticError) -> HubRefusal:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    if any(tuple(e["loc"]) == ("v",) for e in errors):
        return HubRefusal("unsupported_version", detail={"supported": [1]})
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "请求体"
    detail = [{"loc": list(e["loc"]), "type": e["type"], "msg": e["msg"]} for e in errors[:20]]
    if first["type"] == "too_long" and tuple(first["loc"]) == ("changes",):
        message = f"一次最多提交{MAX_PUSH_CHANGES}条变更"
        return HubRefusal("malformed", message, detail)
    return HubRefusal("malformed", f"请求格式不正确：字段“{where}”无效", detail)


async def _body(request: Request, limit: int = MAX_REQUEST_BYTES) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HubRefusal("too_large", detail={"max": limit})
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # bounded while it arrives, not after
        size += len(chunk)
        if size > limit:
            raise HubRefusal("too_large", detail={"max": limit})
        parts.append(chunk)
    return b"".join(parts)


async def _parse[M: BaseModel](request: Request, model: type[M]) -> M:
    body = await _body(request)
    try:
        return model.model_validate_json(body)
    except PydanticError as exc:
        raise _validation_refusal(exc) from None


def create_app(settings: HubSettings, database: Database | None = None) -> FastAPI:
    """Build the app on a migrated database (the schema is upgraded in place first)."""
    database = database or Database(settings.db_url)
    migrations.upgrade(database)
    app = FastAPI(title=settings.name, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.database = database
    app.state.settings = settings
    _install_error_handlers(app)
    writers = Writers()
    _add_account_routes(app, database, settings, writers)
    _add_record_routes(app, database, settings, writers)
    _add_attachment_routes(app, database, settings, writers)
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi() -> Response:
        return _json_doc(openapi_document(app))

    public.install(app, database, settings.public_secret)
    audit_chain.add_routes(app, database)
    city_policy.add_routes(app, database)
    return app


def _json_doc(doc: dict) -> Response:
    return Response(orjson.dumps(doc), media_type=JSON)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubRefusal)
    async def _refused(_request: Request, exc: HubRefusal) -> Response:
        return _refusal_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "malformed")
        return _refusal_response(HubRefusal(code))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) if exc.errors() else ""
        return _refusal_response(HubRefusal("malformed", f"请求格式不正确：参数“{where}”无效"))

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> Response:
        log.exception("hub request failed", exc_info=exc)
        return _refusal_response(HubRefusal("internal"))


async def _device(request: Request, database: Database) -> accounts.Device:
    header = request.headers.get("authorization")
    return await run_in_threadpool(accounts.authenticate, database, header)


def _add_account_routes(
    app: FastAPI, database: Database, settings: HubSettings, writers: Writers
) -> None:
    attempts = accounts.EnrolAttempts()  # wrong enrolment codes per caller, this hub only

    @app.get("/v1/info")
    async def info() -> Response:
        return _json(
            HubInfo(
                name=settings.name,
                max_push_changes=MAX_PUSH_CHANGES,
                max_pull_limit=MAX_PULL_LIMIT,
                max_attachment_bytes=settings.max_attachment_bytes,
                max_payload_bytes=MAX_PAYLOAD_BYTES,
            )
        )

    @app.post("/v1/devices")
    async def register(request: Request) -> Response:
        req = await _parse(request, RegisterRequest)
        caller = request.client.host if request.client else ""
        answer = await writers.run(accounts.register, database, req, settings, caller, attempts)
        return _json(answer, 201)

    @app.post("/v1/devices/me/token")
    async def rotate(request: Request) -> Response:
        device = await _device(request, database)
        req = await _parse(request, RotateTokenRequest)
        await writers.run(accounts.rotate_token, database, device, req.token_sha256)
        return _json(accounts.device_info(device))

    @app.get("/v1/devices/me")
    async def me(request: Request) -> Response:
        return _json(accounts.device_info(await _device(request, database)))

    @app.get("/v1/offices")
    async def offices(request: Request) -> Response:
        await _device(request, database)
        return _json(await run_in_threadpool(accounts.directory, database))

    @app.post("/v1/numbers")
    async def lease_numbers(request: Request) -> Response:
        device = await _device(request, database)
        req = await _parse(request, NumberLeaseRequest)
        return _json(await writers.run(numbers.lease, database, device, req))


def _pull_args(request: Request) -> tuple[int, int]:
    cursor = request.query_params.get("cursor") or "0"
    limit_text = request.query_params.get("limit") or str(DEFAULT_PULL_LIMIT)
    if not CURSOR_RE.match(cursor):
        raise HubRefusal("malformed", "游标（cursor）无效", {"cursor": cursor[:40]})
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_PULL_LIMIT:
        raise HubRefusal("malformed", f"每页条数（limit）应在1至{MAX_PULL_LIMIT}之间")
    return int(cursor), int(limit_text)


def _push_and_report(
    database: Database, settings: HubSettings, device: Any, changes: list[PushedChange]
) -> bytes:
    due = time.time() + settings.check_delay_s
    results, applied = records.push(database, device, changes, due)
    if settings.check_delay_s <= 0 and any(c.entity == CHECK_REQUEST for c, _t in applied):
        checks.run_due(database)
    return records.results_body(results)


async def _push_changes(request: Request) -> list[PushedChange]:
    """The changes of a push body: well-formed bodies take the cheap reader, anything else
    goes through the pydantic models (which name the offending field in the 422 answer)."""
    body = await _body(request)
    changes = read_push(body)
    if changes is not None:
        return changes
    try:
        req = PushRequest.model_validate_json(body)
    except PydanticError as exc:
        raise _validation_refusal(exc) from None
    return [from_model(c) for c in req.changes]


def _pull(database: Database, office: str, cursor: int, limit: int) -> bytes:
    checks.run_due(database)
    return records.pull_page(database, office, cursor, limit)


def _add_record_routes(
    app: FastAPI, database: Database, settings: HubSettings, writers: Writers
) -> None:
    @app.post("/v1/push")
    async def push(request: Request) -> Response:
        device = await _device(request, database)
        changes = await _push_changes(request)
        body = await writers.run(_push_and_report, database, settings, device, changes)
        return Response(body, media_type=JSON)

    @app.get("/v1/pull")
    async def pull(request: Request) -> Response:
        device = await _device(request, database)
        cursor, limit = _pull_args(request)
        body = await run_in_threadpool(_pull, database, device.office_code, cursor, limit)
        return Response(body, media_type=JSON)


def _sha(sha256: str) -> str:
    if not SHA256_RE.match(sha256):
        raise HubRefusal("malformed", "附件校验值应为64位小写十六进制 SHA-256")
    return sha256


def _range(header: str | None) -> tuple[int, int | None] | None:
    if not header:
        return None
    unit, _, spec = header.partition("=")
    start, _, end = spec.partition("-")
    if unit.strip() != "bytes" or not start.isdigit() or (end and not end.isdigit()):
        raise HubRefusal("range_not_satisfiable", "仅支持 bytes=起始-结束 形式的范围请求")
    return int(start), int(end) if end else None


def _add_attachment_routes(
    app: FastAPI, database: Database, settings: HubSettings, writers: Writers
) -> None:
    @app.get("/v1/attachments/{sha256}/status")
    async def status(sha256: str, request: Request) -> Response:
        device = await _device(request, database)
        return _json(await run_in_threadpool(attachments.status, database, device, _sha(sha256)))

    @app.put("/v1/attachments/{sha256}/chunks/{offset}")
    async def put_chunk(sha256: str, offset: int, request: Request) -> Response:
        device = await _device(request, database)
        total_text = request.headers.get("x-attachment-size", "")
        if not total_text.isdigit():
            raise HubRefusal("malformed", "缺少附件总大小（X-Attachment-Size）")
        total = int(total_text)
        # read the chunk first: answering before the body is consumed resets the connection
        data = await _body(request, settings.max_attachment_bytes)
        result = await writers.run(
            attachments.put_chunk,
            database,
            device,
            _sha(sha256),
            offset,
            data,
            total,
            settings.max_attachment_bytes,
        )
        return _json(result)

    @app.post("/v1/attachments/{sha256}/commit")
    async def commit(sha256: str, request: Request) -> Response:
        device = await _device(request, database)
        return _json(await writers.run(attachments.commit, database, device, _sha(sha256)))

    @app.get("/v1/attachments/{sha256}")
    async def download(sha256: str, request: Request) -> Response:
        device = await _device(request, database)
        wanted = _range(request.headers.get("range"))
        start, end = wanted or (0, None)
        data, size = await run_in_threadpool(
            attachments.read_range, database, device, _sha(sha256), start, end
        )
        headers = {"Accept-Ranges": "bytes"}
        if wanted is None:
            return Response(data, media_type="application/octet-stream", headers=headers)
        headers["Content-Range"] = f"bytes {start}-{start + len(data) - 1}/{size}"
        return Response(
            data, status_code=206, media_type="application/octet-stream", headers=headers
        )
