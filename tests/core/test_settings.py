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
    update_settings(store, actor, {"sync_interval_min": "30", "flyer_qr_url": "https://a.example"})
    assert get_setting(store, "sync_interval_min") == 30
    assert get_setting(store, "flyer_qr_url") == "https://a.example"
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
        ({"flyer_qr_url": "ftp://x"}, "明白纸二维码地址"),
        ({"hub_url": "https://hub.example"}, "设置项"),  # the hub address is set by registering
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


def test_every_setting_names_a_consumer_that_reads_it() -> None:
    """A declared setting nothing reads is a lie in the 设置 dialog."""
    import importlib
    import inspect

    from desktop.settings import SETTINGS

    for d in SETTINGS:
        assert d.consumer, f"{d.key} declares no consumer"
        source = inspect.getsource(importlib.import_module(d.consumer))
        assert f'get_setting(store, "{d.key}")' in source or f'"{d.key}"' in source, (
            f"{d.consumer} does not read {d.key}"
        )


def test_flyer_and_notices_print_the_hotline_window_and_qr_settings(admin) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from printing.records import policy_flyer_for

    store, actor = admin
    before = policy_flyer_for(store, actor, date(2026, 12, 1))
    assert before.qr_url == "https://zwfw.tj.gov.cn/"
    update_settings(
        store,
        actor,
        {
            "office_hotline": "022-23456789",
            "window_address": "友谊路35号一楼3号窗口",
            "flyer_qr_url": "https://mzj.tj.gov.cn/jzzc",
        },
    )
    flyer = policy_flyer_for(store, actor, date(2026, 12, 1))  # no restart: read at each print
    assert flyer.qr_url == "https://mzj.tj.gov.cn/jzzc"
    assert flyer.hotlines[0].phone == "022-23456789" and flyer.office.phone == "022-23456789"
    assert flyer.windows[0].address == "友谊路35号一楼3号窗口"
    assert before.hotlines[0].phone != "022-23456789"
