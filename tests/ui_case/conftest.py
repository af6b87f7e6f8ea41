"""Fixtures of the case-page tests: synchronous ops and captured error reports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ui import errors, ops


@pytest.fixture(autouse=True)
def _ops_clean() -> Iterator[None]:
    ops.set_synchronous(False)
    yield
    assert ops.wait_idle(10_000)
    ops.set_synchronous(False)


@pytest.fixture
def sync_ops() -> Iterator[None]:
    """Run every core call inline so the screens are deterministic."""
    ops.set_synchronous(True)
    yield
    ops.set_synchronous(False)


@pytest.fixture
def captured_errors() -> Iterator[list[errors.ErrorReport]]:
    reports: list[errors.ErrorReport] = []
    errors.set_error_sink(reports.append)
    yield reports
    errors.set_error_sink(None)
