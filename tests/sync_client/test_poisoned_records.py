"""Poisoned records (finding 1, 4): the hub refuses records that break their entity's schema
or speak for another office; a desk quarantines any such record it still receives, applies
the rest of the page, keeps syncing, and writes nothing outside its data folder."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.demo_data import PASSWORDS
from sync.apply import QUARANTINE
from sync.hub import db as hubdb
from sync.hub.records import upsert_hub_records
from sync.state import get_many
from tests.sync_client.conftest import OFFICE_A, OFFICE_B
from tests.sync_client.helpers import household, new_household
from tests.sync_client.test_refusals_and_cli import _run_main


def _hub_payload(hub, entity: str, rid: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    t = hubdb.records.c
    with hub.app.state.database.read() as conn:
        text = conn.execute(select(t.payload).where(t.entity == entity, t.id == rid)).scalar_one()
    return dict(json.loads(text))


def _poisons(home: dict[str, Any], hid: str) -> list[tuple[str, dict[str, Any]]]:
    """(entity, payload): a 70-bit integer, a list in a text column, money "lots", a path."""
    return [
        ("household", {**home, "note": 2**70}),
        ("household", {**home, "address": ["紫金山路", "12号"]}),
        ("income_item", {"household_id": hid, "kind": "wage", "month": "2026-01-01",
                         "amount": "lots", "note": ""}),
        ("document", {"household_id": hid, "kind": "id_card", "title": "身份证",
                      "sha256": "../../../../evil", "file_name": "a.jpg", "size": 3}),
    ]  # fmt: skip


def _b_with_household(desk_b, linker, hub):  # type: ignore[no-untyped-def]
    b = linker(desk_b, OFFICE_B)
    hid = new_household(b, OFFICE_B, OFFICE_A, "120101198505052312")
    assert b.sync().ok
    return b, hid, _hub_payload(hub, "household", hid)


def _change(entity: str, payload: dict[str, Any], offices: list[str]) -> dict[str, Any]:
    return {
        "change_id": str(uuid.uuid4()),
        "entity": entity,
        "id": str(uuid.uuid4()),
        "base_rev": None,
        "op": "upsert",
        "payload": payload,
        "offices": offices,
    }


def test_hub_refuses_records_that_break_their_schema(desk_b, linker, hub, capsys) -> None:
    b, hid, home = _b_with_household(desk_b, linker, hub)
    for entity, payload in _poisons(home, hid):
        body = json.dumps({"v": 1, "changes": [_change(entity, payload, [OFFICE_B, OFFICE_A])]})
        answer = json.loads(b.client.api._push_body(body.encode(), None))
        (result,) = answer["results"]
        assert result["status"] == "rejected", (entity, result)
        assert result["reason"] == "invalid_payload" and "字段" in result["message"]
    # the hub's admin lists what it refused, with the reasons
    from sync.hub.__main__ import main as hub_main

    capsys.readouterr()
    assert hub_main(["rejected", "--db", hub.settings.db_url]) == 0
    listed = capsys.readouterr().out
    assert "共4条被拒收的记录" in listed and "sha256" in listed and "金额" in listed


def test_an_office_speaks_only_for_itself_in_audit_events(desk_b, linker, hub) -> None:
    b = linker(desk_b, OFFICE_B)
    claim = {"at": "2026-11-30T10:00:00", "actor_name": "王主任", "role": "supervisor",
             "office_code": OFFICE_A, "action": "approve", "entity": "application",
             "entity_id": str(uuid.uuid4()), "summary": "审批通过", "data": {}}  # fmt: skip
    (result,) = b.client.api.push_wire([_change("audit_event", claim, [OFFICE_B, OFFICE_A])])
    assert result["status"] == "rejected" and result["reason"] == "out_of_scope"
    own = {**claim, "office_code": OFFICE_B}
    (result,) = b.client.api.push_wire([_change("audit_event", own, [OFFICE_B])])
    assert result["status"] == "applied"


def test_desk_quarantines_poisoned_records_and_keeps_syncing(
    qtbot, desk, desk_b, linker, hub, tmp_path: Path
) -> None:
    b, hid, home = _b_with_household(desk_b, linker, hub)
    # records a hub without these checks accepted from office B, scoped to B and A
    planted = [
        (entity, str(uuid.uuid4()), json.dumps(payload), [OFFICE_B, OFFICE_A])
        for entity, payload in _poisons(home, hid)
    ]
    with hub.app.state.database.write() as conn:
        assert upsert_hub_records(conn, planted) == len(planted)
    good = new_household(b, OFFICE_B, OFFICE_A, "120101199001011239")
    assert b.sync().ok

    a = linker(desk, OFFICE_A)
    summary = a.sync()
    assert summary.errors == [], summary.errors
    assert len(summary.quarantined) == len(planted)
    assert household(a.store, hid) is not None and household(a.store, good) is not None
    stored = json.loads(get_many(a.store, [QUARANTINE])[QUARANTINE])
    assert {q["id"] for q in stored} == {rid for _e, rid, _p, _o in planted}
    assert all(q["reason"] for q in stored)
    assert not list(tmp_path.parent.rglob("evil*")), "nothing is written outside the data folder"
    again = a.sync()
    assert again.ok and not again.quarantined, again.text()

    _panel_shows_quarantine(a, len(planted))
    a.store.close()
    done = _run_main(desk.folder, PASSWORDS["clerk"][2])
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "同步完成" in done.stdout


def test_schema_file_is_in_step_with_the_desk_tables() -> None:
    from sync.codecs import entity_schema
    from sync.schema import SCHEMA_FILE

    assert json.loads(SCHEMA_FILE.read_text("utf-8")) == entity_schema(), (
        "regenerate sync/entity_schema.json from sync.codecs.entity_schema()"
    )


def _panel_shows_quarantine(a, count: int) -> None:  # type: ignore[no-untyped-def]
    """The 同步 tab lists the quarantined records with their reasons (real widgets)."""
    from ui import ops
    from ui.sync_panel import SyncController, SyncPanel

    ops.set_synchronous(True)
    try:
        panel = SyncPanel(a.store, a.admin, SyncController(a.store))
        assert f"{count} 条" in panel.quarantine_label.text()
        assert panel.quarantine.rowCount() == count
        reasons = {panel.quarantine.item(r, 3).text() for r in range(count)}
        assert any("sha256" in r for r in reasons) and any("金额" in r for r in reasons)
        panel.deleteLater()
    finally:
        ops.set_synchronous(False)
