"""Writing a benefit run's outcome in bulk: one staged results table (temporary, inside the
run's transaction) feeds the run lines, the changed amounts and the outbox entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection

from desktop.store.outbox import queue_applications

StagedRow = tuple[str, str, str, int | None, int, str | None, int, str]


def fen_int(amount: Decimal | None) -> int | None:
    """A 2-place Decimal as an integer count of fen (the stored form of money)."""
    return None if amount is None else int(amount.scaleb(2))


def staged(
    case_id: str,
    programme: str,
    kind: str,
    old: Decimal | None,
    new: Decimal,
    since: date | None,
    changed: bool,
    note: str = "",
) -> StagedRow:
    """One row of the staged results table."""
    return (
        case_id,
        programme,
        kind,
        fen_int(old),
        int(new.scaleb(2)),
        since.isoformat() if since else None,
        int(changed),
        note,
    )


def stage(conn: Connection, rows: Sequence[StagedRow]) -> None:
    """(Re)fill the temporary results table of this transaction."""
    conn.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS run_results (application_id TEXT PRIMARY KEY, "
        "programme TEXT, kind TEXT, old_amount INTEGER, new_amount INTEGER, since TEXT, "
        "changed INTEGER, note TEXT NOT NULL DEFAULT '')"
    )
    conn.exec_driver_sql("DELETE FROM temp.run_results")
    if rows:
        conn.exec_driver_sql("INSERT INTO temp.run_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def write_lines(conn: Connection, run_id: str, *, only_changed: bool) -> None:
    """The run's per-case lines (every case, or only the changed ones)."""
    conn.exec_driver_sql(
        "INSERT INTO benefit_changes (run_id, application_id, programme, kind, old_amount, "
        "new_amount, gradual_exit_since, note) SELECT ?, application_id, programme, kind, "
        "old_amount, new_amount, since, note FROM temp.run_results"
        + (" WHERE changed = 1" if only_changed else ""),
        (run_id,),
    )


def write_amounts(conn: Connection, *, mark_dirty: bool = True) -> None:
    """Apply the changed amounts, programmes and 渐退 start months to the applications."""
    now = datetime.now().replace(microsecond=0).isoformat(" ")
    dirty = ", dirty = 1, updated_at = ?" if mark_dirty else ""
    conn.exec_driver_sql(
        "UPDATE applications SET benefit_amount = t.new_amount, benefit_programme = t.programme, "
        f"gradual_exit_since = t.since{dirty} FROM temp.run_results t "
        "WHERE applications.id = t.application_id AND t.changed = 1",
        (now,) if mark_dirty else (),
    )


def queue_changed(conn: Connection) -> int:
    """One outbox entry per changed application."""
    return queue_applications(conn, "SELECT application_id FROM temp.run_results WHERE changed = 1")


def unstage(conn: Connection) -> None:
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.run_results")
