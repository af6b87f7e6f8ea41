"""Fixtures of the support tests (policy menu, referrals, programmes, purchased services):
synchronous ops and captured error reports for the screens."""

from __future__ import annotations

from tests.ui_fixtures import _ops_clean, captured_errors, sync_ops  # noqa: F401
