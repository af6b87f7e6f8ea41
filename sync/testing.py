"""Test helpers without Qt: a requests transport adapter that injects network faults.

Mount it on an HttpClient (``http.mount("http://", FaultInjectingAdapter(seed=1, ...))``):
each request may be dropped before it reaches the hub, lost after the hub answered, answered
503 without reaching the hub, delayed, or delivered twice. The RNG is seeded, so a run repeats.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from typing import Any

import requests
from requests.adapters import HTTPAdapter


class FaultInjectingAdapter(HTTPAdapter):
    """An HTTPAdapter that misbehaves with the given probabilities (each 0..1)."""

    def __init__(
        self,
        seed: int,
        drop: float = 0.0,
        lose_response: float = 0.0,
        error_503: float = 0.0,
        delay: float = 0.0,
        duplicate: float = 0.0,
        delay_s: float = 0.02,
    ) -> None:
        super().__init__(max_retries=0)
        self.rates = {
            "drop": drop,
            "lose": lose_response,
            "503": error_503,
            "delay": delay,
            "dup": duplicate,
        }
        self.delay_s = delay_s
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()

    def _roll(self, kind: str) -> bool:
        with self._lock:
            hit = self._rng.random() < self.rates[kind]
            if hit:
                self.counts[kind] += 1
            return hit

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:  # type: ignore[override]
        """Send the request, possibly after (or instead of) misbehaving."""
        self.counts["requests"] += 1
        if self._roll("drop"):
            raise requests.ConnectionError("injected fault: request dropped before the hub")
        if self._roll("503"):
            return _synthetic_503(request)
        if self._roll("delay"):
            time.sleep(self.delay_s)
        if self._roll("dup"):
            super().send(request, *args, **kwargs).close()
        response = super().send(request, *args, **kwargs)
        if self._roll("lose"):
            response.close()
            raise requests.ConnectionError("injected fault: answer lost after the hub applied it")
        return response


def _synthetic_503(request: requests.PreparedRequest) -> requests.Response:
    resp = requests.Response()
    resp.status_code = 503
    resp.reason = "Service Unavailable"
    resp._content = b'{"v":1,"error":{"code":"unavailable","message":"injected","detail":null}}'  # noqa: SLF001
    resp.headers["Content-Type"] = "application/json"
    resp.url = request.url or ""
    resp.request = request
    return resp
