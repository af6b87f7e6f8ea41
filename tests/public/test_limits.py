"""The public pages' rate limiter and CSRF tokens on their own (a clock the test moves)."""

from __future__ import annotations

from sync.hub.public.security import Csrf, Limit, RateLimiter


def test_window_slides_and_old_keys_are_tidied() -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0], horizon=60, max_keys=3)
    limit = Limit(2, 60)
    assert limiter.hit("a", limit) and limiter.hit("a", limit)
    assert not limiter.hit("a", limit), "the third within the window is refused"
    now[0] = 61
    assert limiter.hit("a", limit), "the window has slid"
    for key in ("b", "c", "d"):
        limiter.hit(key, limit)
    now[0] = 200
    limiter.hit("e", limit)
    assert set(limiter._events) == {"e"}, "keys silent for longer than the horizon are dropped"


def test_csrf_token_belongs_to_its_cookie_and_secret() -> None:
    csrf = Csrf(b"k" * 32)
    cookie = Csrf.new_cookie()
    token = csrf.token_for(cookie)
    assert csrf.valid(cookie, token)
    assert not csrf.valid(Csrf.new_cookie(), token)
    assert not Csrf(b"x" * 32).valid(cookie, token)
    assert not csrf.valid(cookie, None) and not csrf.valid(None, token)
