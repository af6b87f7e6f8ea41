"""Migrations: a new store is built through alembic, and a store at every earlier revision
upgrades with its data kept (after a backup copy)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from desktop.store.db import alembic_config, current_revision, head_revision, make_engine, migrate
from desktop.store.keys import new_database_key
from desktop.store.store import Store


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_new_store_is_created_through_migrations(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "d", new_database_key())
    assert current_revision(store.engine) == head_revision()
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "households",
        "persons",
        "applications",
        "outbox",
        "audit_events",
        "alembic_version",
    } <= tables
    store.close()


def _seed_minimal(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, phone, address) VALUES ('o1', 0, 1, 0, '120103001', '友谊路街道', '河西区', '120103', '', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO households (id, rev, dirty, deleted, residence_office_id, hukou_office_id, community, address, hukou_address, phone, address_key, note) VALUES ('h1', 0, 1, 0, 'o1', 'o1', '', '紫金山路1号', '', '', '', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO persons (id, rev, dirty, deleted, household_id, name, name_pinyin, name_initials, id_number, sex, birth_date, relation, is_member, non_member_reason, phone, disability_type, illness_class, work_capacity, student_level, employment, lives_with_family) VALUES ('p1', 0, 1, 0, 'h1', '张三丰', 'zhangsanfeng', 'zsf', '120101199001011239', 'M', :b, 'applicant', 1, '', '13812345678', '', '', 'full', '', '', 1)"
            ),
            {"b": date(1990, 1, 1)},
        )


def test_every_earlier_revision_upgrades_with_data(tmp_path: Path) -> None:
    revisions = _revisions()
    assert revisions[0] == "0001" and revisions[-1] == head_revision()
    for start in revisions[:-1]:
        path = tmp_path / f"at-{start}.db"
        key = new_database_key()
        engine = make_engine(path, key)
        migrate(engine, path, target=start)
        assert current_revision(engine) == start
        _seed_minimal(engine)
        backup = migrate(engine, path)
        assert backup is not None and backup.exists(), "an upgrade must back the file up first"
        assert current_revision(engine) == head_revision()
        with engine.connect() as c:
            assert c.execute(text("SELECT name FROM persons WHERE id='p1'")).scalar() == "张三丰"
            given = c.execute(text("SELECT name_given FROM persons WHERE id='p1'")).scalar()
            if start < "0007":
                assert given == "三丰", "rows written before 0007 get their given name filled in"
            account = c.execute(
                text("SELECT bank_name, bank_holder, bank_account FROM households WHERE id='h1'")
            ).one()
            assert tuple(account) == ("", "", ""), "households before 0008 have no account yet"
            hits = c.execute(
                text("SELECT rowid FROM person_digits WHERE person_digits MATCH '\"1239\"'")
            ).all()
            assert len(hits) == 1, "the search index must cover rows written before it existed"
        engine.dispose()


def test_opening_an_up_to_date_store_makes_no_backup(tmp_path: Path) -> None:
    key = new_database_key()
    Store.create(tmp_path / "d", key).close()
    Store.open(tmp_path / "d", key).close()
    assert not (tmp_path / "d" / "backups").exists()


def test_models_declare_the_migrated_schema(tmp_path: Path) -> None:
    """Every table, index and column the migrations build is declared in the models (and no
    model declares one the migrations lack); only SQLite's FTS5 shadow tables are left out."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import desktop.store.policy_models
    import desktop.store.sync_models
    import desktop.store.workflow_models  # noqa: F401  (their tables join Base.metadata)
    from desktop.store.models import Base

    store = Store.create(tmp_path / "d", new_database_key())
    try:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        store.close()

    def fts5_shadow(diff: object) -> bool:
        return (
            isinstance(diff, tuple)
            and diff[0] == "remove_table"
            and diff[1].name.startswith("person_digits")
        )

    assert [d for d in diffs if not fts5_shadow(d)] == []
    assert any(fts5_shadow(d) for d in diffs)  # the filter above is not vacuous
