"""工作台: every figure equals a direct SQL count over the same store copy; it refreshes on
changes; the grouped queries use the office indexes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import text

from desktop.services.dashboard.statistics import caseload, open_warning_count
from desktop.services.payment.reserve_fund import deposit_reserve_fund
from tests.ui_supervisor.conftest import add_warning
from ui import ops
from ui.dashboard import DashboardPanel
from ui.dashboard_parts import short_type, tiny_state

OFFICE_CASES = (
    "FROM applications WHERE deleted = 0 AND (residence_office_id = :o OR hukou_office_id = :o)"
)


def _sql(store, query: str, **params):  # type: ignore[no-untyped-def]
    with store.sessions.read() as s:
        return s.execute(text(query), params).all()


def test_dashboard_figures_match_the_store(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    add_warning(store, actor.office_code, "王芳", "120103198001011234")
    add_warning(store, "120104001", "李四", "120104198001011234")  # another office's
    today = date.today()
    panel = DashboardPanel(store, actor, today=today)
    qtbot.addWidget(panel)
    o = actor.office_id
    by_type = dict(_sql(store, f"SELECT assistance_type, count(*) {OFFICE_CASES} GROUP BY 1", o=o))
    by_state = dict(_sql(store, f"SELECT state, count(*) {OFFICE_CASES} GROUP BY 1", o=o))
    assert panel.cards["cases"].value.text() == str(sum(by_type.values())) != "0"
    segments = {label: value for label, value, _c in panel.type_chart.segments}
    assert segments == {short_type(k): n for k, n in by_type.items()}
    shown = dict(zip(panel.state_chart.categories, panel.state_chart.values, strict=True))
    assert shown == {tiny_state(k): n for k, n in by_state.items()}

    ((overdue, running, due_today),) = _sql(
        store,
        "SELECT sum(next_deadline < :t AND state != 'supplementing'), count(*), "
        f"sum(next_deadline = :t) {OFFICE_CASES} AND next_deadline IS NOT NULL",
        o=o, t=today.isoformat(),
    )  # fmt: skip
    assert panel.cards["overdue"].value.text() == str(overdue)
    assert panel.cards["open"].value.text() == str(running)
    assert panel.cards["today"].value.text() == str(due_today or 0)
    first = today.replace(day=1).isoformat()
    ((intake,),) = _sql(
        store, f"SELECT count(*) {OFFICE_CASES} AND applied_on BETWEEN :a AND :b",
        o=o, a=first, b=today.replace(day=28).isoformat()[:8] + "31",
    )  # fmt: skip
    assert panel.cards["intake"].value.text() == str(intake)
    ((fund,),) = _sql(
        store, "SELECT sum(amount) FROM reserve_fund_entries WHERE office_id = :o", o=o
    )
    assert panel.cards["fund"].value.text() == f"{Decimal(fund) / 100:,.2f} 元"
    assert panel.cards["warnings"].value.text() == "1"

    rows = panel.due_rows()
    nearest = _sql(
        store,
        f"SELECT number {OFFICE_CASES} AND next_deadline IS NOT NULL "
        "ORDER BY next_deadline, number LIMIT 15",
        o=o,
    )
    assert [r[-1] for r in rows] == [n for (n,) in nearest]
    assert rows[0][1].startswith("逾期"), "the most overdue case comes first, marked 逾期"


def test_dashboard_refreshes_on_changes_while_shown(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    panel = DashboardPanel(store, actor)
    qtbot.addWidget(panel)
    panel.show()
    before = panel.data.reserve.balance
    ops.run_op(panel, deposit_reserve_fund, store, actor, "2000", date.today(), "区民政局拨付")
    assert panel.data.reserve.balance == before + Decimal("2000.00")
    assert panel.data.reserve.latest[0].note == "区民政局拨付"
    assert panel.fund_table.item(0, 4).text() == "区民政局拨付"
    loads = panel.loads
    panel.hide()
    panel.show()
    assert panel.loads == loads + 1, "showing the tab reads the figures again"


def test_grouped_queries_use_the_office_indexes(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    from sqlalchemy import func, select

    from desktop.services.dashboard.statistics import _office_cases
    from desktop.store.models import Application

    u = _office_cases(actor.office_id, Application.assistance_type, Application.state)
    stmt = select(u.c.assistance_type, func.count()).group_by(u.c.assistance_type)
    with store.sessions.read() as s:
        compiled = stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r[-1]) for r in s.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "SCAN applications" not in plan and "INDEX" in plan
    other = caseload(store, "no-such-office")
    assert other.total == 0 and open_warning_count(store, actor.office_id) == 0
