"""policy_rows.source: the seeded sources (依据来源) in Chinese

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02

The policy rows that migrations 0004, 0010, 0016 and 0018 seeded carried their source notes in
English ("[U] city average floor area per person, m²"), and the 政策参数 page showed them as
they are. Each row whose source is still exactly one of those notes gets the Chinese note that
``desktop.domain.policy.defaults`` now seeds; a source an administrator wrote is left alone.
The source is part of the table's digest, so the first login after this upgrade records a new
baseline (``record_baseline_if_needed``), as after any migration that changes policy rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from desktop.domain.policy.legacy_sources import LEGACY_SOURCES

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UPDATE = sa.text("UPDATE policy_rows SET source = :new WHERE source = :old")


def upgrade() -> None:
    conn = op.get_bind()
    for old, new in LEGACY_SOURCES.items():
        conn.execute(_UPDATE, {"old": old, "new": new})


def downgrade() -> None:
    conn = op.get_bind()
    for old, new in LEGACY_SOURCES.items():
        conn.execute(_UPDATE, {"old": new, "new": old})
