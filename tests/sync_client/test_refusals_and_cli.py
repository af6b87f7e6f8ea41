"""Refusals are recorded per entry in Chinese; the headless ``main.py --sync`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from desktop.demo_data import PASSWORDS
from desktop.store.models import Household, OutboxEntry
from sync.admin import list_outbox, sync_status
from sync.state import TOKEN, put_many
from tests.sync_client.conftest import OFFICE_A, OFFICE_B, OFFICE_C
from tests.sync_client.helpers import household, new_household, office_id

ROOT = Path(__file__).resolve().parents[2]


def _foreign_household(a, office: str, id_number: str) -> str:  # type: ignore[no-untyped-def]
    """A household queued as belonging to another office only. The services refuse to make
    one (一城通办 office rule), so it is registered in scope and then re-addressed in the
    store, as a desk of an older version or a tampered file could have queued it."""
    hid = new_household(a, OFFICE_A, OFFICE_A, id_number)
    other = office_id(a.store, office)
    with a.store.sessions.write() as s:
        row = s.get(Household, hid)
        assert row is not None
        row.residence_office_id = row.hukou_office_id = other
        for entry in s.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending")):
            if entry.entity in ("household", "person") and hid in (
                entry.entity_id,
                (entry.payload or {}).get("household_id"),
            ):
                entry.offices = [office]
                if entry.entity == "household":
                    entry.payload = {
                        **entry.payload,
                        "residence_office_id": other,
                        "hukou_office_id": other,
                    }
    return hid


def test_out_of_scope_record_is_quarantined_and_blocks_nothing(desk, linker) -> None:
    a = linker(desk, OFFICE_A)
    foreign = _foreign_household(a, OFFICE_C, "120101199001011239")
    ours = new_household(a, OFFICE_A, OFFICE_B, "120101198505052312")
    summary = a.sync()
    assert summary.rejected >= 2 and summary.applied >= 2  # household + person each way
    rejected = list_outbox(a.store, ("rejected",))
    assert {v.entity_id for v in rejected if v.entity == "household"} == {foreign}
    assert all("不属于本街道" in v.reason for v in rejected)
    assert rejected[0].state_label == "被拒绝"
    # the refused household stays visible locally (quarantined), the other one went through
    kept, sent = household(a.store, foreign), household(a.store, ours)
    assert kept is not None and kept.dirty and kept.rev == 0
    assert sent is not None and not sent.dirty and sent.rev == 1
    assert a.sync().pushed == 0, "a rejected entry is not sent again and again"


def test_wrong_token_is_recorded_and_nothing_is_lost(desk, linker) -> None:
    a = linker(desk, OFFICE_A)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    put_many(a.store, {TOKEN: "wrong-token"})
    a.client.api.token = "wrong-token"
    summary = a.sync()
    assert not summary.ok and "令牌无效" in summary.errors[0]
    with a.store.sessions.read() as s:
        entries = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == hid)).all()
        assert entries and all(e.state == "pending" for e in entries)
        assert all("令牌无效" in e.last_error for e in entries)
    status = sync_status(a.store)
    assert status.last_ok is False and "令牌无效" in status.last_text and status.unsynced > 0


def _run_main(data: Path, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIUZHU_PASSWORD": password}
    return subprocess.run(
        [
            sys.executable,
            "main.py",
            "--data-dir",
            str(data),
            "--sync",
            "--user",
            "clerk",
            "--attempts",
            "2",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_headless_sync_command(desk, desk_b, linker, hub) -> None:
    a = linker(desk, OFFICE_A)
    b = linker(desk_b, OFFICE_B)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    a.store.close()
    done = _run_main(desk.folder, PASSWORDS["clerk"][2])
    assert done.returncode == 0, done.stderr
    assert "同步完成" in done.stdout and "被拒 0" in done.stdout
    assert b.sync().pulled >= 2 and household(b.store, hid) is not None

    wrong = _run_main(desk.folder, "not-the-password")
    assert wrong.returncode != 0 and "登录失败" in wrong.stderr
    hub.stop()
    offline = _run_main(desk.folder, PASSWORDS["clerk"][2])
    assert offline.returncode == 1 and "无法连接市级平台" in offline.stderr
