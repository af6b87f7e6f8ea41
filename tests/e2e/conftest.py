"""Fixtures of the end-to-end tests: the real hub with the journey's offices, desk B (the
registration office, set up on its own) and a second PC of office A."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.demo_data import PASSWORDS
from desktop.services.accounts.auth import OfficeInput, create_user, first_run
from sync.hub import accounts
from sync.hub.config import HubSettings
from sync.hub.server import HubThread
from tests.e2e.helpers import NAMES, B
from tests.support import TEST_KDF, Desk
from tests.sync.conftest import hub_db_url, hub_settings  # noqa: F401 - fixtures re-exported
from tests.sync_client.conftest import second_desk, second_template  # noqa: F401
from tests.ui_fixtures import _ops_clean, captured_errors, sync_ops  # noqa: F401


@pytest.fixture
def hub(hub_settings: HubSettings) -> Iterator[HubThread]:  # noqa: F811 - the re-exported fixture
    server = HubThread(hub_settings).start()
    for code, (name, district) in NAMES.items():
        accounts.add_office(server.app.state.database, code, name, district)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def registration_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Desk B as a new office sets it up: its own office only, an admin, a clerk, a supervisor."""
    folder = tmp_path_factory.mktemp("office_hp") / "data"
    store, admin = first_run(
        folder,
        office=OfficeInput(
            code=B, name="和平区劝业场街道", district="和平区", region_code="120101"
        ),
        admin_username="admin",
        admin_password=PASSWORDS["admin"][2],
        kdf=TEST_KDF,
    )
    for username in ("clerk", "supervisor"):
        display, role, password = PASSWORDS[username]
        create_user(
            store, admin, username=username, display_name=display, role=role,
            password=password, kdf=TEST_KDF,
        )  # fmt: skip
    store.close()
    return folder


@pytest.fixture
def desk_hp(registration_template: Path, tmp_path: Path) -> Iterator[Desk]:
    folder = tmp_path / "data_hp"
    shutil.copytree(registration_template, folder)
    d = Desk(folder)
    yield d
    d.close()
