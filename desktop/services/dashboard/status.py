"""What the status bar shows: unsynced changes, last sync, calendar coverage."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.store.models import OutboxEntry
from desktop.store.outbox import UNSENT
from desktop.store.store import Store


def unsynced_count(store: Store) -> int:
    """Changes written locally and not yet accepted by the municipal hub."""
    with store.sessions.read() as s:
        return (
            s.scalar(
                select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state.in_(UNSENT))
            )
            or 0
        )
