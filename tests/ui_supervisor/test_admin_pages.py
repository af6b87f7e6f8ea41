"""系统管理 pages driven as a person would: policy rows change load_policy, bad rows name the
field in Chinese, a holiday moves a deadline, a deposit changes the balance."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from desktop.domain.calendar import HOLIDAY
from desktop.services.cases.deadlines import plain_calendar
from desktop.services.payment.reserve_fund import reserve_balance
from desktop.services.policy.policy_admin import list_policy_rows, load_policy
from desktop.store.models import Application
from ui.admin.calendar import CalendarPage
from ui.admin.panel import AdminPanel
from ui.admin.policy_rows import PolicyRowsPage
from ui.admin.reserve_fund import ReserveFundPage

NEXT_YEAR = date(date.today().year + 1, 1, 1)


def _policy_page(qtbot, store, actor) -> PolicyRowsPage:  # type: ignore[no-untyped-def]
    page = PolicyRowsPage(store, actor)
    qtbot.addWidget(page)
    page.new_key.setCurrentIndex(page.new_key.findData("dibao.standard"))
    page.set_new_from(NEXT_YEAR)
    return page


def test_new_period_through_the_page_changes_load_policy(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("admin")
    page = _policy_page(qtbot, store, actor)
    rows_before = page.table.rowCount()
    old = load_policy(store).for_month(NEXT_YEAR).standard
    page.new_value.setText("1200")
    page.new_source.setText("津民发〔2026〕1号（测试）")
    page.add_button.click()
    assert load_policy(store).for_month(NEXT_YEAR).standard == Decimal("1200.00") != old
    assert "已新增" in page.message.text() and page.table.rowCount() == rows_before + 1
    before = NEXT_YEAR - timedelta(days=1)
    assert load_policy(store).for_month(before.replace(day=1)).standard == old

    page.key_filter.setCurrentIndex(page.key_filter.findData("dibao.standard"))
    texts = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]
    page.table.selectRow(texts.index("1200"))
    page.fix_value.setText("1210")
    page.add_button.setFocus()
    page.fix_button.click()
    assert "更正原因" in page.message.text(), "a correction without a reason is refused"
    page.fix_reason.setText("录入错误")
    page.fix_button.click()
    assert load_policy(store).for_month(NEXT_YEAR).standard == Decimal("1210.00")


def test_invalid_rows_show_the_chinese_field(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("admin")
    page = _policy_page(qtbot, store, actor)
    count = len(list_policy_rows(store, actor))
    for value, source, field in (("-5", "依据", "参数值"), ("1200", "", "依据来源")):
        page.new_value.setText(value)
        page.new_source.setText(source)
        page.add_button.click()
        assert page.message.text().startswith(f"{field}："), page.message.text()
    page.new_value.setText("1200")
    page.new_source.setText("依据")
    page.new_district.setText("12010")
    page.add_button.click()
    assert page.message.text().startswith("适用地区：")
    assert len(list_policy_rows(store, actor)) == count


def _future_deadline(store, office_id: str, today: date) -> tuple[str, date, date]:  # type: ignore[no-untyped-def]
    """A case of the office with a deadline some working days ahead, and a working day before it."""
    cal = plain_calendar(today)
    with store.sessions.read() as s:
        rows = s.execute(
            select(Application.id, Application.next_deadline)
            .where(Application.residence_office_id == office_id)
            .where(Application.next_deadline > today + timedelta(days=3))
            .order_by(Application.next_deadline)
        ).all()
    app_id, due = rows[0]
    day = next(
        today + timedelta(days=n)
        for n in range(1, 30)
        if cal.is_workday(today + timedelta(days=n)) and today + timedelta(days=n) < due
    )
    return app_id, due, day


def test_a_holiday_added_on_the_page_moves_a_deadline(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    today = date.today()
    app_id, due, day = _future_deadline(store, actor.office_id, today)
    page = CalendarPage(store, actor, today=today)
    qtbot.addWidget(page)
    page.day.set_value(day)
    page.kind.setCurrentIndex(page.kind.findData(HOLIDAY))
    page.note.setText("临时停止办公")
    page.add_button.click()
    with store.sessions.read() as s:
        moved = s.get(Application, app_id).next_deadline
    assert moved > due, "one working day fewer before the deadline: it moves later"
    assert page.last_moved and page.last_moved >= 1
    assert f"{page.last_moved} 件" in page.message.text()
    assert page.table.rowCount() == 1 and page.table.item(0, 3).text() == "临时停止办公"
    page.table.selectRow(0)
    page.remove_button.click()
    with store.sessions.read() as s:
        assert s.get(Application, app_id).next_deadline == due
    assert page.table.rowCount() == 0 and "已删除" in page.message.text()


def test_reserve_fund_deposit_and_adjust(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    page = ReserveFundPage(store, actor)
    qtbot.addWidget(page)
    before = reserve_balance(store, actor.office_id)
    assert page.current_balance() == before
    page.amount.setText("1000.50")
    page.note.setText("区民政局追加拨付")
    page.deposit_button.click()
    assert reserve_balance(store, actor.office_id) == before + Decimal("1000.50")
    assert page.current_balance() == before + Decimal("1000.50")
    assert f"{before + Decimal('1000.50'):,.2f}" in page.balance.text()
    assert (
        page.table.item(0, 1).text() == "拨入"
        and page.table.item(0, 4).text() == "区民政局追加拨付"
    )
    page.amount.setText("-200")
    page.adjust_button.click()
    assert page.message.text().startswith("调整原因："), page.message.text()
    page.amount.setText("-200")
    page.note.setText("核对账目更正")
    page.adjust_button.click()
    assert reserve_balance(store, actor.office_id) == before + Decimal("800.50")


def test_pages_by_role(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, admin = desk.as_user("admin")
    panel = AdminPanel(store, admin)
    qtbot.addWidget(panel)
    assert panel.page_titles() == [
        "用户", "街道", "政策参数", "节假日调整", "备用金", "帮扶资源", "操作日志"
    ]  # fmt: skip
    store2, supervisor = desk.as_user("supervisor")
    panel2 = AdminPanel(store2, supervisor)
    qtbot.addWidget(panel2)
    assert panel2.page_titles() == ["政策参数", "节假日调整", "备用金", "帮扶资源", "操作日志"]
    assert not panel2.policy.editable and not hasattr(panel2.policy, "add_button")
    assert panel2.policy.table.rowCount() == len(panel.policy.rows) > 0
    page = ReserveFundPage(*desk.as_user("clerk"))
    qtbot.addWidget(page)
    assert not hasattr(page, "deposit_button") and page.table.rowCount() > 0


def _plain(rich: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", rich))


def test_the_audit_page_names_the_first_broken_link(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from ui.admin.audit import AuditPage

    store, admin = desk.as_user("admin")
    page = AuditPage(store, admin)
    qtbot.addWidget(page)
    assert page.table.rowCount() == len(page.lines) > 0
    page.check_button.click()
    assert _plain(page.verdict.text()).startswith("操作日志完整")
    assert "登录" in [page.table.item(r, 4).text() for r in range(page.table.rowCount())]
    with store.sessions.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor_name = '某人' WHERE chain_seq = 3"))
    page.check_button.click()
    assert _plain(page.verdict.text()).startswith("操作日志第 3 条处断链：内容被修改")


def test_the_audit_page_names_a_policy_table_edited_behind_the_program(
    qtbot, desk, sync_ops
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from ui.admin.audit import AuditPage

    store, admin = desk.as_user("admin")
    page = AuditPage(store, admin)
    qtbot.addWidget(page)
    page.check_button.click()
    assert "政策参数与操作日志第" in page.verdict.text() and "<b " not in page.verdict.text()
    with store.sessions.engine.begin() as conn:
        conn.execute(text("UPDATE policy_rows SET value = '1' WHERE key = 'rounding.unit'"))
    page.check_button.click()
    chain_line, policy_line = page.verdict.text().split("<br>")
    assert chain_line.startswith("操作日志完整")  # the chain holds: shown plain
    assert policy_line.startswith("<b ") and "政策参数表被绕过本系统改动" in policy_line
