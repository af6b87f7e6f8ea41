"""Settings: declared once, typed, validated before anything is stored, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.errors import PermissionDenied, ValidationError
from desktop.settings import get_setting, update_settings
from desktop.store.models import AuditEvent


def test_defaults_then_typed_values_are_stored(admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    assert get_setting(store, "sync_interval_min") == 15
    update_settings(store, actor, {"sync_interval_min": "30", "hub_url": "https://hub.example"})
    assert get_setting(store, "sync_interval_min") == 30
    assert get_setting(store, "hub_url") == "https://hub.example"
    with store.sessions.read() as s:
        assert (
            s.scalars(select(AuditEvent).where(AuditEvent.action == "update_settings")).first()
            is not None
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"sync_interval_min": "abc"}, "自动同步间隔（分钟）"),
        ({"sync_interval_min": "0"}, "自动同步间隔（分钟）"),
        ({"hub_url": "ftp://x"}, "金民同步地址"),
        ({"nope": "1"}, "设置项"),
    ],
)
def test_bad_values_name_the_setting_and_store_nothing(admin, values, field) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    with pytest.raises(ValidationError) as err:
        update_settings(store, actor, {"print_copies": 3, **values})
    assert err.value.field == field
    assert get_setting(store, "print_copies") == 1


def test_clerks_cannot_change_settings(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    with pytest.raises(PermissionDenied):
        update_settings(store, actor, {"print_copies": 2})
