"""The public pages in a real browser (headless Chromium, phone-sized): read 码上知, run a
self-assessment, submit a 码上办 pre-application, see it arrive at the desk as 待受理, accept
it there, then see the new step on 码上查; the wrong-suffix and rate-limit answers."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.domain.workflow import STATE_LABELS, State
from desktop.services.outreach.office_window import publish_window
from desktop.services.outreach.service_requests import accept_request, list_requests
from sync.hub.server import HubThread
from tests.public.helpers import APPLICANT, SPOUSE, A
from tests.sync_client.conftest import Linked

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium")
# CI installs Debian's chromium (.ci/run): there a missing browser fails instead of skipping.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed"
)
PHONE = {"width": 390, "height": 844}
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page
        browser.close()


def shots(tmp_path: Path) -> Path:
    """Where screenshots go: docs/screenshots when asked for (SCREENSHOT_DIR), else tmp."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_resident_journey_on_a_phone(page, desk_a: Linked, hub: HubThread, tmp_path: Path) -> None:
    out = shots(tmp_path)
    publish_window(desk_a.store, desk_a.admin)
    desk_a.sync()  # the office's window phone and address reach the hub
    with desk_a.store.sessions.read() as s:
        from desktop.store.models import Office

        phone = s.scalars(select(Office.phone).where(Office.code == A)).one()
    page.goto(hub.base_url + "/m/")
    page.screenshot(path=str(out / "public-index.png"), full_page=True)
    page.get_by_text("码上知").click()
    assert "城乡低保标准" in page.content() and "1,045.00" in page.content()
    assert "友谊路街道" in page.content() and phone and phone in page.content()
    page.screenshot(path=str(out / "public-zhi.png"), full_page=True)

    page.goto(hub.base_url + "/m/pinggu")
    page.screenshot(path=str(out / "public-pinggu-form.png"))
    page.fill("#m1_age", "40")
    page.fill("#wage", "800")
    page.click("button[type=submit]")
    text = page.inner_text("main")
    assert "推定" in text and "2088.00" in text, "the imputed income is explained"
    page.screenshot(path=str(out / "public-pinggu.png"), full_page=True)

    page.goto(hub.base_url + "/m/ban")
    page.select_option("#assistance_type", "dibao")
    page.fill("#name", "刘秀英")
    page.fill("#id_number", APPLICANT)
    page.fill("#phone", "13920001234")
    page.fill("#address", "天津市河西区紫金山路12号3-201")
    page.fill("#f2_name", "陈建国")
    page.fill("#f2_id", SPOUSE)
    page.select_option("#f2_relation", "spouse")
    page.fill("#wage", "800")
    page.fill("#deposits", "3000")
    page.select_option("#residence_office", A)
    page.select_option("#hukou_office", A)
    page.check("input[name=consent]")
    page.screenshot(path=str(out / "public-ban-form.png"), full_page=True)
    page.click("button[type=submit]")
    reference = page.inner_text(".ref").strip()
    assert re.fullmatch(r"MB[A-Z0-9]{10}", reference)
    assert reference not in page.url and APPLICANT not in page.url
    page.screenshot(path=str(out / "public-ban-done.png"), full_page=True)

    desk_a.sync()
    (request,) = list_requests(desk_a.store, A, "open")
    assert request.reference == reference and request.status_label == "待受理"
    view = accept_request(desk_a.store, desk_a.clerk, request.id, date.today())
    desk_a.sync()

    page.goto(hub.base_url + "/m/cha")
    page.fill("#number", reference)
    page.fill("#suffix", APPLICANT[-6:])
    page.click("button[type=submit]")
    with desk_a.store.sessions.read() as s:
        from desktop.store.models import Application

        app = s.get(Application, view.application_id)
        assert app is not None
        label, deadline = STATE_LABELS[State(app.state)], app.next_deadline
    shown = page.inner_text("main")
    assert label in shown and deadline is not None and deadline.isoformat() in shown
    assert "刘秀英" not in shown and APPLICANT not in page.url
    page.screenshot(path=str(out / "public-cha.png"), full_page=True)

    page.goto(hub.base_url + "/m/cha")
    page.fill("#number", reference)
    page.fill("#suffix", "000000")
    page.click("button[type=submit]")
    assert "未查到" in page.inner_text("main")
    page.screenshot(path=str(out / "public-cha-wrong.png"), full_page=True)
    for _ in range(4):
        page.goto(hub.base_url + "/m/cha")
        page.fill("#number", reference)
        page.fill("#suffix", "000000")
        page.click("button[type=submit]")
    assert "操作过于频繁" in page.inner_text("main")
    page.screenshot(path=str(out / "public-cha-limited.png"), full_page=True)
