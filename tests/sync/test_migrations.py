"""The hub upgrades an existing database in place, keeping its data."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from sync.hub import accounts, db, migrations
from sync.hub.config import HubSettings
from sync.hub.server import HubThread
from sync.hub_client import HubApi
from sync.transport import HttpClient
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
        assert migrations.current_version(database) == migrations.HEAD == 14
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


def test_version_3_database_gets_device_codes_case_numbers_and_links(
    hub_settings: HubSettings,
) -> None:
    """A hub of the previous release: devices without a number code, cases already held."""
    old = db.Database(hub_settings.db_url)
    assert migrations.upgrade(old, target=3) == [1, 2, 3]
    with old.write() as conn:  # the devices table as release 3 made it
        conn.exec_driver_sql("DROP INDEX ux_hub_devices_number_code")
        conn.exec_driver_sql("ALTER TABLE hub_devices DROP COLUMN number_code")
    accounts.add_office(old, OFFICE_A, "河西区友谊路街道", "河西区")
    code = accounts.create_enrolment(old, OFFICE_A, hub_settings)
    with old.write() as conn:
        first = db.next_seqs(conn, 3)
        for n, (entity, rid, payload) in enumerate(
            [
                ("application", RID, {"number": "120103001-2026-00044"}),
                ("application", RID.replace("11", "22"), {"number": "120103001-2026-00044"}),
                ("document", RID.replace("11", "33"), {"application_id": RID}),
            ]
        ):
            conn.execute(
                db.records.insert().values(
                    entity=entity, id=rid, rev=1, deleted=False, payload=json.dumps(payload),
                    offices=json.dumps([OFFICE_A]), seq=first + n, updated_at=0.0,
                    updated_by=None,
                )
            )  # fmt: skip
    old.dispose()
    with HubThread(hub_settings) as hub:
        api = HubApi(hub.base_url, http=HttpClient(FAST_RETRY))
        api.register(OFFICE_A, code, "升级后的终端")
        assert api.registration is not None and api.registration.device_code == "AAA"
        lease = api.lease_numbers(2026, 10)
        assert (lease.first, lease.last) == (45, 54)  # above the number already held
        with hub.app.state.database.read() as conn:
            held = conn.execute(select(db.case_numbers.c.application_id)).scalars().all()
            links = conn.execute(select(db.record_links.c.parent_id)).scalars().all()
        assert held == [RID] and links == [RID]  # the older case keeps its number


def test_version_11_feed_rows_get_the_compact_evidence_warnings_are_built_from(
    hub_settings: HubSettings,
) -> None:
    """Releases before step 11 stored the evidence with ``json.dumps`` (spaces); step 13
    rewrites it compact, so a warning built in SQL from it is the one Python builds."""
    from sync.hub import compare
    from sync.hub.feeds import load_kinds
    from sync.hub.feeds.tables import feed_rows, registry, warnings
    from sync.hub.records import dumps

    old = db.Database(hub_settings.db_url)
    assert migrations.upgrade(old, target=11) == list(range(1, 12))
    accounts.add_office(old, OFFICE_A, "河西区友谊路街道", "河西区")
    person = "120101199001011239"
    cells = [
        {"公民身份号码": person, "姓名": "张三丰", "登记日期": "2026-10-08", "车辆类型": "货车"},
        {"公民身份号码": person, "姓名": 'a": b', "登记日期": "2026-10-09", "车辆类型": "货车"},
        {"公民身份号码": person, "姓名": "李\n", "登记日期": "2026-10-10", "车辆类型": "货车"},
    ]
    stored = [json.dumps(cells[0], ensure_ascii=False), dumps(cells[1]),
              json.dumps(cells[2], ensure_ascii=False)]  # fmt: skip
    with old.write() as conn:
        conn.execute(registry.insert().values(
            id_number=person, category="dibao", source="金民", name="张三丰", household_key="h",
            office_code=OFFICE_A, residence_office=OFFICE_A, community="", valid_from="2020-01-01",
            valid_to=None, assisted=True, household_size=1))  # fmt: skip
        for n, (cell, data) in enumerate(zip(cells, stored, strict=True)):
            conn.execute(feed_rows.insert().values(
                row_key=f"{n}" * 40, kind="vehicle", id_number=person, name=cell["姓名"],
                event_date=cell["登记日期"], code="货车", amount=None, data=data,
                file_sha="0" * 64, line=n + 2))  # fmt: skip
    assert stored[0] != dumps(cells[0])  # the old form
    assert migrations.upgrade(old) == [12, 13, 14]
    with old.read() as conn:
        data = conn.execute(select(feed_rows.c.data).order_by(feed_rows.c.row_key)).scalars()
        assert list(data) == [dumps(c) for c in cells]
    compare.run(old, feeds=["vehicle"])
    kinds = load_kinds()
    with old.read() as conn:
        made = conn.execute(select(warnings, feed_rows.c.event_date, feed_rows.c.code,
                                   feed_rows.c.amount, feed_rows.c.data, feed_rows.c.line)
                            .join(feed_rows, feed_rows.c.row_key == warnings.c.row_key)
                            ).mappings().all()  # fmt: skip
        payloads = dict(conn.execute(select(db.records.c.id, db.records.c.payload)).all())
    assert len(made) == 3
    for row in made:
        expected = compare.warning_payload(dict(row), dict(row), "", kinds)
        assert payloads[row["id"]] == dumps(expected)
    old.dispose()


def test_version_13_city_policy_gets_the_chinese_source_notes(hub_settings: HubSettings) -> None:
    """A city table loaded from an export of the old defaults (English notes): step 14 gives
    each seeded note its Chinese one, leaves the bureau's own sources and every value alone."""
    from dataclasses import replace

    from desktop.domain.policy.defaults import DEFAULT_POLICY_ROWS
    from desktop.domain.policy.legacy_sources import LEGACY_SOURCES
    from desktop.domain.policy.tables import PolicyRow
    from sync.hub import city_policy

    english = {new: old for old, new in LEGACY_SOURCES.items()}
    loaded = [
        PolicyRow(r.key, r.value, r.effective_from, r.effective_to, r.district, english[r.source])
        for r in DEFAULT_POLICY_ROWS
    ]
    loaded[0] = replace(loaded[0], source="津民发〔2025〕12号")
    old = db.Database(hub_settings.db_url)
    assert migrations.upgrade(old, target=13) == list(range(1, 14))
    city_policy.load(old, loaded)
    assert migrations.upgrade(old) == [14]
    upgraded = city_policy.stored_rows(old)
    old.dispose()
    key = lambda r: (r.key, r.effective_from, r.district)  # noqa: E731
    assert sorted(upgraded, key=key) == sorted([loaded[0], *DEFAULT_POLICY_ROWS[1:]], key=key)
