"""The hub upgrades an existing database in place, keeping its data."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from sync.api import HubApi
from sync.http import HttpClient
from sync.hub import accounts, db, migrations
from sync.hub.config import HubSettings
from sync.hub.server import HubThread
from tests.sync.conftest import FAST_RETRY, OFFICE_A

RID = "7d1c1f7e-0b0e-4f43-9a55-6a1f7f0b2c11"


def test_version_1_database_with_data_upgrades_in_place(hub_settings: HubSettings) -> None:
    old = db.Database(hub_settings.db_url)
    assert migrations.upgrade(old, target=1) == [1]
    accounts.add_office(old, OFFICE_A, "河西区友谊路街道", "河西区")
    with old.write() as conn:
        seq = db.next_seqs(conn, 1)
        conn.execute(
            db.records.insert().values(
                entity="application",
                id=RID,
                rev=4,
                deleted=False,
                payload=json.dumps({"applicant": "李建国"}),
                offices=json.dumps([OFFICE_A]),
                seq=seq,
                updated_at=0.0,
                updated_by=None,
            )
        )
        conn.execute(
            db.record_offices.insert().values(
                office_code=OFFICE_A, seq=seq, entity="application", id=RID
            )
        )
    code = accounts.create_enrolment(old, OFFICE_A, hub_settings)
    old.dispose()

    with HubThread(hub_settings) as hub:  # starting the hub upgrades the schema
        database = hub.app.state.database
        assert migrations.current_version(database) == migrations.HEAD == 4
        api = HubApi(hub.base_url, http=HttpClient(FAST_RETRY))
        api.register(OFFICE_A, code, "升级后的终端")
        [rec] = api.pull("0", 10).records
        assert (str(rec.id), rec.rev, rec.payload) == (RID, 4, {"applicant": "李建国"})
        sha = api.upload_attachment(b"scan after upgrade")  # a table added by step 2
        assert api.attachment_status(sha).complete
        with database.read() as conn:
            assert conn.execute(select(func.count()).select_from(db.offices)).scalar() == 1
    again = db.Database(hub_settings.db_url)
    assert migrations.upgrade(again) == []
    again.dispose()
