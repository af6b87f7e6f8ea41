"""The whole journey of one 低保 case, as the people at the windows walk it, on real parts.

Desk A is the residence office (河西区友谊路街道), desk A2 a second PC of the same office, desk B
the registration office (和平区劝业场街道, set up on its own); each keeps its own encrypted store
in its own folder and syncs with the real hub over 127.0.0.1. The family lives at A with its
hukou at B (人户分离). At every seam the test asserts what the other side sees:

intake at A (one transaction, a signed amount refused, bank account) → economic check by the
hub → home survey by two surveyors → the check report's deposits in the assessment (待核实 until
resolved) → hand-over → B reads survey, timeline, documents and both office names → 初审, notice,
confirmation at the calculated amount (9,999 refused without reason and approver) → payment and
归档 → the monthly run, the Excel ledger and the roster still hold the archived family → the
dossier of this case → A sees B's steps → case numbers unique across A, A2 and the hub → log out
and log in as another role through the real windows.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.domain.ids import check_char
from desktop.errors import DeskError, ValidationError
from desktop.services.cases.applications import ApplicationInput
from desktop.services.cases.assessment import assess_application
from desktop.services.cases.case_overview import case_overview
from desktop.services.cases.check_findings import report_reference, resolve_check_finding
from desktop.services.cases.surveys import save_survey_draft
from desktop.services.cases.workflow import (
    case_timeline,
    finalize_survey,
    get_case,
    get_survey,
    perform,
    record_check_report,
    record_survey_from_record,
    start_payment,
)
from desktop.services.family.documents import attach_document, list_documents, set_document_status
from desktop.services.family.finances import AssetInput
from desktop.services.family.households import BankInput, HouseholdInput, PersonInput
from desktop.services.family.intake import IntakeIncome, IntakeInput, submit_intake
from desktop.services.outreach.warnings import list_check_reports, request_economic_check
from desktop.services.payment.benefit_ledger import export_run_xlsx, run_lines
from desktop.services.payment.benefits import run_monthly_benefits
from desktop.store.models import Application, Household, Person
from desktop.store.store import Store
from printing.case_files import render_case_dossier
from printing.records import payment_roster_for
from sync.hub import db
from sync.hub.checks import member_report
from sync.hub.server import HubThread
from tests.e2e.helpers import A, B, office_id
from tests.support import Desk, png_bytes
from tests.sync_client.conftest import Linked, link
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.session import DeskSession

D = date
APPLIED = D(2026, 11, 2)  # a Monday
THIS_MONTH = date.today().replace(day=1)
ACCOUNT = "6222020302050001239"  # a card number that passes the Luhn check


def _id_number(birth: str, seq: int) -> str:
    first17 = f"120103{birth}{seq:03d}"
    return first17 + check_char(first17)


def _quiet_family() -> tuple[str, str, str, Decimal]:
    """Three ID numbers (applicant born 1975, spouse 1972, child 2012) whose simulated check
    report shows no vehicle, no property and no business, but bank deposits the family did not
    declare, within the 低保 asset limit: (applicant, spouse, child, reported deposits)."""
    for seq in range(2, 998, 2):
        ids = (_id_number("19750314", seq), _id_number("19720808", seq + 1),
               _id_number("20120601", seq + 3))  # fmt: skip
        reports = [member_report_of(i) for i in ids]
        counts = [it.count or 0 for r in reports for it in r.items if it.source != "银行存款"]
        deposits = sum(
            (
                Decimal(it.amount or "0")
                for r in reports
                for it in r.items
                if it.source == "银行存款"
            ),
            Decimal("0"),
        )
        if not any(counts) and Decimal("1000") < deposits < Decimal("60000"):
            return ids[0], ids[1], ids[2], deposits
    raise AssertionError("no quiet family among the generated ID numbers")


def member_report_of(id_number: str):  # type: ignore[no-untyped-def]
    from sync.protocol import CheckMember

    return member_report(CheckMember(name="甲", id_number=id_number))


def _intake(a: Linked, ids: tuple[str, str, str]) -> IntakeInput:
    applicant, spouse, child = ids
    household = HouseholdInput(
        office_id(a.store, A),
        office_id(a.store, B),
        "天津市河西区友谊路街道紫金山路12号3-201",
        community="紫金山社区",
        hukou_address="天津市和平区劝业场街道滨江道100号",
        phone="13812345678",
        members=(
            PersonInput("张秀英", applicant, "applicant", illness_class="chronic_listed"),
            PersonInput("李建国", spouse, "spouse", employment="self_employed"),
            PersonInput("李小明", child, "child", student_level="school"),
        ),
    )
    months = [D(2026, m, 1) for m in (8, 9, 10, 11)]
    incomes = tuple(IntakeIncome("wage", m, "800.00", spouse, "零工") for m in months)
    return IntakeInput(
        household=household,
        application=ApplicationInput(
            "", "dibao", APPLIED, reason="丈夫打零工收入不稳定，妻子患慢性病，生活困难"
        ),
        incomes=incomes,
        assets=(AssetInput("deposit", "0.00"),),
        bank=BankInput("中国工商银行天津分行", "张秀英", ACCOUNT),
    )


def _hub_numbers(hub: HubThread) -> list[str]:
    with hub.app.state.database.read() as conn:
        return list(conn.execute(select(db.case_numbers.c.number)).scalars())


def _numbers(store: Store) -> list[str]:
    with store.sessions.read() as s:
        return list(s.scalars(select(Application.number)))


def _version(store: Store, app_id: str) -> int:
    return get_case(store, app_id).version


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _log_in(qtbot, session: DeskSession, username: str, password: str) -> MainWindow:  # type: ignore[no-untyped-def]
    dialog = session.login_dialog
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    window = session.window
    assert isinstance(window, MainWindow) and window.isVisible()
    return window  # the session owns and deletes its windows


def test_one_case_two_offices_second_pc_to_the_monthly_payment(
    desk: Desk, second_desk: Desk, desk_hp: Desk, hub: HubThread, tmp_path: Path, qtbot, sync_ops
) -> None:  # type: ignore[no-untyped-def]
    a = link(desk, hub, A, "一号窗口电脑")
    a2 = link(second_desk, hub, A, "二号窗口电脑")
    b = link(desk_hp, hub, B, "户籍地窗口电脑")
    for d in (a, a2, b):
        assert d.sync().ok
    _s, surveyor = desk.as_user("surveyor")
    _s, b_supervisor = desk_hp.as_user("supervisor")
    _s, b_clerk = desk_hp.as_user("clerk")
    *ids, reported = _quiet_family()

    # ---- intake at A: one call, one transaction; a signed amount is refused, nothing stored
    data = _intake(a, tuple(ids))  # type: ignore[arg-type]
    bad = IntakeInput(
        data.household, data.application,
        (IntakeIncome("wage", D(2026, 10, 1), "-500", ids[1]),), data.assets, data.bank,
    )  # fmt: skip
    before = _numbers(a.store)
    with pytest.raises(ValidationError) as refused:
        submit_intake(a.store, a.clerk, bad)
    assert "收入金额" in str(refused.value) and "负数" in str(refused.value)
    with a.store.sessions.read() as s:
        assert s.scalar(select(Person.id).where(Person.id_number == ids[0])) is None
    assert _numbers(a.store) == before
    done = submit_intake(a.store, a.clerk, data)
    app_id, number = done.application.id, done.application.number
    assert number.startswith(f"{A}-2026-") and number.count("-") == 2  # from the leased block
    assert get_case(a.store, app_id).state == "supplementing" and done.missing  # 一次性告知
    household_id = done.application.household_id

    # ---- a second PC of A files another family's case while offline
    other = submit_intake(
        a2.store, a2.clerk,
        IntakeInput(
            HouseholdInput(
                office_id(a2.store, A), office_id(a2.store, A), "天津市河西区友谊路街道平江道8号",
                community="平江社区",
                members=(PersonInput("王淑芬", _id_number("19500101", 902), "applicant"),),
            ),
            ApplicationInput("", "dibao", APPLIED, reason="独居老人，无固定收入"),
        ),
    ).application  # fmt: skip
    assert other.number != number

    # ---- economic check by the hub, home survey by two surveyors
    for doc in done.missing:  # the family brings what the list named
        set_document_status(a.store, a.clerk, doc.id, "received")
    perform(a.store, a.clerk, app_id, "resume", {}, D(2026, 11, 2), _version(a.store, app_id))
    v = perform(
        a.store, a.clerk, app_id, "request_check", {}, D(2026, 11, 2), _version(a.store, app_id)
    )
    request_economic_check(a.store, a.clerk, household_id)
    signatures = {
        n: attach_document(
            a.store, surveyor, household_id=household_id, kind="signature",
            data=png_bytes(i * 5), file_name=f"{n}.png", application_id=app_id,
        ).id
        for i, n in enumerate(("王调查", "刘明", "张秀英", "李建国"))
    }  # fmt: skip
    save_survey_draft(
        a.store, surveyor, app_id, visited_on=D(2026, 11, 3), surveyors=["王调查", "刘明"],
        members_present=["张秀英", "李建国"],
        sections={
            "income": "丈夫打零工，每月约800元", "assets": "无车无房，租住",
            "housing": "租住一室户，约30平方米", "neighbours": "邻居反映家庭困难属实",
            "findings": "与申报基本一致", "opinion": "建议初审", "signatures": signatures,
        },
    )  # fmt: skip
    finalize_survey(a.store, surveyor, app_id, D(2026, 11, 3))
    v = record_survey_from_record(a.store, surveyor, app_id, v.version)
    assert a.sync().ok  # the request goes out; the hub's report comes back in the same sync
    [report] = list_check_reports(a.store, household_id)
    v = record_check_report(
        a.store, a.clerk, app_id, "手工编号", D(2026, 11, 4), v.version, "详见报告"
    )
    assert get_case(a.store, app_id).snapshot.check_report.reference == report_reference(  # type: ignore[union-attr]
        report.id, report.generated_at
    )  # the number is the report's own, never the typed one

    # ---- the report's deposits enter the assessment: 待核实 until a person resolves it
    first = assess_application(a.store, a.clerk, app_id)
    assert not first.eligible and first.verdict_cn == "待核实" and first.pending_check
    assert "银行存款" in first.pending_check[0]
    resolve_check_finding(a.store, a.clerk, app_id, "deposits", "accept")
    second = assess_application(a.store, a.clerk, app_id)
    assert second.eligible and second.verdict_cn == "符合"
    rows = {r["code"]: r for r in second.summary["check"]["rows"]}
    assert Decimal(rows["deposits"]["reported"]) == reported
    v = perform(
        a.store, a.clerk, app_id, "hand_over", {}, D(2026, 11, 4), _version(a.store, app_id)
    )
    assert a.sync().ok

    # ---- the registration office reads the whole case
    pulled = b.sync()
    assert pulled.ok and pulled.text().startswith("同步完成"), pulled.text()
    survey = get_survey(b.store, app_id)
    assert survey is not None and survey.locked and survey.surveyors == ("王调查", "刘明")
    overview = case_overview(b.store, b_supervisor, app_id)
    assert (overview.residence.name, overview.hukou.name) == (
        "河西区友谊路街道",
        "和平区劝业场街道",
    )
    assert overview.survey_status == "已定稿"
    steps_at_a = [i.action for i in case_timeline(a.store, app_id) if i.kind == "step"]
    assert [i.action for i in case_timeline(b.store, app_id) if i.kind == "step"] == steps_at_a
    assert {d.id for d in list_documents(b.store, app_id)} == {
        d.id for d in list_documents(a.store, app_id)
    }
    assert list_check_reports(b.store, household_id)

    # ---- 初审, 7-day notice at both places, confirmation at the calculated amount
    v = perform(b.store, b_supervisor, app_id, "record_preliminary", {"opinion": "属实"},
                D(2026, 11, 5), _version(b.store, app_id))  # fmt: skip
    posted = {"posted_hukou": True, "posted_residence": True}
    v = perform(b.store, b_clerk, app_id, "open_notice", posted, D(2026, 11, 6), v.version)
    v = perform(b.store, b_clerk, app_id, "close_notice", {}, D(2026, 11, 13), v.version)
    calculated = assess_application(b.store, b_supervisor, app_id).amount
    assert calculated > 0
    with pytest.raises(DeskError):  # an amount of one's own needs a reason and a second person
        perform(b.store, b_supervisor, app_id, "confirm",
                {"amount": "9999.00", "family_stability": "variable"}, D(2026, 11, 16), v.version)  # fmt: skip
    v = perform(b.store, b_supervisor, app_id, "confirm",
                {"amount": str(calculated), "family_stability": "variable"},
                D(2026, 11, 16), v.version)  # fmt: skip
    v = start_payment(b.store, b_clerk, app_id, D(2026, 11, 17), v.version)
    v = perform(b.store, b_clerk, app_id, "archive", {}, D(2026, 11, 18), v.version)
    assert v.state == "paying" and v.snapshot.archived_on == D(2026, 11, 18)
    with b.store.sessions.read() as s:
        assert s.get(Application, app_id).benefit_amount == calculated  # type: ignore[union-attr]

    # ---- the archived family is paid: monthly run, Excel ledger, roster
    run = run_monthly_benefits(b.store, b_supervisor, THIS_MONTH)
    assert run.run_id is not None
    lines = {line.number: line for line in run_lines(b.store, run.run_id)}
    assert number in lines
    ledger = export_run_xlsx(b.store, run.run_id, tmp_path / "发放台账.xlsx")
    cells = [
        c
        for row in load_workbook(ledger, read_only=True).active.iter_rows(values_only=True)
        for c in row
    ]  # type: ignore[union-attr]
    assert number in cells
    roster = payment_roster_for(b.store, b_supervisor, THIS_MONTH)
    [row] = [r for r in roster.rows if r.name == "张秀英"]
    assert ACCOUNT in " ".join(str(v) for v in vars(row).values())  # the payer's sheet: in full

    # ---- the real file of this case, printed from B
    dossier = render_case_dossier(b.store, b_supervisor, app_id)
    text = _pdf_text(dossier)
    assert number in text and "张秀英" in text and "和平区劝业场街道" in text
    assert ids[0] not in text and ACCOUNT not in text  # masked on every page
    assert [item.title for item in PdfReader(io.BytesIO(dossier)).outline]

    # ---- back at A, and the second PC: everyone sees the same case, numbers never collide
    assert b.sync().ok and a.sync().ok and a2.sync().ok and a.sync().ok
    _s, a_supervisor = desk.as_user("supervisor")  # the residence office never pays the family
    a_run = run_monthly_benefits(a.store, a_supervisor, THIS_MONTH)
    a_lines = run_lines(a.store, a_run.run_id) if a_run.run_id else []
    assert number not in {line.number for line in a_lines}
    back = get_case(a.store, app_id)
    assert back.state == "paying" and back.snapshot.archived_on == D(2026, 11, 18)
    assert [i.action for i in case_timeline(a.store, app_id) if i.kind == "step"][-1] == "archive"
    hub_numbers = _hub_numbers(hub)
    assert len(hub_numbers) == len(set(hub_numbers)) and {number, other.number} <= set(hub_numbers)
    for store in (a.store, a2.store, b.store):
        held = _numbers(store)
        assert len(held) == len(set(held))
    with a2.store.sessions.read() as s:
        assert s.get(Household, household_id) is not None  # the second PC has the family too

    # ---- the next person at desk B's keyboard, through the real windows
    session = DeskSession(desk_hp.folder)
    session.show_login()
    clerk_window = _log_in(qtbot, session, "clerk", "Clerk2026!")
    assert session.actor is not None and session.actor.role == "clerk"
    clerk_window.logout_action.trigger()
    assert session.window is None and session.actor is None
    boss = _log_in(qtbot, session, "supervisor", "Review2026!")
    assert session.actor is not None and session.actor.role == "supervisor"
    page = boss.open_case(app_id)
    qtbot.waitUntil(lambda: getattr(page, "data", None) is not None, timeout=10_000)
    assert page.file_buttons["dossier"].isEnabled()  # type: ignore[attr-defined]
    session.quit()
