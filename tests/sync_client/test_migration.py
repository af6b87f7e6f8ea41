"""Migration 0005: a store built at 0002 with data upgrades to head with the sync tables."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from desktop.store.db import current_revision, head_revision, make_engine, migrate
from desktop.store.keys import new_database_key


def test_store_at_0002_with_data_upgrades_through_0005(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path, new_database_key())
    migrate(engine, path, target="0002")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, "
                "phone, address) VALUES ('o1', 1, 0, 0, '120103001', '友谊路街道', '河西区', '120103', '', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO outbox (change_id, entity, entity_id, op, base_rev, payload, offices, "
                "state, attempts, last_error) VALUES ('c1', 'office', 'o1', 'upsert', NULL, '{}', "
                "'[\"120103001\"]', 'pending', 0, '')"
            )
        )
    assert migrate(engine, path) is not None
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {
        "sync_conflicts",
        "sync_base",
        "check_requests",
        "check_reports",
        "warnings",
        "warning_disposals",
    } <= tables
    with engine.connect() as c:
        assert (
            c.execute(text("SELECT state FROM outbox WHERE change_id = 'c1'")).scalar() == "pending"
        )
        assert c.execute(text("SELECT name FROM offices WHERE id = 'o1'")).scalar() == "友谊路街道"
    engine.dispose()
