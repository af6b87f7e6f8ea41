"""The office's window phone and address on the hub's public pages follow the desk's
社会救助热线 / 受理窗口地址 settings: changing a setting publishes the window with the next sync,
so the public page and the printed 明白纸 say the same."""

from __future__ import annotations

from desktop.settings import update_settings
from desktop.store.models import Office
from tests.public.conftest import Resident
from tests.sync_client.conftest import Linked


def test_a_new_hotline_reaches_the_public_page_with_the_next_sync(
    desk_a: Linked, resident: Resident
) -> None:
    update_settings(
        desk_a.store,
        desk_a.admin,
        {
            "office_hotline": "022-28351234",
            "window_address": "河西区友谊路街道便民服务中心一楼3号窗口",
        },
    )
    with desk_a.store.sessions.read() as s:
        office = s.query(Office).filter(Office.code == "120103001").one()
        assert office.window_phone == "022-28351234"
        assert office.phone != "022-28351234"  # the registered number stays
    assert not desk_a.sync().errors
    page = resident.get("/m/zhi").text
    assert "022-28351234" in page and "便民服务中心一楼3号窗口" in page
    update_settings(desk_a.store, desk_a.admin, {"office_hotline": "022-28359999"})
    assert not desk_a.sync().errors
    page = resident.get("/m/zhi").text
    assert "022-28359999" in page and "022-28351234" not in page


def test_a_bad_setting_publishes_nothing(desk_a: Linked) -> None:
    import pytest

    from desktop.errors import ValidationError

    with desk_a.store.sessions.read() as s:
        before = s.query(Office.phone).filter(Office.code == "120103001").scalar()
    with pytest.raises(ValidationError):
        update_settings(
            desk_a.store, desk_a.admin, {"office_hotline": "022-1", "print_copies": 999}
        )
    with desk_a.store.sessions.read() as s:
        assert s.query(Office.phone).filter(Office.code == "120103001").scalar() == before


def test_clearing_the_hotline_publishes_the_registered_phone_again(
    desk_a: Linked, resident: Resident
) -> None:
    with desk_a.store.sessions.write() as s:
        office = s.query(Office).filter(Office.code == "120103001").one()
        office.phone, office.address = "022-23456789", "河西区友谊路32号"
    update_settings(
        desk_a.store,
        desk_a.admin,
        {"office_hotline": "022-28351234", "window_address": "便民服务中心一楼3号窗口"},
    )
    assert not desk_a.sync().errors
    page = resident.get("/m/zhi").text
    assert "022-28351234" in page and "022-23456789" not in page
    update_settings(desk_a.store, desk_a.admin, {"office_hotline": "", "window_address": ""})
    assert not desk_a.sync().errors
    page = resident.get("/m/zhi").text
    assert "022-23456789" in page and "河西区友谊路32号" in page
    assert "022-28351234" not in page and "便民服务中心一楼3号窗口" not in page
    with desk_a.store.sessions.read() as s:
        office = s.query(Office).filter(Office.code == "120103001").one()
        assert (office.phone, office.window_phone) == ("022-23456789", "")
