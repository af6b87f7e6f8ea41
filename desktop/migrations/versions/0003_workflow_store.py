"""workflow store: case events, home surveys, calendar overrides, reserve fund, case version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _synced_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("deadline_owner", sa.String(20), nullable=False, server_default=""))
    # Partial covering indexes for the due list: only cases with a running deadline, and every
    # column the list reads, so it never touches the wide rows holding the snapshot JSON.
    covered = ["next_deadline", "deleted", "number", "state", "deadline_step", "deadline_owner", "assistance_type", "applicant_id", "id"]
    running = sa.text("next_deadline IS NOT NULL")
    op.create_index("ix_applications_res_deadline", "applications", ["residence_office_id", *covered, "hukou_office_id"], sqlite_where=running)
    op.create_index("ix_applications_huk_deadline", "applications", ["hukou_office_id", *covered, "residence_office_id"], sqlite_where=running)
    op.create_table(
        "case_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id", name="fk_case_events_application_id_applications"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("from_state", sa.String(30), nullable=True),
        sa.Column("to_state", sa.String(30), nullable=False),
        sa.Column("actor_name", sa.String(40), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("office_code", sa.String(12), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.UniqueConstraint("application_id", "seq", name="uq_case_events_app_seq"),
    )
    op.create_table(
        "home_surveys",
        *_synced_columns(),
        sa.Column("application_id", sa.String(36), sa.ForeignKey("applications.id", name="fk_home_surveys_application_id_applications"), nullable=False),
        sa.Column("household_id", sa.String(36), sa.ForeignKey("households.id", name="fk_home_surveys_household_id_households"), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("surveyors", sa.JSON(), nullable=False),
        sa.Column("members_present", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("finalized_at", sa.DateTime(), nullable=True),
        sa.Column("finalized_by", sa.String(40), nullable=False),
        sa.UniqueConstraint("application_id", name="uq_home_surveys_application_id"),
    )
    op.create_index("ix_home_surveys_household_id", "home_surveys", ["household_id"])
    op.create_table(
        "calendar_overrides",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("office_id", sa.String(36), sa.ForeignKey("offices.id", name="fk_calendar_overrides_office_id_offices"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("note", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("office_id", "day", name="uq_calendar_overrides_day"),
    )
    op.create_table(
        "reserve_fund_entries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("office_id", sa.String(36), sa.ForeignKey("offices.id", name="fk_reserve_fund_entries_office_id_offices"), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("application_id", sa.String(36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_reserve_fund_office_on", "reserve_fund_entries", ["office_id", "on"])


def downgrade() -> None:
    op.drop_index("ix_reserve_fund_office_on", "reserve_fund_entries")
    op.drop_table("reserve_fund_entries")
    op.drop_table("calendar_overrides")
    op.drop_index("ix_home_surveys_household_id", "home_surveys")
    op.drop_table("home_surveys")
    op.drop_table("case_events")
    op.drop_index("ix_applications_huk_deadline", "applications")
    op.drop_index("ix_applications_res_deadline", "applications")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("deadline_owner")
        batch.drop_column("version")
