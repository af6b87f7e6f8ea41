"""The policy table's digest as stored (plain store reads, no actor): what a policy change
records in its audit event and what a desk reports to the hub with its chain checkpoint."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy.integrity import policy_digest
from desktop.domain.policy.tables import PolicyRow
from desktop.store.policy_models import PolicyRowRecord
from desktop.store.store import Store


def table_digest(session: Session) -> str:
    """The digest of the policy table as this session sees it (flushed rows included)."""
    session.flush()
    return policy_digest(
        PolicyRow(r.key, r.value, r.effective_from, r.effective_to, r.district, r.source)
        for r in session.scalars(select(PolicyRowRecord))
    )


def stored_digest(store: Store) -> str:
    """The digest of the policy table in the store."""
    with store.sessions.read() as s:
        return table_digest(s)
