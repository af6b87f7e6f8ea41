"""Settings of one hub instance (database, limits, check delay), declared once."""

from __future__ import annotations

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
