"""proactive discovery: warnings with kind, evidence, deadline and owner; disposal outcomes,
assignment and links to the case reviewed or the application opened; the office's share of the
low-income registry

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WARNING_COLUMNS = (
    ("kind", sa.String(length=32), "''"),
    ("rule", sa.String(length=32), "''"),
    ("direction", sa.String(length=8), "''"),
    ("evidence", sa.JSON(), "'{}'"),
    ("suggested_action", sa.Text(), "''"),
    ("community", sa.String(length=60), "''"),
    ("household_key", sa.String(length=64), "''"),
    ("category", sa.String(length=16), "''"),
    ("residence_office", sa.String(length=12), "''"),
)
_DISPOSAL_COLUMNS = (
    ("assigned_to", sa.String(length=40), "''"),
    ("assigned_on", sa.Date(), None),
    ("visit_required", sa.Boolean(), "0"),
    ("review_case_id", sa.String(length=36), "''"),
    ("new_case_id", sa.String(length=36), "''"),
    ("referral_to", sa.String(length=60), "''"),
)


def upgrade() -> None:
    for name, kind, default in _WARNING_COLUMNS:
        op.add_column(
            "warnings",
            sa.Column(name, kind, nullable=False, server_default=sa.text(default)),
        )
    for name in ("deadline", "pushed_on", "escalated_on"):
        op.add_column("warnings", sa.Column(name, sa.Date(), nullable=True))
    op.create_index("ix_warnings_deadline", "warnings", ["deadline"])
    for name, kind, default in _DISPOSAL_COLUMNS:
        column = (
            sa.Column(name, kind, nullable=True)
            if default is None
            else sa.Column(name, kind, nullable=False, server_default=sa.text(default))
        )
        op.add_column("warning_disposals", column)
    op.create_table(
        "low_income_persons",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("household_key", sa.String(length=64), nullable=False),
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("residence_office", sa.String(length=12), nullable=False),
        sa.Column("community", sa.String(length=60), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("assisted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_low_income_persons"),
    )  # fmt: skip
    op.create_index("ix_low_income_persons_id_number", "low_income_persons", ["id_number"])


def downgrade() -> None:
    op.drop_index("ix_low_income_persons_id_number", "low_income_persons")
    op.drop_table("low_income_persons")
    op.drop_index("ix_warnings_deadline", "warnings")
    with op.batch_alter_table("warning_disposals") as batch:
        for name, _kind, _default in _DISPOSAL_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("warnings") as batch:
        for name in ("deadline", "pushed_on", "escalated_on"):
            batch.drop_column(name)
        for name, _kind, _default in _WARNING_COLUMNS:
            batch.drop_column(name)
