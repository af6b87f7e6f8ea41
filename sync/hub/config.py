"""Settings of one hub instance (database, limits, check delay), declared once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sync.protocol import DEFAULT_MAX_ATTACHMENT_BYTES


@dataclass(frozen=True)
class HubSettings:
    """Everything a hub needs to run; the CLI builds one from its arguments."""

    db_url: str
    name: str = "天津市社会救助信息平台（参考实现）"
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
    #: seconds between a check_request and the hub's check_report
    check_delay_s: float = 0.0
    #: how long an enrolment code stays valid
    enrol_valid_hours: float = 72.0
    #: a device may repeat its own registration (lost answer) within this window
    register_replay_s: float = 600.0
    #: the public forms' secret (CSRF tokens, the limiter's salt): the same on every hub
    #: process behind one address (``JIUZHU_HUB_SECRET``); None = random at start, one process
    public_secret: bytes | None = None


SECRET_ENV = "JIUZHU_HUB_SECRET"
"""The environment variable ``serve`` reads the public forms' secret from."""


def secret_from_env(value: str | None) -> bytes | None:
    """The secret as bytes (SHA-256 of the text, so any passphrase of 16+ characters works)."""
    if not value:
        return None
    if len(value) < 16:
        raise ValueError(f"{SECRET_ENV} 太短：至少 16 个字符")
    return hashlib.sha256(value.encode("utf-8")).digest()
