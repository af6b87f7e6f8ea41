"""The audit trail's hash chain checked on this desk: ``python -m desktop verify-audit`` and
the administrator's 操作日志 screen report the first broken link, and whether the policy
table is still the one the chain last recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from desktop.domain.audit_actions import action_label
from desktop.domain.audit_chain import ChainReport
from desktop.domain.policy.integrity import PolicyCheck
from desktop.services.base import Actor, Role, Scope, service
from desktop.services.policy.policy_integrity import check_table
from desktop.store.audit_log import check_chain
from desktop.store.models import AuditEvent
from desktop.store.store import Store


@dataclass(frozen=True)
class TrailReport:
    """The chain check and the policy table check, reported together."""

    chain: ChainReport
    policy: PolicyCheck

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.policy.ok

    def message(self) -> str:
        return f"{self.chain.message()}\n{self.policy.message()}"


def trail_report(store: Store) -> TrailReport:
    """Both checks as plain store reads (the command line runs them for any user)."""
    with store.sessions.read() as s:
        policy = check_table(s)
    return TrailReport(check_chain(store), policy)


@service(
    roles={Role.ADMIN, Role.SUPERVISOR},
    scope=Scope.NONE("checks the whole audit trail, shows no family data"),
)
def verify_audit_trail(store: Store, actor: Actor) -> TrailReport:
    """The chain and policy checks for the administrator's screen."""
    return trail_report(store)


@dataclass(frozen=True)
class AuditLine:
    """One line of the 操作日志 screen."""

    seq: int | None
    at: datetime
    actor_name: str
    role: str
    action: str
    summary: str
    action_label: str = ""


@service(
    roles={Role.ADMIN, Role.SUPERVISOR},
    scope=Scope.NONE("the office's own log lines, newest first; summaries carry no full IDs"),
    changes=(),
)
def recent_audit_lines(store: Store, actor: Actor, limit: int = 200) -> list[AuditLine]:
    """The newest lines of this desk's audit trail."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(AuditEvent)
            .order_by(AuditEvent.at.desc(), AuditEvent.chain_seq.desc())
            .limit(limit)
        ).all()
        return [
            AuditLine(
                r.chain_seq, r.at, r.actor_name, r.role, r.action, r.summary, action_label(r.action)
            )
            for r in rows
        ]
