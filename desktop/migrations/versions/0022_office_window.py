"""offices.window_phone / window_address: the published window kept apart from the office

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02

Publishing the window used to write the 社会救助热线 / 受理窗口地址 settings over the office's
registered phone and address, so clearing a setting published the old setting again and the
registered number was gone. The published values now have columns of their own (synced with
the office record; the hub's public pages take them first).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "offices", sa.Column("window_phone", sa.String(30), nullable=False, server_default="")
    )
    op.add_column(
        "offices", sa.Column("window_address", sa.String(120), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.drop_column("offices", "window_address")
    op.drop_column("offices", "window_phone")
