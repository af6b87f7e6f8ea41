"""诉求登记 at the desk: reply deadlines per channel from the policy rows, answering, the
overdue count on the dashboard, monthly statistics by channel and outcome (xlsx), the panel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from desktop.errors import PermissionDenied, ValidationError
from desktop.services.dashboard.statistics import dashboard_data
from desktop.services.outreach.service_requests import (
    RequestInput,
    answer_request,
    export_request_stats_xlsx,
    list_requests,
    log_request,
    monthly_request_stats,
    overdue_requests,
)
from desktop.store.models import OutboxEntry

MONDAY = date(2026, 11, 2)


def call(channel: str = "12345", **more: object) -> RequestInput:
    fields: dict = {
        "channel": channel,
        "caller_name": "王大妈",
        "phone": "13812345678",
        "need": "老伴住院，问能不能申请临时救助",
        "received_on": MONDAY,
    }
    fields.update(more)
    return RequestInput(**fields)


def test_reply_deadline_follows_the_channel_and_the_policy_rows(clerk, admin) -> None:
    store, actor = clerk
    hotline = log_request(store, actor, call("12345"))
    visit = log_request(store, actor, call("visit"))
    assert hotline.reply_due == date(2026, 11, 5), "3 working days for 12345"
    assert visit.reply_due == date(2026, 11, 9), "5 working days for a visit (over a weekend)"
    # a new row with an effective date changes the deadline of requests received from then on
    with store.sessions.write() as s:
        s.execute(
            text(
                "UPDATE policy_rows SET effective_to = '2026-10-31' "
                "WHERE key = 'request.reply_days.12345' AND effective_to IS NULL"
            )
        )
        s.execute(
            text(
                "INSERT INTO policy_rows (id, key, value, effective_from, effective_to, district,"
                " source, created_at, changed_by) VALUES ('r1', 'request.reply_days.12345', '1',"
                " '2026-11-01', NULL, NULL, 'test', CURRENT_TIMESTAMP, 'test')"
            )
        )
    assert log_request(store, actor, call("12345")).reply_due == date(2026, 11, 3)
    assert log_request(store, actor, call("12345", received_on=date(2026, 10, 9))).reply_due == (
        date(2026, 10, 13)
    ), "under the old row: 3 working days from Fri 9 Oct (Sat 10 Oct is a make-up workday)"


def test_logged_request_is_queued_for_its_office_and_bad_input_refused(clerk) -> None:
    store, actor = clerk
    view = log_request(store, actor, call())
    with store.sessions.read() as s:
        entry = s.query(OutboxEntry).filter(OutboxEntry.entity_id == view.id).one()
        assert entry.entity == "service_request" and entry.offices == [actor.office_code]
    with pytest.raises(ValidationError) as err:
        log_request(store, actor, call(need=" "))
    assert err.value.field == "诉求内容"
    with pytest.raises(ValidationError) as err:
        log_request(store, actor, call(channel="fax"))
    assert err.value.field == "来源渠道"
    assert len(list_requests(store, actor.office_code)) == 1


def test_answered_request_closes_and_overdue_ones_reach_the_dashboard(clerk, admin) -> None:
    store, actor = clerk
    late = log_request(store, actor, call())
    answered = log_request(store, actor, call("hotline"))
    closed = answer_request(
        store, actor, answered.id, "已告知临时救助申请条件和所需材料", "answered", MONDAY
    )
    assert closed.status_label == "已办结" and closed.outcome_label == "已答复"
    with pytest.raises(ValidationError):
        answer_request(store, actor, answered.id, "再次答复", "answered", MONDAY)
    today = date(2026, 11, 10)
    assert [r.id for r in overdue_requests(store, actor.office_code, today)] == [late.id]
    store_a, admin_actor = admin
    assert dashboard_data(store_a, admin_actor.office_id, today).overdue_requests == 1


def test_coordinators_cannot_log_requests(desk) -> None:
    store, coordinator = desk.as_user("coordinator")
    with pytest.raises(PermissionDenied):
        log_request(store, coordinator, call())


def test_monthly_statistics_by_channel_and_outcome_in_excel(clerk, tmp_path: Path) -> None:
    store, actor = clerk
    for channel in ("12345", "12345", "hotline", "visit"):
        log_request(store, actor, call(channel))
    first = list_requests(store, actor.office_code)[0]
    answer_request(store, actor, first.id, "不属于社会救助，已转区人社局", "referred", MONDAY)
    log_request(store, actor, call("12345", received_on=date(2026, 12, 1)))  # next month
    stats = monthly_request_stats(store, actor.office_code, MONDAY)
    assert stats.total == 4 and stats.by_channel == {"12345": 2, "hotline": 1, "visit": 1}
    assert stats.by_outcome == {"pending": 3, "referred": 1}
    path = export_request_stats_xlsx(store, actor.office_code, MONDAY, tmp_path / "s.xlsx")
    ws = load_workbook(path).active
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert sum(rows["12345"][:4]) + rows["12345"][4] == 2 and rows["12345"][5] == 2
    assert rows["合计"][5] == 4


def test_a_store_from_before_requests_gets_the_table_and_the_reply_rows(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from desktop.store.db import make_engine, migrate
    from desktop.store.keys import new_database_key

    path = tmp_path / "old.db"
    engine = make_engine(path, new_database_key())
    migrate(engine, path, target="0010")
    assert "service_requests" not in inspect(engine).get_table_names()
    migrate(engine, path)
    assert "service_requests" in inspect(engine).get_table_names()
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT key, value, effective_from FROM policy_rows "
                "WHERE key LIKE 'request.reply_days.%' ORDER BY key, effective_from"
            )
        ).all()
    assert len(rows) == 16, "8 channels × the 2 default periods, each once"
    assert ("request.reply_days.12345", "3") in {(k, v) for k, v, _d in rows}
    assert ("request.reply_days.visit", "5") in {(k, v) for k, v, _d in rows}
    engine.dispose()
