"""Routes of the public pages under ``/m/`` and the middleware that adds security headers.

Nothing personal goes into a URL (every form is a POST) or a log line (only the path is
logged by the server; refusals are logged without the form)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from desktop.domain.policy.selfcheck import self_assessment_of
from desktop.errors import DeskError
from sync.hub.db import Database
from sync.hub.public import data, forms, pages
from sync.hub.public.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    HEADERS,
    Csrf,
    Limit,
    PublicLimits,
    RateLimiter,
    keyed,
)

log = logging.getLogger("sync.hub.public")
HTML = "text/html; charset=utf-8"
PREFIX = "/m"


@dataclass
class PublicState:
    """Per-app state of the public pages (tests may replace ``limits`` or ``today``)."""

    limits: PublicLimits = field(default_factory=PublicLimits)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    csrf: Csrf = field(default_factory=Csrf)
    salt: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    today: Callable[[], date] = date.today


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type=HTML)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def install(app: FastAPI, database: Database, secret: bytes | None = None) -> PublicState:
    """Register the public pages on the hub's app; ``secret`` shared by every process of the
    hub lets a form served by one be posted to another (random when None: one process)."""
    state = PublicState()
    if secret is not None:
        state.csrf = Csrf(hmac.new(secret, b"csrf", hashlib.sha256).digest())
        state.salt = hmac.new(secret, b"limiter-salt", hashlib.sha256).digest()[:16]
    app.state.public = state

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        if request.url.path == PREFIX or request.url.path.startswith(PREFIX + "/"):
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)
        return response

    def with_form(request: Request, render: Callable[[str], str], status: int = 200) -> Response:
        """A page with a form: the CSRF cookie (new if missing) and its token in the form."""
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        fresh = not cookie or len(cookie) > 64
        if fresh:
            cookie = Csrf.new_cookie()
        response = _html(render(state.csrf.token_for(cookie)), status)
        if fresh:
            response.set_cookie(
                CSRF_COOKIE,
                cookie,
                httponly=True,
                samesite="strict",
                path=PREFIX,
                secure=request.url.scheme == "https",
            )
        return response

    def limited(*checks: tuple[str, Limit]) -> Response | None:
        for key, limit in checks:
            if not state.limiter.hit(key, limit):
                response = _html(pages.message_page("请稍后再试", pages.TOO_MANY), 429)
                response.headers["Retry-After"] = str(int(limit.seconds))
                return response
        return None

    async def posted(request: Request, *extra: tuple[str, Limit]) -> dict[str, str] | Response:
        """The checked form of a POST, or the refusal to send (rate limit, CSRF, bad body)."""
        address = _address(request)
        refused = limited((f"post:{address}", state.limits.posts_per_address), *extra)
        if refused is not None:
            return refused
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > forms.MAX_FORM_BYTES:
            return _html(pages.message_page("提交失败", "表单内容过长。"), 413)
        body = await request.body()
        try:
            form = forms.parse_form(body)
        except forms.FormError:
            return _html(pages.message_page("提交失败", "表单内容无效，请返回重新填写。"), 400)
        token = form.pop(CSRF_FIELD, None)
        if not state.csrf.valid(request.cookies.get(CSRF_COOKIE), token):
            log.info("public form refused: CSRF token missing or wrong (%s)", request.url.path)
            text = "页面已过期或来源不明，请返回重新打开页面后填写。"
            return _html(pages.message_page("提交失败", text), 403)
        return form

    # HTML pages for residents: not part of the sync API that /openapi.json documents (the
    # browser tests in tests/public check them).
    @app.get(PREFIX + "/", include_in_schema=False)
    async def index() -> Response:
        return _html(pages.index())

    @app.get(PREFIX + "/style.css", include_in_schema=False)
    async def style() -> Response:
        return Response(
            pages.CSS,
            media_type="text/css; charset=utf-8",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get(PREFIX + "/zhi", include_in_schema=False)
    async def policy_page() -> Response:
        today = state.today()
        windows = await run_in_threadpool(data.windows, database)
        plain = await run_in_threadpool(data.plain, database, today)
        month = f"{today.year}年{today.month}月"
        return _html(pages.policy_page(plain, month, windows))

    @app.get(PREFIX + "/pinggu", include_in_schema=False)
    async def selfcheck_page(request: Request) -> Response:
        return with_form(request, lambda t: pages.selfcheck_form(t, {}))

    @app.post(PREFIX + "/pinggu", include_in_schema=False)
    async def selfcheck_post(request: Request) -> Response:
        form = await posted(request)
        if isinstance(form, Response):
            return form
        try:
            doc = forms.selfcheck_doc(form, state.today())
            policy = await run_in_threadpool(data.policy, database)
            result = self_assessment_of(doc, policy, state.today())
        except forms.FormError as exc:
            problems = exc.problems
            return with_form(request, lambda t: pages.selfcheck_form(t, form, problems), 422)
        except DeskError as exc:
            problems = [("评估", str(exc))]
            return with_form(request, lambda t: pages.selfcheck_form(t, form, problems), 422)
        return _html(pages.selfcheck_result(result))

    @app.get(PREFIX + "/ban", include_in_schema=False)
    async def apply_page(request: Request) -> Response:
        windows = await run_in_threadpool(data.windows, database)
        days = await run_in_threadpool(data.reply_days, database, state.today())
        return with_form(request, lambda t: pages.apply_form(t, windows, {}, None, days))

    @app.post(PREFIX + "/ban", include_in_schema=False)
    async def apply_post(request: Request) -> Response:
        address = _address(request)
        form = await posted(request, (f"apply:{address}", state.limits.applications_per_address))
        if isinstance(form, Response):
            return form
        windows = await run_in_threadpool(data.windows, database)
        today = state.today()
        try:
            pre = forms.pre_application(form, {w.code for w in windows}, today)
            policy = await run_in_threadpool(data.policy, database)
            result = self_assessment_of(pre.household_doc, policy, today)
        except forms.FormError as exc:
            problems = exc.problems
            days = await run_in_threadpool(data.reply_days, database, today)
            return with_form(
                request, lambda t: pages.apply_form(t, windows, form, problems, days), 422
            )
        payload = dict(pre.payload)
        payload["details"] = {**payload["details"], "selfcheck": result}
        reference = await run_in_threadpool(
            data.submit_pre_application, database, pre.office_code, payload, today
        )
        office = next(pages.office_label(w) for w in windows if w.code == pre.office_code)
        due = (await run_in_threadpool(data.reply_due, database, today)).isoformat()
        return _html(pages.apply_done(reference, office, due, result))

    @app.get(PREFIX + "/cha", include_in_schema=False)
    async def lookup_page(request: Request) -> Response:
        return with_form(request, lambda t: pages.lookup_form(t, {}))

    @app.post(PREFIX + "/cha", include_in_schema=False)
    async def lookup_post(request: Request) -> Response:
        address = _address(request)
        form = await posted(request, (f"lookup:{address}", state.limits.lookups_per_address))
        if isinstance(form, Response):
            return form
        try:
            number, suffix = forms.lookup_query(form)
        except forms.FormError as exc:
            problems = exc.problems
            return with_form(request, lambda t: pages.lookup_form(t, form, problems), 422)
        refused = limited((keyed("ref", number, state.salt), state.limits.lookups_per_reference))
        if refused is not None:
            return refused
        progress = await run_in_threadpool(data.lookup, database, number, suffix)
        if progress is None:
            kept = {"number": form.get("number", "")}
            return with_form(request, lambda t: pages.lookup_form(t, kept, None, pages.NOT_FOUND))
        return _html(pages.lookup_result(progress))

    return state
