"""The one HTTP wrapper of the desk: timeouts, user agent, TLS on, retries, progress, transport.

Retries (exponential backoff with jitter) happen only on connection errors, timeouts and 5xx
answers; a 4xx answer of the hub is turned into ``HubRefused`` at once. A request given a
``cancelled`` callable is cancellable at any moment: the wait between attempts is sliced and
checks it, and the request itself runs on a helper thread that is abandoned on cancel (a
change already sent is resent later with the same change_id, so nothing is lost or doubled).
Tests mount a fault-injecting adapter through ``HttpClient.mount`` (see sync/testing.py).
"""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from desktop.errors import DeskError

ProgressHook = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]
CANCEL_POLL_S = 0.05  # how often a waiting request looks at its cancel flag
CANCELLED_MESSAGE = "同步已取消，未完成的部分下次继续"


def _client_version() -> str:
    try:
        return metadata.version("jiuzhu-desk")
    except metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0"


CLIENT_VERSION = _client_version()
USER_AGENT = f"jiuzhu-desk/{CLIENT_VERSION}"


class HubError(DeskError):
    """Talking to the hub failed. ``code`` is the protocol error code (English, stable)."""

    def __init__(
        self, message: str, code: str, status: int | None = None, detail: Any = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.detail = detail


class HubUnavailable(HubError):
    """No usable answer after every retry (offline, timeouts, 5xx): try again later."""


class HubRefused(HubError):
    """The hub answered with a protocol error (401, 403, 409, 413, 422 …); retrying won't help."""


class SyncCancelled(DeskError):
    """The user cancelled a long transfer; what was sent so far is kept by the hub."""


class _Transient(Exception):
    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class HttpSettings:
    """Timeouts, retry budget and TLS of the client, declared once."""

    connect_timeout_s: float = 5.0
    read_timeout_s: float = 60.0
    attempts: int = 6
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 15.0
    verify: bool | str = True  # True or a CA bundle path; never False in the desk
    user_agent: str = USER_AGENT


class HttpClient:
    """A requests.Session with the desk's policies; ``mount`` swaps the transport."""

    def __init__(
        self, settings: HttpSettings | None = None, progress: ProgressHook | None = None
    ) -> None:
        self.settings = settings or HttpSettings()
        self.progress = progress
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.settings.user_agent
        self.session.verify = self.settings.verify

    def mount(self, prefix: str, adapter: BaseAdapter) -> None:
        """Route every URL starting with ``prefix`` through ``adapter`` (tests inject faults)."""
        self.session.mount(prefix, adapter)

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        what: str = "",
        cancelled: Cancelled | None = None,
    ) -> requests.Response:
        """Send with retries; return a 2xx response, raise HubRefused (4xx) or HubUnavailable.

        With ``cancelled``, ``SyncCancelled`` is raised within about 50 ms of it turning True,
        whether the request is waiting for an answer or for its next attempt.
        """
        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.settings.attempts)),
            wait=wait_random_exponential(
                multiplier=self.settings.backoff_initial_s, max=self.settings.backoff_max_s
            ),
            retry=retry_if_exception_type(_Transient),
            sleep=_sleeper(cancelled),
            reraise=True,
        )
        try:
            if cancelled is None:
                return retrying(self._once, method, url, params, data, headers, what)
            return retrying(
                _interruptible,
                lambda: self._once(method, url, params, data, headers, what),
                cancelled,
            )
        except _Transient as exc:
            message = "无法连接市级平台，请检查网络后重试"
            if exc.status:
                message = f"市级平台暂时不可用（HTTP {exc.status}），请稍后重试"
            raise HubUnavailable(message, "unavailable", exc.status, str(exc)) from None

    def _once(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: bytes | None,
        headers: Mapping[str, str] | None,
        what: str,
    ) -> requests.Response:
        timeout = (self.settings.connect_timeout_s, self.settings.read_timeout_s)
        stream = self.progress is not None
        try:
            resp = self.session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                timeout=timeout,
                stream=stream,
            )
            if stream:
                self._read_with_progress(resp, what)
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            raise _Transient(type(exc).__name__) from exc
        if resp.status_code >= 500:
            raise _Transient(f"HTTP {resp.status_code}", resp.status_code)
        if resp.status_code >= 400:
            raise _refusal(resp)
        return resp

    def _read_with_progress(self, resp: requests.Response, what: str) -> None:
        assert self.progress is not None
        total = int(resp.headers.get("content-length") or 0)
        parts: list[bytes] = []
        done = 0
        for part in resp.iter_content(256 * 1024):
            parts.append(part)
            done += len(part)
            self.progress(done, max(total, done), what)
        resp._content = b"".join(parts)  # noqa: SLF001 - requests' documented cache slot


def _sleeper(cancelled: Cancelled | None) -> Callable[[float], None]:
    """The wait between attempts: in short slices that give up when ``cancelled()`` turns True."""

    def sleep(seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if cancelled is not None and cancelled():
                raise SyncCancelled(CANCELLED_MESSAGE)
            time.sleep(min(left, CANCEL_POLL_S))

    return sleep


def _interruptible(
    call: Callable[[], requests.Response], cancelled: Cancelled
) -> requests.Response:
    """Run one blocking request on a helper thread; stop waiting for it once cancelled."""
    if cancelled():
        raise SyncCancelled(CANCELLED_MESSAGE)
    outcome: list[tuple[bool, Any]] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as exc:  # handed back to the waiting thread
            outcome.append((False, exc))
        finally:
            done.set()

    threading.Thread(target=run, name="hub-request", daemon=True).start()
    while not done.wait(CANCEL_POLL_S):
        if cancelled():
            raise SyncCancelled(CANCELLED_MESSAGE)  # the helper ends at its own timeout
    ok, value = outcome[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def _refusal(resp: requests.Response) -> HubRefused:
    try:
        error = resp.json()["error"]
        return HubRefused(
            str(error["message"]), str(error["code"]), resp.status_code, error.get("detail")
        )
    except (ValueError, KeyError, TypeError):
        return HubRefused(
            f"市级平台拒绝了请求（HTTP {resp.status_code}）", "http_error", resp.status_code
        )
