"""Fixtures of the public-page tests: the real hub over 127.0.0.1 with offices A, B and C,
a desk of office A registered with it, and a form-filling helper that keeps the CSRF cookie."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from sync.hub.server import HubThread
from tests.support import Desk
from tests.sync.conftest import hub_db_url, hub_settings, start_hub  # noqa: F401
from tests.sync_client.conftest import Linked, link

TOKEN_RE = re.compile(r"name='csrf' value='([0-9a-f]{64})'")


@pytest.fixture
def hub(hub_settings) -> Iterator[HubThread]:  # noqa: F811 - the re-exported fixture
    server = start_hub(hub_settings)
    yield server
    server.stop()


@pytest.fixture
def desk_a(desk: Desk, hub: HubThread) -> Linked:
    """The demo store of office A (友谊路街道), registered with the hub."""
    return link(desk, hub, "120103001")


class Resident:
    """A phone's browser without JavaScript: GET a form, POST it back with its token."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base + path, timeout=30)

    def token(self, path: str) -> str:
        found = TOKEN_RE.search(self.get(path).text)
        assert found, "the form carries a CSRF token"
        return found.group(1)

    def submit(self, path: str, fields: dict[str, str]) -> requests.Response:
        data = {"csrf": self.token(path), **fields}
        return self.session.post(self.base + path, data=data, timeout=30)


@pytest.fixture
def resident(hub: HubThread) -> Resident:
    return Resident(hub.base_url)
