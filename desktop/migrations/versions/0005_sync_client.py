"""sync client: conflicts, last-known hub versions, check requests/reports, warnings, disposals

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _synced(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        *columns,
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def upgrade() -> None:
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("base", sa.JSON(), nullable=True),
        sa.Column("local", sa.JSON(), nullable=False),
        sa.Column("remote", sa.JSON(), nullable=True),
        sa.Column("remote_rev", sa.Integer(), nullable=False),
        sa.Column("remote_deleted", sa.Boolean(), nullable=False),
        sa.Column("remote_offices", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_conflicts"),
    )
    op.create_index("ix_sync_conflicts_entity_id", "sync_conflicts", ["entity_id"])
    op.create_index("ix_sync_conflicts_status", "sync_conflicts", ["status"])
    op.create_table(
        "sync_base",
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "id", name="pk_sync_base"),
        sqlite_with_rowid=False,
    )
    _synced(
        "check_requests",
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.String(length=30), nullable=False),
        sa.Column("requested_by", sa.String(length=40), nullable=False),
    )
    op.create_index("ix_check_requests_household_id", "check_requests", ["household_id"])
    _synced(
        "check_reports",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=True),
        sa.Column("generated_at", sa.String(length=40), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
    )
    op.create_index("ix_check_reports_request_id", "check_reports", ["request_id"])
    op.create_index("ix_check_reports_household_id", "check_reports", ["household_id"])
    _synced(
        "warnings",
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("warning_type", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
    )
    op.create_index("ix_warnings_office_code", "warnings", ["office_code"])
    op.create_index("ix_warnings_id_number", "warnings", ["id_number"])
    _synced(
        "warning_disposals",
        sa.Column("warning_id", sa.String(length=36), nullable=False),
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("checked_by", sa.String(length=40), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("disposal", sa.String(length=20), nullable=False),
        sa.Column("disposed_on", sa.Date(), nullable=False),
        sa.Column("disposed_by", sa.String(length=40), nullable=False),
    )
    op.create_index("ix_warning_disposals_warning_id", "warning_disposals", ["warning_id"])
    op.create_index("ix_outbox_entity_state", "outbox", ["entity_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_outbox_entity_state", "outbox")
    for name in ("warning_disposals", "warnings", "check_reports", "check_requests"):
        op.drop_table(name)
    op.drop_table("sync_base")
    op.drop_table("sync_conflicts")
