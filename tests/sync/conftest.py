"""Fixtures of the sync tests: a fresh real hub (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

import psycopg
import pytest

from sync.hub import accounts
from sync.hub.config import HubSettings
from sync.hub.db import Database
from sync.hub.server import HubThread
from sync.hub_client import HubApi
from sync.transport import HttpClient, HttpSettings

OFFICE_A = "120103001"  # 河西区友谊路街道
OFFICE_B = "120103002"  # 河西区越秀路街道
OFFICE_C = "120104003"  # 南开区某街道
PG_ENV = "HUB_TEST_DATABASE_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])
FAST_RETRY = HttpSettings(attempts=8, backoff_initial_s=0.01, backoff_max_s=0.2, read_timeout_s=30)


@pytest.fixture(params=BACKENDS)
def hub_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database URL nobody has used yet: a temp SQLite file or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('hub')}/hub.db"
        return
    base = os.environ[PG_ENV]
    schema = f"hubtest_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def hub_settings(hub_db_url: str) -> HubSettings:
    """Settings of the hub under test (tests may ``replace`` fields)."""
    return HubSettings(db_url=hub_db_url)


def start_hub(settings: HubSettings) -> HubThread:
    """Start a hub with three offices registered."""
    hub = HubThread(settings).start()
    db: Database = hub.app.state.database
    accounts.add_office(db, OFFICE_A, "河西区友谊路街道", "河西区")
    accounts.add_office(db, OFFICE_B, "河西区越秀路街道", "河西区")
    accounts.add_office(db, OFFICE_C, "南开区长虹街道", "南开区")
    return hub


@pytest.fixture
def hub(hub_settings: HubSettings) -> Iterator[HubThread]:
    """A real hub over 127.0.0.1 on a fresh database."""
    server = start_hub(hub_settings)
    yield server
    server.stop()


@pytest.fixture
def small_hub(hub_settings: HubSettings) -> Iterator[HubThread]:
    """A hub whose attachment limit is 64 KiB."""
    server = start_hub(replace(hub_settings, max_attachment_bytes=64 * 1024))
    yield server
    server.stop()


def enrol(
    hub: HubThread, office: str, name: str = "窗口电脑", http: HttpClient | None = None
) -> HubApi:
    """Register a new device of ``office`` and return its client."""
    code = accounts.create_enrolment(hub.app.state.database, office, hub.settings)
    api = HubApi(hub.base_url, http=http or HttpClient(FAST_RETRY))
    api.register(office, code, name)
    return api


@pytest.fixture
def client_for(hub: HubThread) -> Callable[[str], HubApi]:
    """Factory: a registered client of an office on the ``hub`` fixture."""
    return lambda office: enrol(hub, office)
