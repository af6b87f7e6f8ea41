"""打印中心: each document built from the store, read back from the PDF; privacy; batches."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from desktop.errors import ReportError
from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.households import (
    BankInput,
    HouseholdInput,
    PersonInput,
    create_household,
    set_bank_account,
)
from desktop.store.models import Application
from printing import records
from ui.print_center import PrintCenterPanel

COMMUNITY = "谊景村社区"
ID_A, ID_B = "120101199001011239", "11010519491231002X"
PHONE = "13812345678"
ADDRESS = "河西区友谊路街道平江道8号1-101"


def _case(store, actor, state: str, **extra) -> str:  # type: ignore[no-untyped-def]
    """A household filed through the services, then moved to ``state`` as the workflow would."""
    view = create_household(
        store,
        actor,
        HouseholdInput(
            actor.office_id,
            actor.office_id,
            ADDRESS,
            community=COMMUNITY,
            phone=PHONE,
            members=(
                PersonInput("仇红梅", ID_A, "applicant", illness_class="uremia"),
                PersonInput("李桂英", ID_B, "spouse"),
            ),
        ),
    )
    app = create_application(store, actor, ApplicationInput(view.id, "dibao", date.today()))
    with store.sessions.write() as s:
        row = s.get(Application, app.id)
        assert row is not None
        row.state = state
        row.benefit_amount = Decimal("1090.00")
        row.workflow = {**(row.workflow or {}), **extra}
    return app.id


def _panel(qtbot, store, actor, **kw) -> PrintCenterPanel:  # type: ignore[no-untyped-def]
    panel = PrintCenterPanel(store, actor, **kw)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_public_notice_has_names_and_no_private_data(qtbot, desk, sync_ops, pdf_text) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    _case(store, actor, "in_notice")
    panel = _panel(qtbot, store, actor)
    assert any(
        COMMUNITY in panel.communities.item(i).text() for i in range(panel.communities.count())
    )
    panel.select_community(COMMUNITY)
    panel.notice_button.click()
    assert panel.preview is not None
    text = pdf_text(panel.preview.pdf_bytes)
    assert f"{COMMUNITY}社会救助对象公示" in text
    assert "仇红梅" in text and "1,090.00" in text and "最低生活保障" in text
    assert "李桂英" not in text  # only the applicant's name is published
    assert not re.search(r"\d{6}\*{0,8}\d{3}[\dX]", text)  # no ID number, not even masked
    for private in (PHONE, "平江道", "尿毒症", ID_A[-4:] + "\n"):
        assert private not in text
    panel.preview.close()


def test_notice_rows_of_demo_cases_in_notice(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    _case(store, actor, "in_notice")
    counts = records.notice_counts(store, actor)
    community = next(c for c, n in counts.items() if n)
    notice = records.public_notice_for(store, actor, community, date(2025, 9, 1))
    assert len(notice.rows) == counts[community]
    assert all(r.family_size >= 1 and r.amount >= 0 for r in notice.rows)
    assert notice.objection_phone and notice.office.name.endswith("办事处")
    empty = next((c for c, n in counts.items() if not n), None)
    if empty:
        with pytest.raises(ReportError, match="没有处于公示中的案件"):
            records.public_notice_for(store, actor, empty, date.today())


def test_announcement_flyer_and_blank_survey(qtbot, desk, sync_ops, pdf_text) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    _case(store, actor, "paying", decision_date=date.today().isoformat())
    panel = _panel(qtbot, store, actor)
    panel.select_community(COMMUNITY)
    panel.announcement_button.click()
    text = pdf_text(panel.preview.pdf_bytes)
    assert "审核确认公告" in text and "仇红梅" in text and "居住地张贴" in text
    assert ID_A not in text and PHONE not in text
    panel.flyer_month.setDate(panel.flyer_month.date().fromString("2025-09", "yyyy-MM"))
    panel.flyer_button.click()
    office = records.report_office(store, actor.office_id)
    flyer = pdf_text(panel.preview.pdf_bytes)
    assert "社会救助政策明白纸" in flyer and "1,045.00" in flyer and "1,567.50" in flyer
    assert office.phone in flyer and "12345" in flyer
    assert panel.preview.page_count() == 1
    panel.survey_button.click()
    assert "入户调查表" in pdf_text(panel.preview.pdf_bytes)


def test_authorization_masks_ids(qtbot, desk, sync_ops, pdf_text) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    _case(store, actor, "investigating")
    panel = _panel(qtbot, store, actor)
    panel.case_search.setText("仇红梅")
    panel.find_cases()
    assert panel.cases.count() >= 1
    panel.cases.item(0).setSelected(True)
    panel.auth_button.click()
    text = pdf_text(panel.preview.pdf_bytes)
    assert "家庭经济状况核对授权书" in text and "李桂英" in text
    assert "120101********1239" in text and ID_A not in text


def test_roster_needs_bank_accounts_and_prints_them_in_full(
    qtbot, desk, sync_ops, captured_errors, pdf_text
) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    panel = _panel(qtbot, store, actor)
    panel.roster_button.click()
    assert captured_errors and captured_errors[-1].message.startswith("银行账号：")
    with store.sessions.read() as s:
        paying = [
            row.household_id
            for row in s.query(Application).filter(
                Application.state.in_(records.PAYING_STATES),
                Application.hukou_office_id == actor.office_id,
            )
        ]
    for household_id in paying:
        set_bank_account(
            store, actor, household_id, BankInput("中国银行", "户主", "6222 0210 0112 3456 789")
        )
    app_id = _case(store, actor, "paying")
    with store.sessions.read() as s:
        household_id = s.get(Application, app_id).household_id  # type: ignore[union-attr]
    set_bank_account(
        store, actor, household_id, BankInput("中国工商银行", "仇红梅", "6217 0000 9999 8888")
    )
    panel.roster_button.click()
    text = pdf_text(panel.preview.pdf_bytes)
    assert "社会救助金发放花名册" in text and "仇红梅" in text
    # the payer's internal roster carries the whole account; the ID stays masked
    assert "6217000099998888" in text and "中国工商银行" in text
    assert "120101********1239" in text


def test_batch_prints_notices_of_ticked_communities(qtbot, desk, sync_ops, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    _case(store, actor, "in_notice")
    out = tmp_path / "batch.pdf"

    def to_file(printer: QPrinter, _parent) -> bool:  # type: ignore[no-untyped-def]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    panel = _panel(qtbot, store, actor, print_dialog=to_file)
    counts = records.notice_counts(store, actor)
    ticked = [c for c, n in counts.items() if n][:3]
    for name in ticked:
        panel.select_community(name, checked=True)
    panel.batch_notices()
    result = panel.last_batch
    assert result is not None and not result.cancelled
    assert result.printed == [f"{c}公示" for c in ticked]
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == result.pages >= len(ticked)
    assert f"已打印 {len(ticked)} 份" in panel.status.text()


def test_main_window_toolbar_opens_the_screens(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    from ui.intake import IntakeDialog
    from ui.main_window import MainWindow
    from ui.selfcheck import SelfCheckPanel

    store, actor = desk.as_user("supervisor")
    window = MainWindow(store, actor)
    qtbot.addWidget(window)
    window.show()
    texts = [a.text() for a in window.toolbar.actions()]
    assert {"新建申请", "自助评估", "打印"} <= set(texts)
    new = next(a for a in window.toolbar.actions() if a.text() == "新建申请")
    assert new.shortcut().toString() == "Ctrl+N"
    new.trigger()
    assert any(isinstance(w, IntakeDialog) for w in window.findChildren(IntakeDialog))
    assert isinstance(window.open_selfcheck(), SelfCheckPanel)
    assert isinstance(window.open_print_center(), PrintCenterPanel)
    window.open_selfcheck()  # the second time the tab is reused
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles.count("自助评估") == 1 and titles.count("打印") == 1
    assert window.tabs.tabText(window.tabs.currentIndex()) == "自助评估"
