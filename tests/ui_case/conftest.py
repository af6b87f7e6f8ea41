"""Fixtures of the case-page tests: synchronous ops and captured error reports."""

from __future__ import annotations

from tests.ui_fixtures import _ops_clean, captured_errors, sync_ops  # noqa: F401
