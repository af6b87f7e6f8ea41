"""Fixtures of the end-to-end tests: the real hub's database and a second PC of office A."""

from __future__ import annotations

from tests.sync.conftest import hub_db_url, hub_settings  # noqa: F401 - fixtures re-exported
from tests.sync_client.conftest import second_desk, second_template  # noqa: F401
from tests.ui_fixtures import _ops_clean, captured_errors, sync_ops  # noqa: F401
