"""This desk's policy table held to its own audit chain: the digest every policy change
records, the check ``load_policy`` runs before any amount is computed, the administrator's
check, and the baseline a new store or an upgraded one records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy.integrity import (
    BASELINE_ACTIONS,
    DIGEST_ACTIONS,
    DIGEST_FIELD,
    REVISION_FIELD,
    PolicyCheck,
    check_digest,
    policy_digest,
)
from desktop.domain.policy.tables import PolicyRow
from desktop.services.base import PROVIDER_ROLES, Actor, Role, Scope, service, unit_of_work
from desktop.store.db import current_revision
from desktop.store.models import AuditEvent
from desktop.store.policy_table import table_digest
from desktop.store.store import Store


def _digest_events(session: Session) -> list[dict[str, object]]:
    query = (
        select(AuditEvent.chain_seq, AuditEvent.action, AuditEvent.data)
        .where(AuditEvent.chain_seq.is_not(None), AuditEvent.action.in_(DIGEST_ACTIONS))
        .order_by(AuditEvent.chain_seq.desc())
    )
    return [{"chain_seq": seq, "action": a, "data": d} for seq, a, d in session.execute(query)]


def _chain_empty(session: Session) -> bool:
    query = select(AuditEvent.id).where(AuditEvent.chain_seq.is_not(None)).limit(1)
    return session.scalars(query).first() is None


def check_table(session: Session, rows: list[PolicyRow] | None = None) -> PolicyCheck:
    """The policy table (``rows`` when the caller has just read them) against the latest
    digest this desk's chain records."""
    actual = table_digest(session) if rows is None else policy_digest(rows)
    return check_digest(actual, _digest_events(session), chain_empty=_chain_empty(session))


def digest_data(session: Session) -> dict[str, str]:
    """What a policy-changing audit event adds to its data: the table's digest after it."""
    return {DIGEST_FIELD: table_digest(session)}


def baseline_data(session: Session, revision: str | None) -> dict[str, object]:
    """What a baseline event (new store, first start after an upgrade) records."""
    return {DIGEST_FIELD: table_digest(session), REVISION_FIELD: revision}


def needs_baseline(session: Session, revision: str | None) -> bool:
    """True when no baseline names the store's current schema revision: a store from before
    the check existed, or one a migration has just upgraded (migrations may add policy rows)."""
    query = (
        select(AuditEvent.data)
        .where(AuditEvent.chain_seq.is_not(None), AuditEvent.action.in_(BASELINE_ACTIONS))
        .order_by(AuditEvent.chain_seq.desc())
        .limit(1)
    )
    data = session.scalars(query).first()
    return not isinstance(data, dict) or data.get(REVISION_FIELD) != revision


@service(
    roles=PROVIDER_ROLES,
    scope=Scope.NONE("records the policy table's digest at login, no family"),
    changes=(),
)
def record_baseline_if_needed(store: Store, actor: Actor) -> bool:
    """At login: state the table as found when the schema revision changed since the last
    baseline (audited, so the hub's copy of the chain shows every baseline)."""
    revision = current_revision(store.engine)
    with store.sessions.read() as s:
        if not needs_baseline(s, revision):
            return False
    with unit_of_work(store, actor) as uow:
        uow.audit(
            "policy_baseline",
            "policy_row",
            "",
            f"数据库结构版本 {revision}：记录政策参数表当前状态",
            baseline_data(uow.session, revision),
        )
    return True


@service(
    roles={Role.ADMIN, Role.SUPERVISOR},
    scope=Scope.NONE("checks the policy table, shows no family data"),
)
def verify_policy_table(store: Store, actor: Actor) -> PolicyCheck:
    """Whether the policy table is the one this desk's audit chain last recorded."""
    with store.sessions.read() as s:
        return check_table(s)
