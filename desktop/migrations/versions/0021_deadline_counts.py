"""deadline_counts: open deadlines per office, step, owner, due day and pause (triggers)

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-02

The supervisor's deadline summary used to group every open case of the office (38,000 rows
at a big office, about a second on an encrypted store). This table holds the same counts,
one row per (office, step, owner, due day, paused), raised and lowered by triggers on every insert,
update and delete of an application (services, sync pulls and bulk seeding alike), so the
summary and the counts by owner read a few hundred rows. A case counts once for its residence office and once for
its registration office when that is another office; only cases with a next deadline that
are not deleted count. The table is local (never synced) and is filled from the existing
rows here.

``ix_persons_id_name`` (id, name) lets the due list name its applicants from a small covering
index instead of one large table page per applicant.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept in step with desktop.services.cases.deadlines (State.SUPPLEMENTING pauses the clock).
_PAUSED = "{who}.state = 'supplementing'"
_COUNTED = "{who}.next_deadline IS NOT NULL AND {who}.deleted = 0"
_COLUMNS = (
    "next_deadline, deadline_step, deadline_owner, state, deleted, residence_office_id, "
    "hukou_office_id"
)


def _add(who: str) -> str:
    key = (
        f"{who}.deadline_step, coalesce({who}.deadline_owner, ''), {who}.next_deadline, "
        f"{_PAUSED.format(who=who)}"
    )
    upsert = "ON CONFLICT (office_id, step, owner, due, paused) DO UPDATE SET n = n + 1;"
    return (
        f"INSERT INTO deadline_counts (office_id, step, owner, due, paused, n) "
        f"VALUES ({who}.residence_office_id, {key}, 1) {upsert} "
        f"INSERT INTO deadline_counts (office_id, step, owner, due, paused, n) "
        f"SELECT {who}.hukou_office_id, {key}, 1 "
        f"WHERE {who}.hukou_office_id IS NOT {who}.residence_office_id {upsert}"
    )


def _remove(who: str) -> str:
    out = []
    for office, extra in (
        (f"{who}.residence_office_id", ""),
        (f"{who}.hukou_office_id", f" AND {who}.hukou_office_id IS NOT {who}.residence_office_id"),
    ):
        match = (
            f"office_id = {office} AND step = {who}.deadline_step "
            f"AND owner = coalesce({who}.deadline_owner, '') AND due = {who}.next_deadline "
            f"AND paused = ({_PAUSED.format(who=who)}){extra}"
        )
        out.append(f"UPDATE deadline_counts SET n = n - 1 WHERE {match};")
        out.append(f"DELETE FROM deadline_counts WHERE {match} AND n <= 0;")
    return " ".join(out)


TRIGGERS = (
    f"CREATE TRIGGER applications_deadline_ins AFTER INSERT ON applications "
    f"WHEN {_COUNTED.format(who='NEW')} BEGIN {_add('NEW')} END",
    f"CREATE TRIGGER applications_deadline_del AFTER DELETE ON applications "
    f"WHEN {_COUNTED.format(who='OLD')} BEGIN {_remove('OLD')} END",
    f"CREATE TRIGGER applications_deadline_upd_old AFTER UPDATE OF {_COLUMNS} ON applications "
    f"WHEN {_COUNTED.format(who='OLD')} BEGIN {_remove('OLD')} END",
    f"CREATE TRIGGER applications_deadline_upd_new AFTER UPDATE OF {_COLUMNS} ON applications "
    f"WHEN {_COUNTED.format(who='NEW')} BEGIN {_add('NEW')} END",
)
TRIGGER_NAMES = (
    "applications_deadline_ins",
    "applications_deadline_del",
    "applications_deadline_upd_old",
    "applications_deadline_upd_new",
)

# The counts recounted from the applications table (the plain path; also the backfill).
RECOUNT = (
    "SELECT office_id, step, owner, due, paused, count(*) FROM ("
    "SELECT residence_office_id AS office_id, deadline_step AS step, coalesce(deadline_owner, '') AS owner, "
    "next_deadline AS due, state = 'supplementing' AS paused FROM applications "
    "WHERE next_deadline IS NOT NULL AND deleted = 0 "
    "UNION ALL SELECT hukou_office_id, deadline_step, coalesce(deadline_owner, ''), "
    "next_deadline, "
    "state = 'supplementing' FROM applications WHERE next_deadline IS NOT NULL AND deleted = 0 "
    "AND hukou_office_id IS NOT residence_office_id) "
    "GROUP BY office_id, step, owner, due, paused"
)


def upgrade() -> None:
    op.execute(
        "CREATE TABLE deadline_counts (office_id VARCHAR(36) NOT NULL, "
        "step VARCHAR(40) NOT NULL, owner VARCHAR(20) NOT NULL, due DATE NOT NULL, "
        "paused BOOLEAN NOT NULL, n INTEGER NOT NULL, "
        "PRIMARY KEY (office_id, step, owner, due, paused)) WITHOUT ROWID"
    )
    op.execute(f"INSERT INTO deadline_counts (office_id, step, owner, due, paused, n) {RECOUNT}")
    for sql in TRIGGERS:
        op.execute(sql)
    op.execute("CREATE INDEX ix_persons_id_name ON persons (id, name)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_persons_id_name")
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS deadline_counts")
