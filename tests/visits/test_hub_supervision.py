"""区级督办 on the hub from its command line: an overdue visit problem escalates once, the
district lists it, and the month's figures count by office with a district total."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from sync.hub import accounts
from sync.hub.__main__ import main
from sync.hub.db import Database
from sync.hub.records import upsert_hub_records

A, C = "120103001", "120104003"


def _problem(pid: str, office: str, deadline: date, status: str) -> tuple[str, str, str, list[str]]:
    payload = {"id": pid, "office_code": office, "community": "平江社区", "category": "housing",
               "urgency": "normal", "status": status, "deadline": deadline.isoformat(),
               "found_on": date.today().isoformat(), "handler": "区住建委"}  # fmt: skip
    return ("visit_problem", pid, json.dumps(payload, ensure_ascii=False), [office])


def test_escalation_and_figures_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/hub.db"
    assert main(["migrate", "--db", url]) == 0
    database = Database(url)
    accounts.add_office(database, A, "河西区友谊路街道", "河西区")
    accounts.add_office(database, C, "南开区长虹街道", "南开区")
    late, soon = date.today() - timedelta(days=3), date.today() + timedelta(days=3)
    with database.write() as conn:
        upsert_hub_records(conn, [
            _problem("p-late", A, late, "assigned"),
            _problem("p-soon", A, soon, "assigned"),
            _problem("p-done", C, late, "handled"),  # handled in time: nothing to supervise
        ])  # fmt: skip
    assert main(["escalate-problems", "--db", url]) == 0
    assert "河西区：1个" in capsys.readouterr().out
    assert main(["escalate-problems", "--db", url]) == 0
    assert "没有新的逾期问题" in capsys.readouterr().out
    month = date.today().strftime("%Y-%m")
    assert main(["visit-stats", "--db", url, "--month", month, "--district", "河西区"]) == 0
    out = capsys.readouterr().out
    assert "河西区 河西区友谊路街道：走访0次 0户，发现问题2 办结0 督办1" in out
    assert "河西区 河西区合计" in out and "南开区 南开区长虹街道" in out
    assert "督办 河西区友谊路街道 平江社区 housing" in out
