"""Fixtures of the sync-client tests: a real hub (SQLite; PostgreSQL when configured) and
local stores of two offices: residence office A (the demo store) and registration office B."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import insert

from desktop.demo import create_demo_store, office_rows
from desktop.demo_data import PASSWORDS
from desktop.services.accounts.auth import OfficeInput, create_user, first_run
from desktop.services.base import Actor
from desktop.store.models import Office, new_id
from desktop.store.store import Store
from sync.admin import register_device
from sync.client import SyncClient, client_from_settings
from sync.hub import accounts
from sync.hub.server import HubThread
from sync.transport import HttpClient, HttpSettings
from tests.support import TEST_KDF, Desk
from tests.sync.conftest import (  # noqa: F401 - fixtures re-exported for this folder
    FAST_RETRY,
    OFFICE_A,
    OFFICE_B,
    OFFICE_C,
    hub_db_url,
    hub_settings,
    start_hub,
)

QUICK = HttpSettings(attempts=2, backoff_initial_s=0.01, backoff_max_s=0.05, read_timeout_s=30)


@pytest.fixture
def hub(hub_settings) -> Iterator[HubThread]:  # noqa: F811 - the re-exported fixture
    """A real hub over 127.0.0.1 with offices A, B and C."""
    server = start_hub(hub_settings)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def office_b_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store of registration office B (120103002) with the demo users."""
    folder = tmp_path_factory.mktemp("office_b") / "data"
    rows = office_rows()
    home = next(o for o in rows if o["code"] == OFFICE_B)
    store, admin = first_run(
        folder,
        office=OfficeInput(**home),
        admin_username="admin",
        admin_password=PASSWORDS["admin"][2],
        kdf=TEST_KDF,
    )
    with store.sessions.write() as s:
        s.execute(
            insert(Office),
            [
                {"id": new_id(), "rev": 1, "dirty": False, "deleted": False, **o}
                for o in rows
                if o["code"] != OFFICE_B
            ],
        )
    display, role, password = PASSWORDS["clerk"]
    create_user(
        store,
        admin,
        username="clerk",
        display_name=display,
        role=role,
        password=password,
        kdf=TEST_KDF,
    )
    store.close()
    return folder


@pytest.fixture
def desk_b(office_b_template: Path, tmp_path: Path) -> Iterator[Desk]:
    """A private copy of office B's store."""
    folder = tmp_path / "data_b"
    shutil.copytree(office_b_template, folder)
    d = Desk(folder)
    yield d
    d.close()


@pytest.fixture(scope="session")
def second_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second laptop of office A, set up on its own (its own outbox and change ids)."""
    folder = tmp_path_factory.mktemp("second") / "data"
    store, _ = create_demo_store(folder, 5, kdf=TEST_KDF, seed_value=8)
    store.close()
    return folder


@pytest.fixture
def second_desk(second_template: Path, tmp_path: Path) -> Iterator[Desk]:
    """A private copy of the second laptop's store."""
    folder = tmp_path / "data_a2"
    shutil.copytree(second_template, folder)
    d = Desk(folder)
    yield d
    d.close()


@dataclass
class Linked:
    """A registered desk: its store, a clerk and an admin actor, and a sync client."""

    store: Store
    clerk: Actor
    admin: Actor
    client: SyncClient

    def sync(self):  # type: ignore[no-untyped-def]
        return self.client.sync_once()


def link(desk: Desk, hub: HubThread, office: str, name: str = "窗口电脑") -> Linked:
    """Log in, register the desk with the hub (a real enrolment code) and build its client."""
    store, admin = desk.as_user("admin")
    _store, clerk = desk.as_user("clerk")
    code = accounts.create_enrolment(hub.app.state.database, office, hub.settings)
    register_device(store, admin, hub.base_url, code, name, http=HttpClient(FAST_RETRY))
    client = client_from_settings(store, http=HttpClient(FAST_RETRY))
    return Linked(store, clerk, admin, client)


@pytest.fixture
def linker(hub: HubThread) -> Callable[[Desk, str], Linked]:
    """Factory: register a desk of an office with the ``hub`` fixture."""
    return lambda desk, office: link(desk, hub, office)
