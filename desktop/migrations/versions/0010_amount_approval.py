"""archive is a fact of the file, not a state; check-report resolutions on the application

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01

Before this step 归档 moved a paying case to a state "archived", and every list of paying
states had to remember it (the benefit run did not). Now the state stays 发放中/渐退期 and the
archive date is a column of its own; existing archived cases become paying + archived.
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: rebuilding the table would drop the search-index triggers of 0002.
    op.add_column("applications", sa.Column("archived_on", sa.Date(), nullable=True))
    op.add_column(
        "applications",
        sa.Column("check_resolutions", sa.JSON(), nullable=False, server_default="[]"),
    )
    op.execute(
        "UPDATE applications SET archived_on = json_extract(workflow, '$.archived_on') "
        "WHERE json_valid(workflow) AND json_extract(workflow, '$.archived_on') IS NOT NULL"
    )
    op.execute(
        "UPDATE applications SET state = 'paying', "
        "workflow = CASE WHEN json_valid(workflow) "
        "THEN json_set(workflow, '$.state', 'paying') ELSE workflow END "
        "WHERE state = 'archived'"
    )
    op.execute("UPDATE case_events SET to_state = 'paying' WHERE to_state = 'archived'")
    op.execute("UPDATE case_events SET from_state = 'paying' WHERE from_state = 'archived'")
    _add_tolerance_rows()


TOLERANCE = "check.tolerance"
_SOURCE = "[U] check report over the declared money by more: a finding"


def _add_tolerance_rows() -> None:
    """The new policy key 核对报告与申报差异容差 for both default periods (city rows)."""
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM policy_rows WHERE key = :k"), {"k": TOLERANCE}).first():
        return
    rows = sa.table(
        "policy_rows",
        sa.column("id", sa.String),
        sa.column("key", sa.String),
        sa.column("value", sa.Text),
        sa.column("effective_from", sa.Date),
        sa.column("effective_to", sa.Date),
        sa.column("district", sa.String),
        sa.column("source", sa.Text),
        sa.column("created_at", sa.DateTime),
        sa.column("changed_by", sa.String),
    )
    now = datetime.now().replace(microsecond=0)
    periods = ((date(2020, 9, 1), date(2025, 8, 31)), (date(2025, 9, 1), None))
    op.bulk_insert(
        rows,
        [
            {
                "id": str(uuid.uuid4()),
                "key": TOLERANCE,
                "value": "100",
                "effective_from": start,
                "effective_to": end,
                "district": None,
                "source": _SOURCE,
                "created_at": now,
                "changed_by": "迁移 0010（核对差异容差）",
            }
            for start, end in periods
        ],
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM policy_rows WHERE key = '{TOLERANCE}'")
    op.execute(
        "UPDATE applications SET state = 'archived', "
        "workflow = CASE WHEN json_valid(workflow) "
        "THEN json_set(workflow, '$.state', 'archived') ELSE workflow END "
        "WHERE state = 'paying' AND archived_on IS NOT NULL"
    )
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("check_resolutions")
        batch.drop_column("archived_on")
