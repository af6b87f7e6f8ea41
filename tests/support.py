"""Test support shared by every area: cheap key derivation and a helper to act as demo users."""

from __future__ import annotations

from pathlib import Path

from desktop.demo_data import PASSWORDS
from desktop.services.accounts.auth import login
from desktop.services.base import Actor
from desktop.store.keys import KdfParams
from desktop.store.store import Store

# Cheap key derivation for tests only; the program uses the default (64 MiB, 3 passes).
TEST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)


class Desk:
    """An open copy of the template store with a helper to act as any demo user."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._opened: list[Store] = []

    def as_user(self, username: str) -> tuple[Store, Actor]:
        store, actor = login(self.folder, username, PASSWORDS[username][2])
        self._opened.append(store)
        return store, actor

    def close(self) -> None:
        for store in self._opened:
            store.close()
