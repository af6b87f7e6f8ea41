"""One case, two offices, several devices, over the real hub on 127.0.0.1.

Desk A (residence office 河西区友谊路街道), desk A2 (a second PC of the same office) and desk B
(registration office 和平区劝业场街道, set up on its own: it knows no other office) each keep
their own encrypted store in their own folder.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text

from desktop.errors import ValidationError
from desktop.services.accounts.auth import OfficeInput, create_office
from desktop.services.cases.applications import (
    ApplicationInput,
    create_application,
    get_application,
)
from desktop.services.cases.case_numbers import renumber_refused_case
from desktop.services.cases.case_overview import case_overview, may_fill_survey
from desktop.services.cases.workflow import (
    accept_application,
    case_timeline,
    finalize_survey,
    get_case,
    get_survey,
    perform,
    record_check_report,
    record_survey_from_record,
    save_survey_draft,
)
from desktop.services.family.documents import attach_document, list_documents
from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.services.outreach.warnings import list_check_reports, request_economic_check
from desktop.store.models import Application, Office
from desktop.store.store import Store
from sync.admin import list_outbox, sync_status
from sync.hub import db
from sync.hub_client import HubApi, new_change
from sync.transport import HttpClient
from tests.e2e.helpers import NAMES, A, B, C, new_id_number, office_id
from tests.support import png_bytes
from tests.sync.conftest import FAST_RETRY, enrol
from tests.sync_client.conftest import Linked, link


def family(desk: Linked, name: str = "张三丰") -> str:
    """A family living at A with its hukou at B (人户分离), filed at A."""
    return create_household(
        desk.store,
        desk.clerk,
        HouseholdInput(
            office_id(desk.store, A), office_id(desk.store, B),
            "天津市河西区友谊路街道紫金山路12号3-201", community="紫金山社区",
            phone="13812345678", members=(PersonInput(name, new_id_number(), "applicant"),),
        ),
    ).id  # fmt: skip


def file_case(desk: Linked) -> str:
    hid = family(desk)
    return create_application(
        desk.store, desk.clerk, ApplicationInput(hid, "dibao", date.today(), reason="因病致贫")
    ).id


def numbers(store: Store) -> list[str]:
    with store.sessions.read() as s:
        return list(s.scalars(select(Application.number)))


# ---------------------------------------------------------------- case numbers


def test_two_pcs_of_one_office_number_offline_without_collision(
    desk, second_desk, desk_hp, hub, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sync.directory.BLOCK", 3)  # small blocks: the reserve runs out
    monkeypatch.setattr("sync.directory.LOW_WATER", 2)
    a = link(desk, hub, A, "一号窗口电脑")
    a2 = link(second_desk, hub, A, "二号窗口电脑")
    b = link(desk_hp, hub, B, "户籍地窗口电脑")
    for d in (a, a2, b):
        assert d.sync().ok
    # offline: each PC files four cases (three from its block, one on its device code)
    made = {d.client.store: [file_case(d) for _ in range(4)] for d in (a, a2)}
    got = {store: [get_application(store, i).number for i in ids] for store, ids in made.items()}
    every = [n for ns in got.values() for n in ns]
    assert len(set(every)) == 8, every
    offline = [n for n in every if n.count("-") == 3]
    assert len(offline) == 2 and len({n.split("-")[2] for n in offline}) == 2, offline

    for d in (a, a2, b, a, a2):
        result = d.sync()
        assert result.ok and result.rejected == 0, result.text()
        assert result.text().startswith("同步完成")
    for store in (a.store, a2.store, b.store):
        assert set(every) <= set(numbers(store))
        assert len(numbers(store)) == len(set(numbers(store)))
    with hub.app.state.database.read() as conn:
        rows = conn.execute(select(db.case_numbers.c.number, db.case_numbers.c.application_id))
        held = {number: app_id for number, app_id in rows}
    assert set(every) <= set(held) and len(set(held.values())) == len(held)
    # numbers never change once given
    for store, ids in made.items():
        assert [get_application(store, i).number for i in ids] == got[store]


def test_a_duplicate_number_is_refused_alone_and_never_blocks_the_sync(
    desk, second_desk, hub
) -> None:  # type: ignore[no-untyped-def]
    a = link(desk, hub, A, "一号窗口电脑")
    a2 = link(second_desk, hub, A, "二号窗口电脑")
    first, second = file_case(a), file_case(a2)
    # both PCs numbered a case alike before leased numbers existed
    taken = get_application(a.store, first).number
    with a2.store.sessions.write() as s:
        s.execute(
            text("UPDATE applications SET number = :n WHERE id = :i"), {"n": taken, "i": second}
        )
        s.execute(
            text(
                "UPDATE outbox SET payload = json_set(payload, '$.number', :n) WHERE entity_id = :i"
            ),
            {"n": taken, "i": second},
        )
    assert a.sync().ok
    out = a2.sync()  # its case is refused; its household and documents go through
    assert not out.ok and out.rejected == 1 and out.applied > 1
    assert "案件编号" in out.text() and out.text().startswith("同步未完成")
    assert not sync_status(a2.store).last_ok
    [refused] = [v for v in list_outbox(a2.store, ("rejected",)) if v.entity == "application"]
    assert refused.entity_id == second and taken in refused.reason
    # A's case of that number reached A2's pull: held back with its reason, not a failed page
    assert "案件编号" in " ".join(out.problems)
    later = file_case(a)
    assert a.sync().ok
    again = a2.sync()
    assert not again.stopped and again.pulled > 0
    assert get_application(a2.store, later).number == get_application(a.store, later).number
    assert get_application(a2.store, second).number == taken  # never changed behind anyone's back

    # a supervisor at A2 decides to renumber the refused case: both cases then travel
    _s, supervisor = second_desk.as_user("supervisor")
    with pytest.raises(ValidationError):
        renumber_refused_case(a2.store, supervisor, later)  # not refused: keeps its number
    renumbered = renumber_refused_case(a2.store, supervisor, second)
    assert renumbered != taken and renumbered.startswith(f"{A}-")
    assert a2.sync().ok and a.sync().ok
    assert get_application(a.store, second).number == renumbered
    assert get_application(a2.store, first).number == taken  # the held case arrived
    assert a2.sync().ok


def test_a_failing_apply_is_reported_as_failure(desk, desk_hp, hub) -> None:  # type: ignore[no-untyped-def]
    a = link(desk, hub, A)
    b = link(desk_hp, hub, B)
    file_case(a)
    assert a.sync().ok
    with b.store.engine.begin() as conn:  # the local store refuses every pulled household
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse_households BEFORE INSERT ON households "
            "BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
    result = b.sync()
    assert not result.ok and result.pulled == 0
    assert result.text().startswith("同步未完成") and "未能写入本机数据库" in result.text()
    status = sync_status(b.store)
    assert status.last_ok is False and "同步完成" not in status.last_text


# ---------------------------------------------------------------- the case travels whole


def _survey(a: Linked, surveyor, app_id: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    app = get_application(a.store, app_id)
    people = ["王调查", "刘明", app.applicant_name]
    signatures = {
        n: attach_document(
            a.store, surveyor, household_id=app.household_id, kind="signature",
            data=png_bytes(len(n)), file_name=f"{n}.png", application_id=app_id,
        ).id
        for n in people
    }  # fmt: skip
    photo = attach_document(
        a.store, surveyor, household_id=app.household_id, kind="photo",
        data=png_bytes(7, (320, 240)), file_name="现场.png", application_id=app_id,
    ).id  # fmt: skip
    save_survey_draft(
        a.store, surveyor, app_id, visited_on=date.today(), surveyors=["王调查", "刘明"],
        members_present=[app.applicant_name],
        sections={
            "income": "无固定收入", "assets": "无车无房", "housing": "租住一室户",
            "neighbours": "邻居反映困难", "findings": "与申报一致", "opinion": "建议初审",
            "signatures": signatures, "photos": [photo],
        },
    )  # fmt: skip
    finalize_survey(a.store, surveyor, app_id, date.today())
    return signatures


def test_registration_office_reads_the_whole_case(desk, desk_hp, hub, qtbot, sync_ops) -> None:  # type: ignore[no-untyped-def]
    a = link(desk, hub, A)
    b = link(desk_hp, hub, B)
    _s, surveyor = desk.as_user("surveyor")
    app_id = file_case(a)
    household_id = get_application(a.store, app_id).household_id
    today = date.today()
    with a.store.sessions.write() as s:  # every required paper handed in at the window
        s.execute(
            text("UPDATE documents SET status = 'received' WHERE application_id = :i"),
            {"i": app_id},
        )
    v = accept_application(a.store, a.clerk, app_id, today, get_case(a.store, app_id).version)
    v = perform(a.store, a.clerk, app_id, "request_check", {}, today, v.version)
    request_economic_check(a.store, a.clerk, household_id)
    signatures = _survey(a, surveyor, app_id)
    v = record_survey_from_record(a.store, surveyor, app_id, v.version)
    v = record_check_report(a.store, a.clerk, app_id, "HD2026-0042", today, v.version, "符合")
    perform(a.store, a.clerk, app_id, "hand_over", {}, today, v.version)
    assert a.sync().ok
    result = b.sync()
    assert result.ok, result.text()

    _b, reviewer = desk_hp.as_user("supervisor")
    survey = get_survey(b.store, app_id)
    assert survey is not None and survey.locked
    assert survey.surveyors == ("王调查", "刘明") and survey.sections["findings"] == "与申报一致"
    assert survey.sections["signatures"] == signatures
    # filed right after registration: its number came from the block leased then
    assert get_application(b.store, app_id).number.count("-") == 2
    docs = {d.id: d for d in list_documents(b.store, app_id)}
    assert {d.id for d in list_documents(a.store, app_id)} == set(docs)
    for doc_id in [*signatures.values(), *survey.sections["photos"]]:
        assert b.store.attachments.has(docs[doc_id].sha256)  # the files came along
    overview = case_overview(b.store, reviewer, app_id)
    assert overview.survey_status == "已定稿"
    assert may_fill_survey(reviewer, overview) == (True, "")
    assert (overview.residence.name, overview.hukou.name) == (
        "河西区友谊路街道",
        "和平区劝业场街道",
    )
    assert overview.residence.district == "河西区"

    here = case_timeline(a.store, app_id)
    there = case_timeline(b.store, app_id)
    steps = [(i.action, i.label_cn, i.to_state) for i in here if i.kind == "step"]
    assert [(i.action, i.label_cn, i.to_state) for i in there if i.kind == "step"] == steps
    assert len(steps) >= 6 and steps[-1][0] == "hand_over"
    assert {i.kind for i in there} == {"step", "document", "survey"}
    reports = list_check_reports(b.store, household_id)
    assert reports and reports[0].members

    from ui.cases.case_page import CasePage  # what the reviewer at B sees

    page = CasePage(b.store, reviewer, app_id)
    qtbot.addWidget(page)
    page.resize(1366, 800)
    page.show()
    assert page.summary["residence"].text().startswith("河西区友谊路街道（120103001）")
    assert page.summary["hukou"].text().startswith("和平区劝业场街道（120101001）")
    assert page.summary["survey"].text() == "已定稿"
    assert page.survey_button.isEnabled() and page.survey_button.text() == "查看入户调查表"
    window = page.open_survey()
    assert window is not None and window.form.locked  # read-only


def test_records_bound_to_a_case_follow_the_case_to_a_new_office(hub) -> None:  # type: ignore[no-untyped-def]
    api_a, api_c = enrol(hub, A), enrol(hub, C)
    house, person, doc = (f"00000000-0000-4000-8000-00000000000{i}" for i in (1, 2, 3))
    push = [
        {"entity": "household", "id": house, "payload": {"address": "紫金山路"}, "offices": [A]},
        {"entity": "person", "id": person, "payload": {"household_id": house}, "offices": [A]},
        {"entity": "document", "id": doc, "payload": {"household_id": house}, "offices": [A]},
    ]
    results = api_a.push(
        [new_change(c["entity"], c["id"], c["payload"], c["offices"]) for c in push]
    )
    assert [r.status for r in results] == ["applied"] * 3
    assert api_c.pull("0").records == []
    # hand-over: the household now belongs to C as well; its members and documents follow
    moved = api_a.push(
        [new_change("household", house, {"address": "紫金山路"}, [A, C], base_rev=1)]
    )
    assert moved[0].status == "applied"
    seen = {(r.entity, str(r.id)): r.rev for r in api_c.pull("0").records}
    assert seen == {("household", house): 2, ("person", person): 1, ("document", doc): 1}
    # only the offices grew: an edit based on the revision A holds is no conflict
    edit = api_a.push([new_change("person", person, {"household_id": house}, [A], base_rev=1)])
    assert edit[0].status == "applied"
    assert {str(r.id) for r in api_c.pull("0").records} >= {person}
    # another office cannot attach records to a case that is not its own
    api_b = enrol(hub, B)
    foreign = api_b.push(
        [
            new_change(
                "document", "00000000-0000-4000-8000-000000000009", {"household_id": house}, [B]
            )
        ]
    )
    assert foreign[0].status == "rejected" and foreign[0].reason == "out_of_scope"


def test_office_directory_reaches_every_desk(hub) -> None:  # type: ignore[no-untyped-def]
    api = HubApi(hub.base_url, http=HttpClient(FAST_RETRY))
    api.token = enrol(hub, B).token
    listed = {o.code: (o.name, o.district) for o in api.offices().offices}
    assert listed == NAMES
    assert json.loads(json.dumps(listed))  # plain data


def test_an_office_noted_at_a_desk_is_not_pushed_and_takes_the_directory_name(desk_hp, hub) -> None:  # type: ignore[no-untyped-def]
    b = link(desk_hp, hub, B)
    create_office(
        b.store, b.admin,
        OfficeInput(code=A, name="友谊路", district="河西", region_code="120103"),
    )  # fmt: skip
    result = b.sync()
    assert result.ok and result.rejected == 0, result.text()
    with b.store.sessions.read() as s:
        rows = {o.code: (o.name, o.district) for o in s.scalars(select(Office))}
    assert rows[A] == NAMES[A] and rows[C] == NAMES[C] and rows[B] == NAMES[B]
