"""list and name indexes: the case list pages by an index; given names are searchable by index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Compound surnames whose given name starts after two characters (as desktop.pinyin knows them).
_COMPOUND = ("长孙", "尉迟", "万俟", "澹台")


def upgrade() -> None:
    # A plain ADD COLUMN: rebuilding the table would drop the search-index triggers of 0002.
    op.add_column("persons", sa.Column("name_given", sa.String(40), nullable=False, server_default=""))
    op.execute("UPDATE persons SET name_given = substr(name, 2)")
    for surname in _COMPOUND:
        op.execute(
            f"UPDATE persons SET name_given = substr(name, 3) "
            f"WHERE substr(name, 1, 2) = '{surname}' AND length(name) > 2"
        )
    op.create_index("ix_persons_name_given", "persons", ["name_given"])
    # Not led by "deleted": SQLite would then prefer it over the household index for every filter.
    op.create_index("ix_applications_list", "applications", ["applied_on", "id", "deleted"])
    op.create_index("ix_households_community", "households", ["community"])


def downgrade() -> None:
    op.drop_index("ix_households_community", "households")
    op.drop_index("ix_applications_list", "applications")
    op.drop_index("ix_persons_name_given", "persons")
    with op.batch_alter_table("persons") as batch:
        batch.drop_column("name_given")
