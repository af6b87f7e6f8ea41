"""persons.merged_into: the tombstone of a person registered twice points at the survivor

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-01

The same person (same ID number) registered offline on two devices is merged into one by the
hub; the other record stays as a tombstone naming the survivor (docs/sync-protocol.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: rebuilding the table would drop the search-index triggers of 0002.
    op.add_column(
        "persons",
        sa.Column("merged_into", sa.String(length=36), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("persons") as batch_op:
        batch_op.drop_column("merged_into")
