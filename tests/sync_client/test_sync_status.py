"""The stored "last sync" status: a repeated no-op sync writes nothing, anything else does."""

from __future__ import annotations

from datetime import datetime, timedelta

import orjson

from sync import state
from tests.sync_client.conftest import OFFICE_A
from tests.sync_client.helpers import new_household


def _status(store) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    values = state.get_many(store, [state.LAST_SYNC_AT, state.LAST_RESULT])
    return values[state.LAST_SYNC_AT], orjson.loads(values[state.LAST_RESULT])


def _backdate(store, seconds: int) -> str:  # type: ignore[no-untyped-def]
    at = (datetime.now() - timedelta(seconds=seconds)).isoformat(timespec="seconds")
    state.put_many(store, {state.LAST_SYNC_AT: at})
    return at


def test_noop_sync_keeps_recent_status_and_refreshes_an_old_one(desk, linker) -> None:
    a = linker(desk, OFFICE_A)
    first = a.sync()
    assert first.ok and first.pushed > 0
    at, result = _status(a.store)
    assert result["pushed"] == first.pushed and result["ok"] is True

    noop = a.sync()
    assert noop.ok and noop.pushed == 0 and noop.pulled == 0
    _at, result = _status(a.store)
    assert result["pushed"] == 0 and "同步完成" in result["text"]  # a different result: written

    recent = _backdate(a.store, 20)
    assert a.sync().ok
    assert _status(a.store)[0] == recent  # the same no-op result again: nothing rewritten

    old = _backdate(a.store, 300)
    assert a.sync().ok
    assert _status(a.store)[0] != old  # an old status is refreshed even when nothing moved

    _backdate(a.store, 20)
    new_household(a, OFFICE_A, OFFICE_A)
    busy = a.sync()
    assert busy.ok and busy.pushed > 0
    at, result = _status(a.store)
    assert result["pushed"] == busy.pushed  # a sync that moved something is always recorded
    assert datetime.now() - datetime.fromisoformat(at) < timedelta(seconds=15)
