"""audit events as a hash chain; coordinator ↔ community assignments

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01

Every local audit event gets a link number and the hash of the one before it (existing
events are chained in the order they were written); coordinators get their communities.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from desktop.domain.audit_chain import GENESIS, HASHED_FIELDS, event_hash

revision: str = "0012"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("chain_seq", sa.Integer(), nullable=True))
    op.add_column(
        "audit_events",
        sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""),
    )
    op.add_column(
        "audit_events", sa.Column("hash", sa.String(64), nullable=False, server_default="")
    )
    op.create_index("ix_audit_events_chain_seq", "audit_events", ["chain_seq"], unique=True)
    op.create_table(
        "coordinator_communities",
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("community", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "community", name="pk_coordinator_communities"),
    )
    _chain_existing()


def _chain_existing() -> None:
    conn = op.get_bind()
    cols = ", ".join(HASHED_FIELDS)
    rows = conn.exec_driver_sql(
        f"SELECT {cols} FROM audit_events WHERE user_id IS NOT NULL ORDER BY at, rowid"
    ).fetchall()
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        fields = dict(zip(HASHED_FIELDS, row, strict=True))
        if isinstance(fields["data"], str):
            fields["data"] = json.loads(fields["data"] or "{}")
        digest = event_hash(seq, prev, fields)
        conn.exec_driver_sql(
            "UPDATE audit_events SET chain_seq = ?, prev_hash = ?, hash = ? WHERE id = ?",
            (seq, prev, digest, fields["id"]),
        )
        prev = digest


def downgrade() -> None:
    op.drop_table("coordinator_communities")
    op.drop_index("ix_audit_events_chain_seq", "audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("chain_seq")
