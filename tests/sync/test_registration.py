"""Device registration with one-time enrolment codes, and refusal of bad tokens."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from sync.hub import accounts, db
from sync.hub.server import HubThread
from sync.hub_client import HubApi
from sync.transport import HttpClient, HubRefused
from tests.sync.conftest import FAST_RETRY, OFFICE_A, OFFICE_B


def _api(hub: HubThread, token: str | None = None) -> HubApi:
    return HubApi(hub.base_url, token=token, http=HttpClient(FAST_RETRY))


def test_register_binds_token_to_office_and_stores_only_a_hash(hub: HubThread) -> None:
    code = accounts.create_enrolment(hub.app.state.database, OFFICE_A, hub.settings)
    api = _api(hub)
    token = api.register(OFFICE_A, code.lower(), "友谊路窗口1")
    me = api.whoami()
    assert me.office_code == OFFICE_A and me.office_name == "河西区友谊路街道"
    assert me.device_name == "友谊路窗口1"
    with hub.app.state.database.read() as conn:
        stored = conn.execute(select(db.devices.c.token_hash)).scalars().all()
        codes = conn.execute(select(db.enrolments.c.code_hash)).scalars().all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64
    assert code not in codes[0]


def test_enrolment_code_is_one_time_and_bound_to_its_office(hub: HubThread) -> None:
    code = accounts.create_enrolment(hub.app.state.database, OFFICE_A, hub.settings)
    with pytest.raises(HubRefused) as wrong_office:
        _api(hub).register(OFFICE_B, code, "越秀路窗口")
    assert wrong_office.value.status == 401 and wrong_office.value.code == "bad_enrol_code"
    _api(hub).register(OFFICE_A, code, "友谊路窗口1")
    with pytest.raises(HubRefused) as reused:
        _api(hub).register(OFFICE_A, code, "另一台电脑")
    assert reused.value.status == 401
    assert "注册码" in reused.value.message


def test_repeated_registration_of_same_device_keeps_the_token(hub: HubThread) -> None:
    code = accounts.create_enrolment(hub.app.state.database, OFFICE_A, hub.settings)
    device_id = uuid.uuid4()
    first = _api(hub).register(OFFICE_A, code, "调查笔记本", device_id=device_id)
    again = _api(hub)
    assert again.register(OFFICE_A, code, "调查笔记本", device_id, token=first) == first
    with pytest.raises(HubRefused) as other:  # a new token for a spent code is refused …
        _api(hub).register(OFFICE_A, code, "调查笔记本", device_id=device_id)
    assert other.value.status == 401
    assert _api(hub, first).whoami().device_id == device_id  # … and voids nothing


@pytest.mark.parametrize("token", [None, "", "not-a-token", "x" * 500])
def test_wrong_or_missing_token_is_refused_with_401(hub: HubThread, token: str | None) -> None:
    api = _api(hub, token)
    for call in (api.whoami, lambda: api.pull("0", 10), lambda: api.attachment_status("0" * 64)):
        with pytest.raises(HubRefused) as exc:
            call()
        assert exc.value.status == 401 and exc.value.code == "unauthorized"
        assert "令牌" in exc.value.message


def test_info_needs_no_token_and_states_limits(hub: HubThread) -> None:
    info = _api(hub).info()
    assert info.max_pull_limit == 5000 and info.max_attachment_bytes == 20 * 1024 * 1024
