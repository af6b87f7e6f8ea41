"""search index: a trigram full-text index over ID numbers and phones, kept by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE person_digits USING fts5("
        "id_number, phone, content='persons', content_rowid='rowid', tokenize='trigram')"
    )
    op.execute(
        "CREATE TRIGGER persons_digits_ai AFTER INSERT ON persons BEGIN "
        "INSERT INTO person_digits(rowid, id_number, phone) VALUES (new.rowid, new.id_number, new.phone); END"
    )
    op.execute(
        "CREATE TRIGGER persons_digits_ad AFTER DELETE ON persons BEGIN "
        "INSERT INTO person_digits(person_digits, rowid, id_number, phone) "
        "VALUES ('delete', old.rowid, old.id_number, old.phone); END"
    )
    op.execute(
        "CREATE TRIGGER persons_digits_au AFTER UPDATE OF id_number, phone ON persons BEGIN "
        "INSERT INTO person_digits(person_digits, rowid, id_number, phone) "
        "VALUES ('delete', old.rowid, old.id_number, old.phone); "
        "INSERT INTO person_digits(rowid, id_number, phone) VALUES (new.rowid, new.id_number, new.phone); END"
    )
    op.execute("INSERT INTO person_digits(person_digits) VALUES ('rebuild')")
    op.create_index("ix_applications_office_applied", "applications", ["residence_office_id", "applied_on"])


def downgrade() -> None:
    op.drop_index("ix_applications_office_applied", "applications")
    for name in ("persons_digits_ai", "persons_digits_ad", "persons_digits_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS person_digits")
