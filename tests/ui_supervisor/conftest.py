"""Fixtures of the supervisor-screen tests: synchronous ops, captured errors, warnings data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from desktop.store.store import Store
from desktop.store.sync_models import MonitorWarning
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


def add_warning(
    store: Store, office_code: str, name: str, id_number: str, kind: str = "收入增加"
) -> str:
    """Store a monitoring warning as the hub would have sent it (already synced)."""
    with store.sessions.write() as s:
        w = MonitorWarning(
            office_code=office_code,
            id_number=id_number,
            name=name,
            warning_type=kind,
            detail=f"{name}本月社保缴费基数上升，疑似收入增加",
            date=date(2026, 11, 20),
            dirty=False,
        )
        s.add(w)
        s.flush()
        return w.id


@pytest.fixture
def warnings_of() -> Callable[..., str]:
    return add_warning
