"""Opening the SQLCipher store: engine with the key, migrations after a backup, sessions."""

from __future__ import annotations

import shutil
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


def backup_file(path: Path, engine: Engine, label: str) -> Path:
    """Copy the (still encrypted) database file into backups/ after a WAL checkpoint."""
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    folder = path.parent / BACKUPS_DIR
    folder.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = folder / f"{path.stem}-{stamp}-{label}.db"
    shutil.copy2(path, dest)
    return dest


def migrate(engine: Engine, path: Path, target: str = "head") -> Path | None:
    """Upgrade to ``target``; back the file up first if it already holds data. Returns the backup."""
    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    backup = backup_file(path, engine, current or "empty") if current is not None else None
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
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
