"""Repeated wrong passwords: a growing wait, then a temporary lock, per user name, kept in a
small file beside the key file (the database is still locked when a password is tried)."""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop.errors import PermissionDenied

ATTEMPTS_FILE = "login_attempts.json"
FREE_TRIES = 3  # wrong passwords before any wait
FIRST_WAIT_SECONDS = 5.0  # then 5, 10, 20, 40 … seconds
LOCK_AFTER = 8  # wrong passwords in a row before the temporary lock
LOCK_SECONDS = 15 * 60


class LoginLocked(PermissionDenied):
    """Too many wrong passwords for this user name; try again after ``seconds``."""

    def __init__(self, message: str, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


def wait_after(failures: int) -> float:
    """Seconds the next try must wait after ``failures`` wrong passwords in a row."""
    if failures >= LOCK_AFTER:
        return float(LOCK_SECONDS)
    if failures < FREE_TRIES:
        return 0.0
    return FIRST_WAIT_SECONDS * 2 ** (failures - FREE_TRIES)


def _wait_text(seconds: int) -> str:
    return f"{math.ceil(seconds / 60)} 分钟" if seconds >= 120 else f"{seconds} 秒"


class LoginGuard:
    """The failure count and last failure time of every user name tried on this desk (known or
    not, so the answers do not tell which names exist)."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = data_dir / ATTEMPTS_FILE
        self.clock = clock

    def _load(self) -> dict[str, dict[str, float]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, dict[str, float]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".attempts-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, self.path)

    def failures(self, username: str) -> int:
        return int(self._load().get(username, {}).get("failures", 0))

    def check(self, username: str) -> None:
        """Refuse a try made before the wait after the last failure is over."""
        entry = self._load().get(username)
        if not entry:
            return
        failures = int(entry.get("failures", 0))
        left = math.ceil(float(entry.get("last", 0)) + wait_after(failures) - self.clock())
        if left <= 0:
            return
        if failures >= LOCK_AFTER:
            raise LoginLocked(
                f"密码已连续输错 {failures} 次，账号已临时锁定，请 {_wait_text(left)}后再试"
                "（或请管理员核实）",
                left,
            )
        raise LoginLocked(f"密码已连续输错 {failures} 次，请 {_wait_text(left)}后再试", left)

    def failed(self, username: str) -> int:
        """Count one more wrong password; returns the count."""
        data = self._load()
        entry = data.get(username) or {"failures": 0}
        entry = {"failures": int(entry.get("failures", 0)) + 1, "last": self.clock()}
        data[username] = entry
        self._save(data)
        return int(entry["failures"])

    def succeeded(self, username: str) -> None:
        data = self._load()
        if data.pop(username, None) is not None:
            self._save(data)
