"""The Store: one data folder holding the encrypted database, its key file and attachments."""

from __future__ import annotations

from pathlib import Path

from desktop.errors import DamagedStoreError, StoreError
from desktop.store.attachments import AttachmentStore
from desktop.store.db import SessionFactory, open_engine
from desktop.store.keys import KeyFile
from desktop.store.paths import ATTACHMENTS_DIR, DB_NAME, KEYFILE_NAME


class Store:
    """An open data folder. Services take a Store and an Actor."""

    def __init__(self, data_dir: Path, key: bytes, *, create: bool = False) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self.keyfile = KeyFile(data_dir / KEYFILE_NAME)
        self._key = key
        self.engine = open_engine(self.path, key, create=create)
        self.sessions = SessionFactory(self.engine)
        self.attachments = AttachmentStore(data_dir / ATTACHMENTS_DIR, key)

    @staticmethod
    def exists(data_dir: Path) -> bool:
        """True when the folder already holds a database."""
        return (data_dir / DB_NAME).exists()

    @classmethod
    def create(cls, data_dir: Path, key: bytes) -> Store:
        """Create a new encrypted database in an empty folder (through the migrations)."""
        data_dir.mkdir(parents=True, exist_ok=True)
        if (data_dir / DB_NAME).exists():
            raise StoreError(f"数据目录中已有数据库：{data_dir}")
        return cls(data_dir, key, create=True)

    @classmethod
    def open(cls, data_dir: Path, key: bytes) -> Store:
        if not (data_dir / DB_NAME).exists():
            raise DamagedStoreError(f"找不到数据库文件：{data_dir / DB_NAME}")
        return cls(data_dir, key)

    def rewrap_for(self, username: str, password: str) -> None:
        """Give ``username`` a copy of the database key wrapped by ``password``."""
        self.keyfile.wrap(username, password, self._key)

    def close(self) -> None:
        self.engine.dispose()
