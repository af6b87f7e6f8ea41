"""Economic checks and monitoring warnings travel through the hub into local tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.errors import ValidationError
from desktop.services.outreach.warnings import (
    dispose_warning,
    list_check_reports,
    list_warnings,
    request_economic_check,
)
from desktop.store.models import OutboxEntry
from sync.hub import monitoring
from tests.sync_client.conftest import OFFICE_A, OFFICE_B
from tests.sync_client.helpers import new_household, office_id

SAMPLE = Path(__file__).resolve().parents[2] / "sync" / "hub" / "samples" / "warnings.csv"


def test_economic_check_request_comes_back_as_a_report(desk, desk_b, linker) -> None:
    a = linker(desk, OFFICE_A)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    req = request_economic_check(a.store, a.clerk, hid)
    assert req.member_count == 1
    with a.store.sessions.read() as s:
        entry = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == req.id)).one()
        assert entry.entity == "check_request" and sorted(entry.offices) == [OFFICE_A, OFFICE_B]
        assert entry.payload["members"][0]["id_number"] == "120101199001011239"
    assert list_check_reports(a.store, hid) == []
    assert a.sync().ok
    [report] = list_check_reports(a.store, hid)
    assert report.request_id == req.id
    [member] = report.members
    assert member["name"] == "张三丰"
    assert {i["source"] for i in member["items"]} >= {"公安户籍", "银行存款", "不动产"}
    # the registration office receives the same report
    b = linker(desk_b, OFFICE_B)
    b.sync()
    assert [r.id for r in list_check_reports(b.store, hid)] == [report.id]


def test_warnings_are_listed_disposed_and_synced_back(desk, second_desk, linker, hub) -> None:
    monitoring.load_warnings(hub.app.state.database, SAMPLE)
    a = linker(desk, OFFICE_A)
    assert a.sync().ok
    office = office_id(a.store, OFFICE_A)
    open_ = list_warnings(a.store, office, "open")
    assert open_ and all(w.office_code == OFFICE_A for w in open_)
    assert list_warnings(a.store, office, "disposed") == []
    first = open_[0]
    with pytest.raises(ValidationError) as bad:
        dispose_warning(a.store, a.clerk, first.id, "王调查", "核实收入", "raise_pay")
    assert "处置方式" in str(bad.value)
    done = dispose_warning(
        a.store, a.clerk, first.id, "王调查", "入户核实：工资收入确有增加", "no_anomaly"
    )
    assert done.status == "disposed" and done.disposal_label == "无异常"
    assert [w.id for w in list_warnings(a.store, office, "disposed")] == [first.id]
    sent = a.sync()
    assert sent.ok and sent.rejected == 0
    # another laptop of the office sees the warning as disposed, with the finding
    other = linker(second_desk, OFFICE_A)
    other.sync()
    theirs = office_id(other.store, OFFICE_A)
    [seen] = [w for w in list_warnings(other.store, theirs) if w.id == first.id]
    assert seen.status == "disposed" and seen.finding == "入户核实：工资收入确有增加"
    assert seen.checked_by == "王调查"
