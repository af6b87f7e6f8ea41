"""Several hub processes behind one address: with the same JIUZHU_HUB_SECRET a form served by
one process is taken by another; with a secret of its own each process refuses the other's
forms (页面已过期), which is why one secret is set for all of them."""

from __future__ import annotations

import dataclasses

import pytest
import requests

from sync.hub.config import HubSettings, secret_from_env
from sync.hub.server import HubThread
from tests.public.conftest import TOKEN_RE
from tests.sync.conftest import start_hub

FORM = {"m1_age": "40", "wage": "800"}


def _post_across(first: HubThread, second: HubThread) -> requests.Response:
    session = requests.Session()
    page = session.get(first.base_url + "/m/pinggu", timeout=30)
    token = TOKEN_RE.search(page.text)
    assert token, "the form carries a CSRF token"
    return session.post(
        second.base_url + "/m/pinggu", data={"csrf": token.group(1), **FORM}, timeout=30
    )


@pytest.mark.parametrize("shared", [True, False])
def test_a_form_crosses_processes_only_with_one_secret(
    hub_settings: HubSettings, shared: bool
) -> None:
    def settings(n: int) -> HubSettings:
        text = "jiuzhu-hub-secret-2026" if shared else f"process-{n}-own-secret-2026"
        return dataclasses.replace(hub_settings, public_secret=secret_from_env(text))

    first = start_hub(settings(1))
    second = HubThread(settings(2)).start()  # a second process on the same database
    try:
        answer = _post_across(first, second)
        if shared:
            assert answer.status_code == 200 and "推定" in answer.text, answer.text[:300]
        else:
            assert answer.status_code == 403 and "页面已过期" in answer.text
    finally:
        second.stop()
        first.stop()


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="至少 16 个字符"):
        secret_from_env("short")
    assert secret_from_env("") is None
