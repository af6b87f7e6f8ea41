"""Protection of the public pages: per-address and per-reference rate limits, CSRF tokens
bound to a cookie, and the security headers every public answer carries."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

CSRF_COOKIE = "jz_csrf"
CSRF_FIELD = "csrf"

HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events in ``seconds``."""

    count: int
    seconds: float


@dataclass(frozen=True)
class PublicLimits:
    """The limits of the public pages (per client address, and per queried reference)."""

    #: any form submitted from one address
    posts_per_address: Limit = Limit(30, 600)
    #: pre-applications from one address
    applications_per_address: Limit = Limit(5, 3600)
    #: progress look-ups from one address
    lookups_per_address: Limit = Limit(10, 600)
    #: look-ups of one reference or case number, whoever asks
    lookups_per_reference: Limit = Limit(5, 3600)


@dataclass
class RateLimiter:
    """Sliding-window counters in memory (one hub process); keys never hold personal data in
    clear: the caller passes a hash of a reference, not the reference."""

    clock: Callable[[], float] = time.monotonic
    #: the longest window of any limit: older events are dropped when memory is tidied
    horizon: float = 3600.0
    max_keys: int = 100_000
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self, key: str, limit: Limit) -> bool:
        """Count one event under ``key``; False when the limit is already reached."""
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - limit.seconds:
                events.popleft()
            if len(events) >= limit.count:
                return False
            events.append(now)
            if len(self._events) > self.max_keys:  # a flood of addresses must not grow memory
                cutoff = now - self.horizon
                self._events = {k: v for k, v in self._events.items() if v[-1] > cutoff}
            return True


class Csrf:
    """Double-submit tokens: a random cookie, and a form field that is its HMAC."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(24)

    def token_for(self, cookie: str) -> str:
        return hmac.new(self._secret, cookie.encode(), hashlib.sha256).hexdigest()

    def valid(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token or len(cookie) > 64 or len(token) > 128:
            return False
        return hmac.compare_digest(self.token_for(cookie), token)


def keyed(kind: str, value: str, salt: bytes) -> str:
    """A limiter key for a value that must not be kept in clear (a reference number)."""
    return f"{kind}:{hashlib.sha256(salt + value.encode()).hexdigest()[:32]}"
