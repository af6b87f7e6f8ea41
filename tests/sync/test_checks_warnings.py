"""Other municipal systems through the hub: economic-check reports and monitoring warnings."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from sync.hub import checks, monitoring
from sync.hub.config import HubSettings
from sync.hub.monitoring import WarningFileError
from sync.hub_client import HubApi, new_change
from sync.protocol import CheckReportPayload
from tests.sync.conftest import OFFICE_A, OFFICE_B, OFFICE_C, enrol, start_hub

MEMBERS = [
    {"name": "张红梅", "id_number": "120103198503121234", "relation": "本人"},
    {"name": "王小雨", "id_number": "120103201005140045", "relation": "子女"},
]
SAMPLE = Path(__file__).resolve().parents[2] / "sync" / "hub" / "samples" / "warnings.csv"
ROOT = Path(__file__).resolve().parents[2]


def _reports(api: HubApi) -> list[CheckReportPayload]:
    return [
        CheckReportPayload.model_validate(r.payload)
        for r in api.pull("0", 100).records
        if r.entity == "check_report"
    ]


def test_check_request_produces_a_report_in_the_same_scope(
    client_for: Callable[[str], HubApi],
) -> None:
    a, b, c = client_for(OFFICE_A), client_for(OFFICE_B), client_for(OFFICE_C)
    request_id = uuid.uuid4()
    result = a.request_check(MEMBERS, [OFFICE_A, OFFICE_B], request_id=request_id)
    assert result.status == "applied"
    [report] = _reports(a)
    assert report.request_id == request_id
    assert [m.name for m in report.members] == ["张红梅", "王小雨"]
    sources = [i.source for i in report.members[0].items]
    assert sources == ["公安户籍", "人社就业/社保", "不动产", "车辆", "银行存款", "工商", "公积金"]
    deposit = next(i for i in report.members[0].items if i.source == "银行存款")
    assert deposit.amount is not None and Decimal(deposit.amount) >= 0
    assert len(_reports(b)) == 1 and _reports(c) == []


def test_report_amounts_are_deterministic_per_id_number(
    client_for: Callable[[str], HubApi],
) -> None:
    a = client_for(OFFICE_A)
    a.request_check(MEMBERS[:1], [OFFICE_A])
    a.request_check([{"name": "张红梅", "id_number": MEMBERS[0]["id_number"]}], [OFFICE_A])
    first, second = _reports(a)
    assert first.members[0].items == second.members[0].items


def test_invalid_check_request_is_rejected(client_for: Callable[[str], HubApi]) -> None:
    a = client_for(OFFICE_A)
    bad = {"members": [{"name": "张三", "id_number": "12345"}]}
    [r] = a.push([new_change("check_request", uuid.uuid4(), bad, [OFFICE_A])])
    assert (
        r.status == "rejected" and r.reason == "invalid_payload" and "核对申请" in (r.message or "")
    )
    assert a.pull("0", 10).records == []


def test_delayed_report_appears_only_when_due(hub_settings: HubSettings) -> None:
    hub = start_hub(replace(hub_settings, check_delay_s=3600))
    try:
        a = enrol(hub, OFFICE_A)
        a.request_check(MEMBERS, [OFFICE_A])
        assert _reports(a) == []
        assert checks.run_due(hub.app.state.database, now=time.time() + 3601) == 1
        assert len(_reports(a)) == 1
    finally:
        hub.stop()


def test_warnings_csv_reaches_the_named_office_only(
    client_for: Callable[[str], HubApi], hub
) -> None:  # type: ignore[no-untyped-def]
    a, b, c = client_for(OFFICE_A), client_for(OFFICE_B), client_for(OFFICE_C)
    assert monitoring.load_warnings(hub.app.state.database, SAMPLE) == (5, 5)
    assert monitoring.load_warnings(hub.app.state.database, SAMPLE) == (
        5,
        0,
    )  # reloading adds nothing
    names = {
        api: sorted(r.payload["name"] for r in api.pull("0", 100).records) for api in (a, b, c)
    }
    assert names[a] == ["张红梅", "李建国"]
    assert names[b] == ["王小雨", "王海燕"]
    assert names[c] == ["赵立军"]
    rec = next(r for r in a.pull("0", 100).records if r.payload["name"] == "张红梅")
    assert rec.entity == "warning" and rec.payload["warning_type"] == "收入变化"


def test_bad_warnings_file_loads_nothing(
    hub, tmp_path: Path, client_for: Callable[[str], HubApi]
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "w.csv"
    bad.write_text(
        "office_code,id_number,name,warning_type,detail,date\n"
        "120103001,120103198503121234,张红梅,收入变化,工资上涨,2026-10-15\n"
        "120103001,120103198503121234,张红梅,心情变化,无,2026-13-01\n",
        encoding="utf-8",
    )
    with pytest.raises(WarningFileError) as exc:
        monitoring.load_warnings(hub.app.state.database, bad)
    assert any("第3行" in p and "预警类型" in p for p in exc.value.problems)
    assert any("日期" in p for p in exc.value.problems)
    assert client_for(OFFICE_A).pull("0", 10).records == []


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sync.hub", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_admin_commands_create_office_code_and_load_warnings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/admin.db"
    made = _cli(
        "add-office",
        "--db",
        url,
        "--code",
        "120103001",
        "--name",
        "河西区友谊路街道",
        "--district",
        "河西区",
    )
    assert made.returncode == 0 and "河西区友谊路街道" in made.stdout
    code = _cli("enrol", "--db", url, "--office", "120103001")
    assert code.returncode == 0 and len(code.stdout.strip()) == 14
    refused = _cli("load-warnings", "--db", url, str(SAMPLE))
    assert refused.returncode == 2 and "未登记" in refused.stderr
    missing = _cli("enrol", "--db", url, "--office", "999999999")
    assert missing.returncode == 2 and "不存在" in missing.stderr
