"""service requests (诉求) from every channel; reply deadlines per channel as policy rows

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-01
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values as of this step (the defaults module may change later; a migration must not).
REPLY_DAYS = {
    "hotline": "3",
    "12345": "3",
    "wechat": "3",
    "portal": "3",
    "qr": "3",
    "visit": "5",
    "patrol": "5",
    "warning": "5",
}
_SOURCE = "[U] reply deadline of a request in working days, per channel"


def upgrade() -> None:
    op.create_table(
        "service_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("caller_name", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("need", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reply_due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("handler", sa.String(length=40), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("household_id", sa.String(length=36), nullable=True),
        sa.Column("application_id", sa.String(length=36), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_service_requests"),
    )
    with op.batch_alter_table("service_requests") as batch:
        for column in ("reference", "office_code", "received_on", "reply_due", "status"):
            batch.create_index(f"ix_service_requests_{column}", [column])
    _add_reply_days()


def _add_reply_days() -> None:
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
    conn = op.get_bind()
    have = set(
        conn.execute(sa.text("SELECT key FROM policy_rows WHERE key LIKE 'request.reply_days.%'"))
        .scalars()
        .all()
    )
    now = datetime.now().replace(microsecond=0)
    periods = ((date(2020, 9, 1), date(2025, 8, 31)), (date(2025, 9, 1), None))
    op.bulk_insert(
        rows,
        [
            {
                "id": str(uuid.uuid4()),
                "key": f"request.reply_days.{channel}",
                "value": days,
                "effective_from": start,
                "effective_to": end,
                "district": None,
                "source": _SOURCE,
                "created_at": now,
                "changed_by": "迁移 0016（诉求答复时限）",
            }
            for channel, days in REPLY_DAYS.items()
            if f"request.reply_days.{channel}" not in have
            for start, end in periods
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM policy_rows WHERE key LIKE 'request.reply_days.%'")
    op.drop_table("service_requests")
