"""Fixtures of the UI building-block tests (shared ones live in tests/ui_fixtures.py)."""

from tests.ui_fixtures import _ops_clean, captured_errors, make_pdf, sync_ops  # noqa: F401
