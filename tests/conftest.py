"""Shared test set-up: Qt runs offscreen; a migrated demo store is built once per session and
copied for every test that asks for one (never shared between tests)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.demo import create_demo_store  # noqa: E402
from desktop.services.base import Actor  # noqa: E402
from desktop.store.store import Store  # noqa: E402
from tests.support import TEST_KDF, Desk  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _window_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Window geometry is remembered in a private folder, never in the user's own settings."""
    from PySide6.QtCore import QSettings

    folder = str(tmp_path_factory.mktemp("qsettings"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store of 60 households (seed 7) with the demo users, built once."""
    folder = tmp_path_factory.mktemp("template") / "data"
    store, _ = create_demo_store(folder, 60, kdf=TEST_KDF, seed_value=7)
    store.close()
    return folder


@pytest.fixture
def desk(template_dir: Path, tmp_path: Path) -> Iterator[Desk]:
    """A private copy of the template store."""
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
