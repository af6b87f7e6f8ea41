"""Fixtures of the supervisor-screen tests: synchronous ops, captured errors, warnings data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from desktop.store.store import Store
from desktop.store.sync_models import MonitorWarning
from tests.ui_fixtures import _ops_clean, captured_errors, sync_ops  # noqa: F401


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
