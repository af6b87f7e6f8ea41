"""approved amount deviations survive the monthly run: the facts they rest on, run-line notes

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-01

A confirmed amount that differs from the calculation (人工核定, with a written basis and a
second approver) is a decision the monthly run must not overwrite. The run line now says
what it did with such a case: kept it ("人工核定，维持") or, the calculation having moved,
paid the new calculation and flagged the deviation as lapsed. Existing lines get ''.
``deviation_facts`` (local, never synced) holds the family's ``facts_rev`` when the deviation
was approved at this desk, or when it first reached this desk from another one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: no table rebuild of a table that may hold millions of lines.
    op.add_column(
        "benefit_changes", sa.Column("note", sa.Text(), nullable=False, server_default="")
    )
    op.create_table(
        "deviation_facts",
        sa.Column("application_id", sa.String(36), primary_key=True),
        sa.Column("facts_rev", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("deviation_facts")
    with op.batch_alter_table("benefit_changes") as batch:
        batch.drop_column("note")
