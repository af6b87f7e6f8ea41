"""Opening the SQLCipher store: engine with the key, atomic migrations after a backup, sessions.

An upgrade never touches the live file: it is copied, the copy is upgraded, synced to disk and
renamed over the original in one step, so a kill at any moment leaves a store at the old or the
new revision. Backups are written the same way (temporary name, then rename), each under its
own name, so a backup is always a whole copy of the store as it was before the upgrade.
"""

from __future__ import annotations

import os
import shutil
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from desktop.errors import DamagedStoreError, WrongKeyError
from desktop.store.paths import BACKUPS_DIR

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
UPGRADE_SUFFIX = ".upgrade"
PARTIAL_SUFFIX = ".partial"

_KEYS: weakref.WeakKeyDictionary[Engine, bytes] = weakref.WeakKeyDictionary()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def make_engine(path: Path, key: bytes) -> Engine:
    """An engine whose every connection is keyed, WAL-journaled and power-loss safe."""
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher, future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        cur.execute("PRAGMA cipher_memory_security = OFF")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 5000")
        cur.close()

    _KEYS[engine] = key
    return engine


def verify_key(path: Path, key: bytes) -> None:
    """Raise WrongKeyError / DamagedStoreError without changing the file."""
    conn = sqlcipher.connect(str(path))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        result = conn.execute("PRAGMA quick_check").fetchone()
    except sqlcipher.DatabaseError as exc:
        raise WrongKeyError(
            f"数据库无法打开：密钥不正确或文件已损坏（{path.name}）。文件未被修改。"
        ) from exc
    finally:
        conn.close()
    if result is None or result[0] != "ok":
        raise DamagedStoreError(f"数据库文件已损坏（{path.name}）：{result}。文件未被修改。")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _remove_with_journal(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm", path.name + "-journal"):
        (path.parent / name).unlink(missing_ok=True)


def _checkpoint_and_close(path: Path, engine: Engine) -> None:
    """Fold the WAL into the file and close every pooled connection (the WAL goes away)."""
    if path.exists():
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    wal = path.parent / (path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise DamagedStoreError(f"数据库仍被其他程序使用，无法升级（{path.name}）。文件未被修改。")


def _copy_atomically(src: Path, dest: Path) -> None:
    """``dest`` appears whole or not at all."""
    partial = dest.with_name(dest.name + PARTIAL_SUFFIX)
    shutil.copy2(src, partial)
    _fsync_file(partial)
    os.replace(partial, dest)
    _fsync_dir(dest.parent)


def remove_stale_upgrade_files(path: Path) -> None:
    """Drop what a killed upgrade or backup left behind (never the store or a whole backup)."""
    _remove_with_journal(path.with_name(path.name + UPGRADE_SUFFIX))
    folder = path.parent / BACKUPS_DIR
    if folder.is_dir():
        for leftover in folder.glob(f"*{PARTIAL_SUFFIX}"):
            leftover.unlink(missing_ok=True)


def backup_file(path: Path, engine: Engine, label: str) -> Path:
    """Copy the (still encrypted) database file into backups/ after a WAL checkpoint."""
    _checkpoint_and_close(path, engine)
    folder = path.parent / BACKUPS_DIR
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = folder / f"{path.stem}-{stamp}-{label}.db"
    _copy_atomically(path, dest)
    return dest


def migrate(engine: Engine, path: Path, target: str = "head") -> Path | None:
    """Upgrade to ``target`` on a copy, then swap it in; back the file up first if it holds data.

    Returns the backup. ``engine`` stays usable: its next connection opens the upgraded file.
    """
    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    remove_stale_upgrade_files(path)
    if current == wanted:
        return None
    key = _KEYS.get(engine)
    if key is None:
        raise RuntimeError("migrate() needs an engine made by make_engine()")
    backup = backup_file(path, engine, current) if current is not None else None
    _checkpoint_and_close(path, engine)
    work = path.with_name(path.name + UPGRADE_SUFFIX)
    if path.exists() and path.stat().st_size > 0:
        shutil.copy2(path, work)
    work_engine = make_engine(work, key)
    try:
        cfg = alembic_config()
        with work_engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
        _checkpoint_and_close(work, work_engine)
    finally:
        work_engine.dispose()
    _fsync_file(work)
    for name in (path.name + "-wal", path.name + "-shm"):
        (path.parent / name).unlink(missing_ok=True)
    os.replace(work, path)
    _fsync_dir(path.parent)
    (path.parent / (work.name + "-shm")).unlink(missing_ok=True)
    return backup


def open_engine(path: Path, key: bytes, *, create: bool = False) -> Engine:
    """Open (or create) the keyed database and bring it to the head revision."""
    if not create:
        if not path.exists():
            raise DamagedStoreError(f"找不到数据库文件：{path}")
        verify_key(path, key)
    engine = make_engine(path, key)
    try:
        migrate(engine, path)
    except DatabaseError as exc:
        engine.dispose()
        raise DamagedStoreError(f"数据库升级失败，已保留备份：{exc}") from exc
    return engine


class SessionFactory:
    """Sessions bound to one engine; ``write()`` is the one transaction helper services use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._maker = sessionmaker(bind=engine, expire_on_commit=False)

    def read(self) -> Session:
        return self._maker()

    @contextmanager
    def write(self) -> Iterator[Session]:
        session = self._maker()
        try:
            with session.begin():
                yield session
        finally:
            session.close()
