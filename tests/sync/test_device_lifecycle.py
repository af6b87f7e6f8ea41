"""Device lifecycle (finding 3): a replayed registration is harmless, enrolment codes are
single-use and rate-limited, and the hub admin can revoke a device, which re-registers."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import replace

import pytest
import requests

from sync.hub import accounts
from sync.hub.__main__ import main as hub_main
from sync.hub.server import HubThread
from sync.hub_client import HubApi
from sync.transport import HttpClient, HubRefused
from tests.sync.conftest import FAST_RETRY, OFFICE_A, start_hub


def _api(hub: HubThread, token: str | None = None) -> HubApi:
    return HubApi(hub.base_url, token=token, http=HttpClient(FAST_RETRY))


def _body(code: str, device_id: str, token: str) -> bytes:
    return json.dumps(
        {
            "v": 1,
            "office_code": OFFICE_A,
            "enrol_code": code,
            "device_name": "友谊路窗口1",
            "device_id": device_id,
            "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
        }
    ).encode()


def test_replayed_registration_never_voids_the_token(hub_settings) -> None:
    hub = start_hub(replace(hub_settings, register_replay_s=0.0))  # every repeat is "late"
    try:
        code = accounts.create_enrolment(hub.app.state.database, OFFICE_A, hub.settings)
        device_id, token = str(uuid.uuid4()), secrets.token_urlsafe(32)
        body = _body(code, device_id, token)
        url = f"{_api(hub).base_url}/devices"
        answers = [
            requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=10)
            for _ in range(3)
        ]
        assert [a.status_code for a in answers] == [201, 201, 201]
        assert all(a.json()["token"] == "" for a in answers), "no token travels to a replayer"
        assert _api(hub, token).whoami().device_id == uuid.UUID(device_id)
        # someone holding only the body has no working token
        with pytest.raises(HubRefused):
            _api(hub, json.loads(body)["token_sha256"]).whoami()
        # another body for the spent code is refused, and the desk's token keeps working
        other = requests.post(
            url,
            data=_body(code, device_id, secrets.token_urlsafe(32)),
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert other.status_code == 401
        assert _api(hub, token).whoami().device_id == uuid.UUID(device_id)
    finally:
        hub.stop()


def test_guessing_enrolment_codes_is_rate_limited(hub: HubThread) -> None:
    url = f"{_api(hub).base_url}/devices"
    statuses = []
    for n in range(accounts.ENROL_ATTEMPTS + 2):
        body = _body(f"WRONG-CODE-{n:04d}", str(uuid.uuid4()), secrets.token_urlsafe(8))
        answer = requests.post(url, data=body, headers={"Content-Type": "application/json"})
        statuses.append(answer.status_code)
    assert statuses[: accounts.ENROL_ATTEMPTS] == [401] * accounts.ENROL_ATTEMPTS
    assert statuses[-1] == 429
    assert "尝试次数过多" in answer.json()["error"]["message"]
    # even the right code waits out the window: guessing gains nothing
    code = accounts.create_enrolment(hub.app.state.database, OFFICE_A, hub.settings)
    with pytest.raises(HubRefused) as exc:
        _api(hub).register(OFFICE_A, code, "窗口")
    assert exc.value.status == 429


def test_revoked_device_is_told_so_and_re_registers_with_a_new_code(hub: HubThread, capsys) -> None:
    database = hub.app.state.database
    api = _api(hub)
    device_id = uuid.uuid4()
    token = api.register(OFFICE_A, accounts.create_enrolment(database, OFFICE_A, hub.settings),
                         "窗口", device_id)  # fmt: skip
    assert hub_main(["revoke-device", "--device", str(device_id), "--db", hub.settings.db_url]) == 0
    assert "已停用终端" in capsys.readouterr().out
    with pytest.raises(HubRefused) as exc:
        _api(hub, token).whoami()
    assert exc.value.status == 401 and "已被市级平台停用" in exc.value.message
    again = _api(hub)
    new = again.register(
        OFFICE_A, accounts.create_enrolment(database, OFFICE_A, hub.settings), "窗口", device_id
    )
    assert again.whoami().device_id == device_id and new != token
    rotated = again.rotate_token()
    assert _api(hub, rotated).whoami().device_id == device_id
    with pytest.raises(HubRefused):
        _api(hub, new).whoami()
