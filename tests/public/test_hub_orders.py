"""12345 work orders loaded on the hub reach the responsible office's desk as requests with
the channel's reply deadline; a bad file loads nothing; loading twice adds nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.services.outreach.service_requests import answer_request, list_requests
from sync.hub import db
from sync.hub import requests as hub_requests
from sync.hub.__main__ import main
from sync.hub.monitoring import WarningFileError
from sync.hub.server import HubThread
from tests.sync_client.conftest import Linked, desk_b, link, office_b_template  # noqa: F401

HEADER = "order_no,channel,office_code,caller_name,phone,need,received_on,urgency\n"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_work_orders_reach_the_office_and_answers_go_back(
    desk_a: Linked, hub: HubThread, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "GD20261102001,12345,120103001,王先生,13900001111,询问低保申请条件,2026-11-02,normal",
        "GD20261102002,12345,120103002,李女士,13900002222,临时救助,2026-11-02,urgent",
    )
    database = hub.app.state.database
    assert hub_requests.load_orders(database, path) == (2, 2)
    desk_a.sync()
    (order,) = list_requests(desk_a.store, "120103001")
    assert order.reference == "GD20261102001" and order.channel_label == "12345"
    assert order.reply_due == date(2026, 11, 5) and order.status_label == "待受理"
    answer_request(
        desk_a.store, desk_a.clerk, order.id, "已电话告知申请条件", "answered", date(2026, 11, 3)
    )
    desk_a.sync()
    with database.read() as conn:
        stored = conn.execute(
            select(db.records.c.payload).where(db.records.c.entity == "service_request")
        ).scalars()
        statuses = sorted(json.loads(p)["status"] for p in stored)
    assert statuses == ["closed", "open"], "the answer reached the hub"
    assert hub_requests.load_orders(database, path) == (2, 0), "the answered order is kept"
    desk_a.sync()
    (kept,) = list_requests(desk_a.store, "120103001")
    assert kept.status_label == "已办结" and kept.reply == "已电话告知申请条件"


def test_a_bad_file_loads_nothing(hub: HubThread, tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path,
        "GD1,12345,120103001,王先生,139,询问,2026-11-02,normal",
        "GD2,fax,999999999,,139,,2026-13-02,soon",
    )
    with pytest.raises(WarningFileError) as err:
        hub_requests.load_orders(hub.app.state.database, path)
    assert any("第3行：渠道" in p for p in err.value.problems)
    assert any("第3行：受理日期" in p for p in err.value.problems)
    assert main(["load-requests", "--db", hub.settings.db_url, str(path)]) == 2
    assert "错误" in capsys.readouterr().err


def test_each_office_receives_only_its_own_requests(
    desk_a: Linked,
    desk_b,  # noqa: F811 - the imported fixture
    hub: HubThread,
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "GD3,12345,120103001,王先生,13900001111,询问低保,2026-11-02,normal",
        "GD4,portal,120103002,李女士,13900002222,询问特困,2026-11-02,normal",
    )
    hub_requests.load_orders(hub.app.state.database, path)
    b = link(desk_b, hub, "120103002")
    desk_a.sync()
    b.sync()
    assert [r.reference for r in list_requests(desk_a.store, "120103001")] == ["GD3"]
    assert [r.reference for r in list_requests(b.store, "120103002")] == ["GD4"]
    assert list_requests(b.store, "120103001") == [], "office A's request never reached B"
