"""benefit run: per-household facts revision kept by triggers, cache of computed amounts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

``households.facts_rev`` goes up whenever anything the policy engine reads about a family
changes: its persons, income rows or assets (insert, update, delete, also when a row moves to
another household), its own policy-facts columns or the region of its hukou office. The
monthly run caches each family's computed base amount per programme with the facts_rev and
the month-policy key it was computed under, and recomputes only families whose key differs.
A household row deleted or inserted anew drops its cached rows.
The column is local (not part of any synced payload) and starts at 0 for existing rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUMP = "UPDATE households SET facts_rev = facts_rev + 1 WHERE id = {who}.household_id;"
_HOUSEHOLD_FACTS = (
    "setting, single_parent, childless, family_planning_support, rigid_spending, "
    "hukou_office_id, deleted"
)


def _triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_facts_ins AFTER INSERT ON {table} BEGIN "
        f"{_BUMP.format(who='NEW')} END",
        f"CREATE TRIGGER {table}_facts_del AFTER DELETE ON {table} BEGIN "
        f"{_BUMP.format(who='OLD')} END",
        f"CREATE TRIGGER {table}_facts_upd AFTER UPDATE ON {table} BEGIN "
        "UPDATE households SET facts_rev = facts_rev + 1 "
        "WHERE id IN (OLD.household_id, NEW.household_id); END",
    ]


def upgrade() -> None:
    op.execute("ALTER TABLE households ADD COLUMN facts_rev INTEGER NOT NULL DEFAULT 0")
    op.execute(
        "CREATE TABLE benefit_facts_cache ("
        "household_id VARCHAR(36) NOT NULL, programme VARCHAR(20) NOT NULL, "
        "facts_rev INTEGER NOT NULL, policy_key VARCHAR(64) NOT NULL, district VARCHAR(12), "
        "new_amount TEXT NOT NULL, assets_ok INTEGER NOT NULL, working INTEGER NOT NULL, "
        "PRIMARY KEY (household_id, programme)) WITHOUT ROWID"
    )
    for table in ("persons", "income_items", "assets"):
        for sql in _triggers(table):
            op.execute(sql)
    op.execute(
        f"CREATE TRIGGER households_facts_upd AFTER UPDATE OF {_HOUSEHOLD_FACTS} ON households "
        "BEGIN UPDATE households SET facts_rev = facts_rev + 1 WHERE id = NEW.id; END"
    )
    # A household row written anew (same id) starts again at 0: forget what was cached for it.
    for event, who in (("ins", "NEW"), ("del", "OLD")):
        op.execute(
            f"CREATE TRIGGER households_facts_{event} AFTER {'INSERT' if event == 'ins' else 'DELETE'}"
            f" ON households BEGIN DELETE FROM benefit_facts_cache WHERE household_id = {who}.id; END"
        )
    op.execute(
        "CREATE TRIGGER offices_facts_upd AFTER UPDATE OF region_code ON offices "
        "BEGIN UPDATE households SET facts_rev = facts_rev + 1 "
        "WHERE hukou_office_id = NEW.id; END"
    )


def downgrade() -> None:
    for table in ("persons", "income_items", "assets"):
        for kind in ("ins", "del", "upd"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_facts_{kind}")
    for kind in ("ins", "del", "upd"):
        op.execute(f"DROP TRIGGER IF EXISTS households_facts_{kind}")
    op.execute("DROP TRIGGER IF EXISTS offices_facts_upd")
    op.execute("DROP TABLE IF EXISTS benefit_facts_cache")
    op.execute("ALTER TABLE households DROP COLUMN facts_rev")
