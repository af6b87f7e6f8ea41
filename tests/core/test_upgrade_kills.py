"""A schema upgrade killed at a random moment (100 SIGKILLs) leaves a store that opens with every
row, and every backup is a whole copy of the store from before the upgrade."""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import time
from pathlib import Path

from sqlalchemy import text

from desktop.store.db import current_revision, head_revision, make_engine, migrate, verify_key
from desktop.store.keys import new_database_key
from desktop.store.paths import BACKUPS_DIR, DB_NAME
from desktop.store.store import Store

START = "0001"
PEOPLE = 40
KILLS = 100


def _seed(path: Path, key: bytes) -> None:
    engine = make_engine(path, key)
    migrate(engine, path, target=START)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, "
                "phone, address) VALUES ('o1', 0, 1, 0, '120103001', '友谊路街道', '河西区', "
                "'120103', '', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO households (id, rev, dirty, deleted, residence_office_id, "
                "hukou_office_id, community, address, hukou_address, phone, address_key, note) "
                "VALUES ('h1', 0, 1, 0, 'o1', 'o1', '', '紫金山路1号', '', '', '', '')"
            )
        )
        for n in range(PEOPLE):
            c.execute(
                text(
                    "INSERT INTO persons (id, rev, dirty, deleted, household_id, name, name_pinyin, "
                    "name_initials, id_number, sex, birth_date, relation, is_member, "
                    "non_member_reason, phone, disability_type, illness_class, work_capacity, "
                    "student_level, employment, lives_with_family) VALUES (:id, 0, 1, 0, 'h1', "
                    "'张三丰', 'zhangsanfeng', 'zsf', :idn, 'M', '1990-01-01', 'member', 1, '', '', "
                    "'', '', 'full', '', '', 1)"
                ),
                {"id": f"p{n}", "idn": f"12010119900101{n:04d}"},
            )
    engine.dispose()


def _upgrade(folder: str, key: bytes) -> None:
    path = Path(folder) / DB_NAME
    engine = make_engine(path, key)
    migrate(engine, path)
    engine.dispose()
    os._exit(0)


def _people(path: Path, key: bytes) -> tuple[str | None, int]:
    engine = make_engine(path, key)
    try:
        with engine.connect() as c:
            count = c.execute(text("SELECT count(*) FROM persons")).scalar_one()
        return current_revision(engine), count
    finally:
        engine.dispose()


def test_killed_upgrades_leave_stores_that_open_with_every_row(tmp_path: Path) -> None:
    key = new_database_key()
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    _seed(pristine / DB_NAME, key)
    ctx = multiprocessing.get_context("fork")

    # one whole upgrade tells how long an upgrade runs, so kills land across all of it
    whole = tmp_path / "whole"
    shutil.copytree(pristine, whole)
    began = time.monotonic()
    child = ctx.Process(target=_upgrade, args=(str(whole), key))
    child.start()
    child.join()
    span = max(time.monotonic() - began, 0.05)
    assert child.exitcode == 0
    assert _people(whole / DB_NAME, key) == (head_revision(), PEOPLE)

    rng = random.Random(20261201)
    revisions_seen: set[str | None] = set()
    for n in range(KILLS):
        folder = tmp_path / f"k{n}"
        shutil.copytree(pristine, folder)
        child = ctx.Process(target=_upgrade, args=(str(folder), key))
        child.start()
        time.sleep(rng.uniform(0.0, span * 1.1))
        if child.pid is not None and child.is_alive():
            os.kill(child.pid, signal.SIGKILL)
        child.join()
        path = folder / DB_NAME
        verify_key(path, key)
        revision, count = _people(path, key)
        assert revision in (START, head_revision()), f"kill {n}: store left at {revision}"
        assert count == PEOPLE, f"kill {n}: {count} of {PEOPLE} rows"
        revisions_seen.add(revision)
        for backup in (
            (folder / BACKUPS_DIR).glob("*.db") if (folder / BACKUPS_DIR).is_dir() else []
        ):
            verify_key(backup, key)
            assert _people(backup, key) == (START, PEOPLE), f"kill {n}: backup {backup.name}"
        store = Store.open(folder, key)  # finishes the upgrade
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM persons")).scalar_one() == PEOPLE
        store.close()
        shutil.rmtree(folder)
    assert START in revisions_seen, "some kills must land before the upgrade finished"
