"""Hub step 8 on a database that already holds the same person twice (the records two desks
pushed before the hub knew person identity): the earliest holds the ID number, and the next
push of the later one merges it, rewriting what refers to it."""

from __future__ import annotations

import json
import uuid

from sync.hub import accounts, db, migrations
from sync.hub.config import HubSettings
from sync.hub.server import HubThread
from sync.hub_client import new_change
from tests.sync.conftest import OFFICE_A, enrol

HOUSEHOLD = str(uuid.uuid4())
FIRST, LATER, INCOME = (str(uuid.uuid4()) for _ in range(3))


def _person(number: str) -> dict:
    return {"household_id": HOUSEHOLD, "name": "李秀英", "id_number": number, "relation": "spouse"}


def _store(conn, entity: str, rid: str, payload: dict) -> None:  # type: ignore[no-untyped-def]
    seq = db.next_seqs(conn, 1)
    conn.execute(
        db.records.insert().values(
            entity=entity, id=rid, rev=1, deleted=False, payload=json.dumps(payload),
            offices=json.dumps([OFFICE_A]), seq=seq, updated_at=0.0, updated_by=None,
        )
    )  # fmt: skip
    conn.execute(
        db.record_offices.insert().values(office_code=OFFICE_A, seq=seq, entity=entity, id=rid)
    )
    conn.execute(
        db.record_links.insert().values(
            parent_entity="household", parent_id=HOUSEHOLD, entity=entity, id=rid
        )
    )


def test_stored_duplicates_converge_on_the_next_push(hub_settings: HubSettings) -> None:
    old = db.Database(hub_settings.db_url)
    assert migrations.upgrade(old, target=6) == [1, 2, 3, 4, 5, 6]
    accounts.add_office(old, OFFICE_A, "河西区友谊路街道", "河西区")
    with old.write() as conn:
        _store(conn, "person", FIRST, _person("12010119850304102X"))
        _store(conn, "person", LATER, _person("12010119850304102x"))  # same number, lower x
        income = {"household_id": HOUSEHOLD, "person_id": LATER, "kind": "wage", "amount": "1"}
        _store(conn, "income_item", INCOME, income)
    old.dispose()

    with HubThread(hub_settings) as hub:  # starting the hub runs step 8
        with hub.app.state.database.read() as conn:
            held = conn.execute(db.person_ids.select()).all()
        assert [(r.id_number, r.person_id) for r in held] == [("12010119850304102X", FIRST)]
        api = enrol(hub, OFFICE_A)
        edit = {**_person("12010119850304102X"), "phone": "13900001111"}
        [result] = api.push([new_change("person", LATER, edit, [OFFICE_A], base_rev=1)])
        assert result.status == "applied" and str(result.merged_into) == FIRST
        page = {(str(r.id)): r for r in api.pull("0", 100).records}
        assert page[LATER].deleted and page[LATER].payload["merged_into"] == FIRST
        assert not page[FIRST].deleted
        assert (page[INCOME].rev, page[INCOME].payload["person_id"]) == (2, FIRST)
        # a reference to the merged person pushed later is rewritten as it arrives
        late = str(uuid.uuid4())
        api.push([new_change("income_item", late, {**income, "amount": "2"}, [OFFICE_A])])
        [rec] = [r for r in api.pull("0", 100).records if str(r.id) == late]
        assert rec.payload["person_id"] == FIRST
