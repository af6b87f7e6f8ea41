"""Core fixtures: a migrated demo store built once, copied for every test (never shared)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.demo import create_demo_store
from desktop.demo_data import PASSWORDS
from desktop.services.auth import login
from desktop.services.base import Actor
from desktop.store.keys import KdfParams
from desktop.store.store import Store

# Cheap key derivation for tests only; the program uses the default (64 MiB, 3 passes).
TEST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "data"
    store, _ = create_demo_store(folder, 60, kdf=TEST_KDF, seed_value=7)
    store.close()
    return folder


class Desk:
    """An open copy of the template store with a helper to act as any demo user."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.store: Store | None = None
        self._opened: list[Store] = []

    def as_user(self, username: str) -> tuple[Store, Actor]:
        store, actor = login(self.folder, username, PASSWORDS[username][2])
        self._opened.append(store)
        return store, actor

    def close(self) -> None:
        for store in self._opened:
            store.close()


@pytest.fixture
def desk(template_dir: Path, tmp_path: Path) -> Iterator[Desk]:
    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    d = Desk(folder)
    yield d
    d.close()


@pytest.fixture
def clerk(desk: Desk) -> tuple[Store, Actor]:
    return desk.as_user("clerk")


@pytest.fixture
def admin(desk: Desk) -> tuple[Store, Actor]:
    return desk.as_user("admin")
