"""The support screens through real widgets: the administrator's catalogues and xlsx import,
a programme refused naming the field, the roster review (generate, review, export, print) and
the case page's 综合帮扶 tab (policies with reasons, a referral made, totals per year)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from desktop.services.support.programmes import list_programmes
from desktop.services.support.referrals import list_referrals
from tests.beyond_cash.helpers import paid_families
from ui import ops
from ui.admin.panel import AdminPanel
from ui.cases.support_tab import SupportTab
from ui.support.roster_dialog import RosterDialog


def idle() -> None:
    """Let the writer thread finish and its results reach the widgets."""
    assert ops.wait_idle(20_000)


def test_the_catalogues_import_a_workbook_and_refuse_a_bad_premium(
    qtbot, desk, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    store, admin = desk.as_user("admin")
    panel = AdminPanel(store, admin)
    qtbot.addWidget(panel)
    panel.show()
    idle()
    panel.setCurrentWidget(panel.support)
    idle()
    page = panel.support.policies
    shown = page.table.rowCount()
    assert shown >= 5 and page.table.item(0, 2).text()
    book = Workbook()
    sheet = book.active
    sheet.title = "政策"
    sheet.append(["部门", "政策名称", "享受内容", "所需材料", "联系方式", "生效日期", "失效日期"])
    sheet.append(
        ["区总工会", "困难职工帮扶", "节日慰问", "工会会员证", "022-3", date(2026, 1, 1), None]
    )
    crit = book.create_sheet("条件")
    crit.append(["政策名称", "家庭信息", "比较", "取值"])
    crit.append(["困难职工帮扶", "有失业成员", "=", "否"])
    path = tmp_path / "menu.xlsx"
    book.save(path)
    page.choose_file = lambda _parent: str(path)
    page.import_file()
    idle()
    assert page.note.text() == "已导入 1 项政策" and page.table.rowCount() == shown + 1
    assert page.status.text() == f"共 {shown + 1} 项政策"
    names = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]
    assert "困难职工帮扶" in names
    # a programme with a negative premium: the dialog stays open naming the field
    programmes = panel.support.programmes
    panel.support.setCurrentWidget(programmes)
    before = programmes.table.rowCount()
    form = programmes.add()
    form.fields["name"].setText("意外伤害保险")
    form.fields["plan"].setText("意外伤害")
    form.fields["payer"].setText("某保险公司")
    for key, value in (("rate_adult", "-30"), ("rate_child", "150"), ("rate_tekun", "150")):
        form.fields[key].setText(value)
    form.fields["period_to"].setDate(form.fields["period_to"].date().addDays(300))
    form.submit()
    idle()
    assert (
        form.isVisible()
        and "成年人保费（元/人）" in form.message.text()
        and "负数" in form.message.text()
    )
    assert programmes.table.rowCount() == before
    form.fields["rate_adult"].setText("30")
    form.submit()
    idle()
    assert not form.isVisible() and programmes.table.rowCount() == before + 1


def test_the_roster_is_generated_reviewed_exported_and_printed(qtbot, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, supervisor = desk.as_user("supervisor")
    insurance = next(p for p in list_programmes(store, supervisor) if p.kind == "insurance")
    dialog = RosterDialog(
        store, supervisor, insurance, save_path=lambda _p, name: str(tmp_path / name)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    idle()
    assert dialog.roster is not None and dialog.roster.status == "reviewed", "the demo roster"
    assert "覆盖率 100.0%" in dialog.coverage.text()
    dialog.generate()  # today's roster is reviewed: refused, the message names the field
    idle()
    assert "名单日期" in dialog.message.text()
    dialog.as_of.setDate(
        dialog.as_of.date().addDays(-1)
        if date.today().timetuple().tm_yday > 1
        else dialog.as_of.date()
    )
    dialog.generate()
    idle()
    assert dialog.roster.status == "draft" and not dialog.export_button.isEnabled()
    assert dialog.table.rowCount() == len(dialog.roster.persons) > 0
    dialog.review_button.click()
    idle()
    assert dialog.roster.status == "reviewed" and dialog.export_button.isEnabled()
    assert "审核人 张审核" in dialog.summary.text()
    dialog.export_button.click()
    idle()
    [exported] = list(tmp_path.glob("*.xlsx"))
    rows = list(load_workbook(exported).active.iter_rows(values_only=True))
    assert len(rows) == 3 + len(dialog.roster.persons) + 1
    assert Decimal(str(rows[-1][4])).quantize(Decimal("0.01")) == dialog.roster.total
    dialog.print_button.click()
    idle()
    assert dialog.preview is not None and dialog.preview.document.pageCount() >= 1
    dialog.preview.close()


def test_the_case_page_tab_shows_the_whole_support_and_makes_a_referral(
    qtbot, desk, sync_ops
) -> None:  # type: ignore[no-untyped-def]
    store, clerk = desk.as_user("clerk")
    family = next(h for h in paid_families(store, clerk) if list_referrals(store, clerk, h))
    tab = SupportTab(store, clerk)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_household(family)
    idle()
    assert tab.policies.rowCount() == len(tab.matches) >= 1
    assert all(tab.policies.item(r, 2).text() for r in range(tab.policies.rowCount()))
    assert f"{date.today().year}年合计" in tab.totals.text() and "保险" in tab.totals.text()
    before = tab.referral_table.rowCount()
    tab.refer()
    idle()
    form = tab.dialog
    assert form is not None
    form.fields["partner"].setCurrentIndex(1)
    need = form.fields["need"]
    assert isinstance(need, QPlainTextEdit)
    form.submit()
    idle()
    assert form.isVisible() and "转介事项" in form.message.text()
    need.setPlainText("家中老人需要陪诊服务")
    form.submit()
    idle()
    assert not form.isVisible() and tab.referral_table.rowCount() == before + 1
    tab.referral_table.selectRow(0)
    outcome = tab.outcome()
    assert outcome is not None
    outcome.fields["status"].setCurrentIndex(outcome.fields["status"].findData("refused"))
    outcome.submit()
    idle()
    assert "未予帮扶原因" in outcome.message.text()
    reason = outcome.fields["reason"]
    assert isinstance(reason, QLineEdit)
    reason.setText("不在服务范围")
    outcome.submit()
    idle()
    assert not outcome.isVisible()
    assert any(
        tab.referral_table.item(r, 4).text() == "未予帮扶"
        for r in range(tab.referral_table.rowCount())
    )
    tab.print_sheet()
    idle()
    assert tab.dialog is not None and tab.dialog.document.pageCount() >= 1  # type: ignore[attr-defined]
    tab.dialog.close()


def test_a_provider_gets_only_the_case_list_of_its_families(qtbot, desk, captured_errors) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.support.purchased import assign_provider_households
    from tests.beyond_cash.helpers import open_cases
    from ui.main_window import MainWindow

    store, admin = desk.as_user("admin")
    store2, provider = desk.as_user("provider")
    mine = open_cases(store, admin)[0][1]
    assign_provider_households(store, admin, provider.user_id, [mine])
    window = MainWindow(store2, provider)
    qtbot.addWidget(window)
    window.show()
    idle()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert not {"预警处置", "诉求登记", "系统管理", "工作台"} & set(titles), titles
    assert [r.message for r in captured_errors] == []


def test_the_administrator_ticks_a_providers_families(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from desktop.services.support.purchased import provider_households

    store, admin = desk.as_user("admin")
    _, provider = desk.as_user("provider")
    panel = AdminPanel(store, admin)
    qtbot.addWidget(panel)
    dialog = panel.support.services.assign()
    idle()
    assert dialog.provider.currentData() == provider.user_id
    ticked = dialog.checked()
    assert ticked == provider_households(store, admin, provider.user_id), "the demo's assignment"
    first = dialog.families.item(0)
    first.setCheckState(
        Qt.CheckState.Unchecked
        if first.checkState() == Qt.CheckState.Checked
        else Qt.CheckState.Checked
    )
    wanted = dialog.checked()
    dialog.save()
    idle()
    assert not dialog.isVisible() and provider_households(store, admin, provider.user_id) == sorted(
        wanted
    )


def test_a_provider_fills_the_home_survey_of_its_case_in_the_real_form(
    qtbot, desk, captured_errors
) -> None:  # type: ignore[no-untyped-def]
    """A third-party survey company: its case opens the 入户调查表 (not the staff case page);
    the draft and a drawn signature are stored; a file of another kind, or a family not
    assigned to it, is refused in the core."""
    import pytest

    from desktop.errors import PermissionDenied
    from desktop.services.cases.case_overview import save_survey_signature
    from desktop.services.cases.surveys import get_survey
    from desktop.services.family.documents import attach_document
    from desktop.services.support.purchased import assign_provider_households
    from tests.beyond_cash.helpers import open_cases
    from tests.support import png_bytes
    from ui.main_window import MainWindow

    store, admin = desk.as_user("admin")
    store2, provider = desk.as_user("provider")
    cases = open_cases(store, admin)
    (mine_app, mine), (other_app, _other) = cases[0], cases[-1]
    assign_provider_households(store, admin, provider.user_id, [mine])
    window = MainWindow(store2, provider)
    qtbot.addWidget(window)
    window.show()
    idle()
    assert window.open_case(mine_app) is None
    qtbot.waitUntil(lambda: getattr(window, "survey_window", None) is not None, timeout=10_000)
    form = window.survey_window.form
    assert form.application_id == mine_app
    form.texts["housing"].setPlainText("租住平房一间，约20平方米，屋顶有渗水")
    form.save_now()
    idle()
    save_survey_signature(store2, provider, mine_app, "王调查", png_bytes(9))
    stored = get_survey(store2, mine_app)
    assert stored is not None and "屋顶有渗水" in stored.sections["housing"]
    assert "王调查" in stored.sections["signatures"]
    with pytest.raises(PermissionDenied, match="只能上传入户调查的照片和签字"):
        attach_document(store2, provider, household_id=mine, kind="application_form",
                        data=b"%PDF-1.4", file_name="x.pdf", application_id=mine_app)  # fmt: skip
    with pytest.raises(PermissionDenied):
        save_survey_signature(store2, provider, other_app, "王调查", png_bytes(9))
    window.survey_window.close()
    assert [r.message for r in captured_errors] == []
