"""bank accounts: the household's payee account (bank, holder, number) for the payment roster

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("bank_name", 60), ("bank_holder", 40), ("bank_account", 30))


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): existing rows get '' = no account registered yet.
    for name, length in _COLUMNS:
        op.add_column(
            "households", sa.Column(name, sa.String(length), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("households") as batch:
        for name, _length in reversed(_COLUMNS):
            batch.drop_column(name)
