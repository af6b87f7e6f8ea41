"""巡访: home visits and the problems they found; visit frequencies and problem deadlines as
policy rows

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values as of this step (the defaults module may change later; a migration must not).
FREQUENCY_DAYS = {
    "tekun_dispersed": "30",
    "elderly_alone": "30",
    "severe_disability": "30",
    "child_hardship": "30",
    "dibao": "90",
    "bianyuan": "90",
    "after_stop": "90",
}
PROBLEM_DAYS = {"urgent": "3", "normal": "10"}
_SOURCES = {
    "visit.frequency_days": "[U] days between visits (巡访) of a household, per category",
    "visit.problem_days": "[U] working days to handle a problem found on a visit, per urgency",
}


def _synced() -> list[sa.Column]:
    return [
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
    ]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "home_visits",
        *_synced(),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("community", sa.String(length=60), nullable=False),
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(length=40), nullable=False),
        sa.Column("visitor_id", sa.String(length=36), nullable=False),
        sa.Column("met", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("signature_id", sa.String(length=36), nullable=False),
        sa.Column("signed_by", sa.String(length=40), nullable=False),
        sa.Column("leaflet_given", sa.Boolean(), nullable=False),
        sa.Column("change_kind", sa.String(length=20), nullable=False),
        sa.Column("change_detail", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.String(length=20), nullable=False),
        sa.Column("follow_up_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name="fk_home_visits_household_id_households"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_home_visits"),
    )
    with op.batch_alter_table("home_visits") as batch:
        batch.create_index("ix_home_visits_household_on", ["household_id", "visited_on"])
        batch.create_index("ix_home_visits_community_on", ["community", "visited_on"])
    op.create_table(
        "visit_problems",
        *_synced(),
        sa.Column("household_id", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.String(length=36), nullable=False),
        sa.Column("community", sa.String(length=60), nullable=False),
        sa.Column("office_code", sa.String(length=12), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("found_by", sa.String(length=40), nullable=False),
        sa.Column("handler_kind", sa.String(length=12), nullable=False),
        sa.Column("handler", sa.String(length=60), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("action_taken", sa.Text(), nullable=False),
        sa.Column("handled_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name="fk_visit_problems_household_id_households"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_visit_problems"),
    )
    with op.batch_alter_table("visit_problems") as batch:
        for column in ("household_id", "visit_id", "community", "status", "deadline"):
            batch.create_index(f"ix_visit_problems_{column}", [column])
    _add_policy_rows()


def _add_policy_rows() -> None:
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
        conn.execute(sa.text("SELECT key FROM policy_rows WHERE key LIKE 'visit.%'"))
        .scalars()
        .all()
    )
    now = datetime.now().replace(microsecond=0)
    periods = ((date(2020, 9, 1), date(2025, 8, 31)), (date(2025, 9, 1), None))
    values = [
        ("visit.frequency_days", FREQUENCY_DAYS),
        ("visit.problem_days", PROBLEM_DAYS),
    ]
    op.bulk_insert(
        rows,
        [
            {
                "id": str(uuid.uuid4()),
                "key": f"{prefix}.{code}",
                "value": value,
                "effective_from": start,
                "effective_to": end,
                "district": None,
                "source": _SOURCES[prefix],
                "created_at": now,
                "changed_by": "迁移 0018（巡访周期与问题办理时限）",
            }
            for prefix, table in values
            for code, value in table.items()
            if f"{prefix}.{code}" not in have
            for start, end in periods
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM policy_rows WHERE key LIKE 'visit.%'")
    op.drop_table("visit_problems")
    op.drop_table("home_visits")
