"""码上办 → the responsible office's desk (待受理) → 受理 there → the new step on 码上查, over
the real hub on 127.0.0.1; and the refusals a resident can meet on the way."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from desktop.domain.workflow import STATE_LABELS, State
from desktop.services.outreach.service_requests import accept_request, list_requests
from desktop.store.models import Application
from sync.hub.server import HubThread
from tests.public.conftest import Resident
from tests.public.helpers import APPLICANT, pre_application
from tests.sync_client.conftest import Linked

REF_RE = re.compile(r"class='ref'>(MB[A-Z0-9]{10})<")


def submit(resident: Resident, **more: str) -> str:
    page = resident.submit("/m/ban", pre_application(**more))
    assert page.status_code == 200, page.text
    found = REF_RE.search(page.text)
    assert found, page.text
    return found.group(1)


def test_pre_application_reaches_the_office_and_its_progress_shows(
    desk_a: Linked, resident: Resident
) -> None:
    reference = submit(resident)
    desk_a.sync()
    (request,) = list_requests(desk_a.store, "120103001", "open")
    assert request.reference == reference and request.status_label == "待受理"
    assert request.channel_label == "码上办" and request.id_number == APPLICANT
    assert request.reply_due is not None and request.reply_due > date.today()
    selfcheck = request.details["selfcheck"]
    assert any("推定" in line for line in selfcheck["income"]["explained"])

    before = resident.submit("/m/cha", {"number": reference, "suffix": APPLICANT[-6:]})
    assert "待受理" in before.text and request.reply_due.isoformat() in before.text

    accepted = accept_request(desk_a.store, desk_a.clerk, request.id, date.today())
    assert accepted.status_label == "已受理" and accepted.outcome_label == "已转为救助申请"
    with desk_a.store.sessions.read() as s:
        app = s.scalars(select(Application).where(Application.id == accepted.application_id)).one()
        assert app.channel == "qr" and app.state in ("accepted", "supplementing")
        deadline, step = app.next_deadline, STATE_LABELS[State(app.state)]
        number = app.number
    desk_a.sync()

    after = resident.submit("/m/cha", {"number": reference, "suffix": APPLICANT[-6:]})
    assert step in after.text and "待受理" not in after.text
    assert deadline is not None and deadline.isoformat() in after.text
    assert "刘秀英" not in after.text and APPLICANT not in after.text, "nothing personal"
    by_case = resident.submit("/m/cha", {"number": number, "suffix": APPLICANT[-6:]})
    assert step in by_case.text and deadline.isoformat() in by_case.text
    wrong = resident.submit("/m/cha", {"number": number, "suffix": "000000"})
    assert "未查到" in wrong.text and step not in wrong.text


def test_wrong_number_and_wrong_suffix_get_the_same_answer(
    hub: HubThread, resident: Resident
) -> None:
    reference = submit(resident)
    wrong_suffix = resident.submit("/m/cha", {"number": reference, "suffix": "000000"})
    other = "MB" + ("A" if reference[2] != "A" else "B") + reference[3:]
    wrong_number = resident.submit("/m/cha", {"number": other, "suffix": APPLICANT[-6:]})
    assert wrong_suffix.status_code == wrong_number.status_code == 200
    strip = re.compile(r"name='csrf' value='[0-9a-f]+'|value='MB[A-Z0-9]+'")
    assert strip.sub("", wrong_suffix.text) == strip.sub("", wrong_number.text)
    assert "未查到" in wrong_suffix.text


def test_lookups_of_one_reference_are_limited(hub: HubThread, resident: Resident) -> None:
    reference = submit(resident)
    answers = [
        resident.submit("/m/cha", {"number": reference, "suffix": f"00000{n}"}).status_code
        for n in range(7)
    ]
    assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]
    # the right suffix is refused too now: guessing cannot go on from another angle
    right = resident.submit("/m/cha", {"number": reference, "suffix": APPLICANT[-6:]})
    assert right.status_code == 429 and "操作过于频繁" in right.text


def test_lookups_from_one_address_are_limited(hub: HubThread, resident: Resident) -> None:
    codes = [
        resident.submit("/m/cha", {"number": f"MBAAAAAAAA{n:02d}", "suffix": "123456"}).status_code
        for n in range(12)
    ]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]


def test_a_form_without_its_token_is_refused_and_nothing_stored(
    desk_a: Linked, resident: Resident
) -> None:
    resident.get("/m/ban")  # the cookie is set, but the token is not sent back
    forged = resident.session.post(resident.base + "/m/ban", data=pre_application(), timeout=30)
    assert forged.status_code == 403 and "页面已过期" in forged.text
    other = Resident(resident.base)
    stolen = {"csrf": resident.token("/m/ban"), **pre_application()}
    assert other.session.post(other.base + "/m/ban", data=stolen, timeout=30).status_code == 403
    desk_a.sync()
    assert list_requests(desk_a.store, "120103001") == []


def test_bad_input_is_named_in_chinese_and_nothing_stored(
    desk_a: Linked, resident: Resident
) -> None:
    page = resident.submit(
        "/m/ban",
        pre_application(id_number="120103197003152170", phone="12345", consent="", wage="abc"),
    )
    assert page.status_code == 422
    for words in ("申请人身份证号", "联系电话", "授权", "家庭月工资收入"):
        assert words in page.text
    assert "刘秀英" in page.text, "what was typed stays in the form"
    desk_a.sync()
    assert list_requests(desk_a.store, "120103001") == []


def test_pages_carry_security_headers_and_no_personal_data_in_urls(
    hub: HubThread, resident: Resident
) -> None:
    for path in ("/m/", "/m/zhi", "/m/pinggu", "/m/ban", "/m/cha"):
        page = resident.get(path)
        assert page.status_code == 200
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert "<script" not in page.text
        assert "method='get'" not in page.text.lower()
    first = Resident(resident.base).get("/m/ban").headers["set-cookie"].lower()
    assert "httponly" in first and "samesite=strict" in first and "path=/m" in first


def test_an_oversized_or_repeated_field_form_is_refused(desk_a: Linked, resident: Resident) -> None:
    token = resident.token("/m/ban")
    huge = resident.session.post(
        resident.base + "/m/ban", data={"csrf": token, "need": "困" * 20000}, timeout=30
    )
    assert huge.status_code == 413
    repeated = resident.session.post(
        resident.base + "/m/ban",
        data=[("csrf", token), *pre_application().items(), ("name", "王五")],
        timeout=30,
    )
    assert repeated.status_code == 400
    desk_a.sync()
    assert list_requests(desk_a.store, "120103001") == []
