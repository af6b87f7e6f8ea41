"""Migration 0003 upgrades a store with data; demo cases are consistent with the machine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import inspect, select, text

from desktop.demo import generate, office_rows
from desktop.domain.workflow import replay
from desktop.services.cases.case_codec import event_from_row, snapshot_from_json
from desktop.store.db import current_revision, head_revision, make_engine, migrate
from desktop.store.keys import new_database_key
from desktop.store.models import Application
from desktop.store.workflow_models import CaseEvent


def test_store_at_0002_with_data_upgrades_through_0003(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path, new_database_key())
    migrate(engine, path, target="0002")
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, phone, address) VALUES ('o1', 0, 1, 0, '120103001', '友谊路街道', '河西区', '120103', '', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO households (id, rev, dirty, deleted, residence_office_id, hukou_office_id, community, address, hukou_address, phone, address_key, note) VALUES ('h1', 0, 1, 0, 'o1', 'o1', '', '紫金山路1号', '', '', '', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO persons (id, rev, dirty, deleted, household_id, name, name_pinyin, name_initials, id_number, sex, birth_date, relation, is_member, non_member_reason, phone, disability_type, illness_class, work_capacity, student_level, employment, lives_with_family) VALUES ('p1', 0, 1, 0, 'h1', '张三丰', 'zhangsanfeng', 'zsf', '120101199001011239', 'M', '1990-01-01', 'applicant', 1, '', '', '', '', 'full', '', '', 1)"
            )
        )
        c.execute(
            text(
                "INSERT INTO applications (id, rev, dirty, deleted, number, household_id, applicant_id, assistance_type, state, channel, filed_at_office_id, residence_office_id, hukou_office_id, applied_on, proxy_name, proxy_authorised, staff_relative, reason, next_deadline, deadline_step, workflow) VALUES ('a1', 0, 1, 0, '120103001-2026-00001', 'h1', 'p1', 'dibao', 'new', 'window', 'o1', 'o1', 'o1', '2026-09-01', '', 0, 0, '', NULL, '', '{}')"
            )
        )
    assert migrate(engine, path) is not None
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"case_events", "home_surveys", "calendar_overrides", "reserve_fund_entries"} <= tables
    with engine.connect() as c:
        row = c.execute(text("SELECT number, version, deadline_owner FROM applications")).one()
    assert tuple(row) == ("120103001-2026-00001", 0, "")
    engine.dispose()  # fmt: skip


def test_demo_cases_replay_to_their_stored_snapshots() -> None:
    offices = [{"id": str(i), **o} for i, o in enumerate(office_rows())]
    data = generate(11, 150, offices, today=date(2026, 11, 29))
    events: dict[str, list[dict]] = {}
    for e in data["case_events"]:
        events.setdefault(e["application_id"], []).append(e)
    states = set()
    for app in data["applications"]:
        rows = sorted(events[app["id"]], key=lambda r: r["seq"])
        rebuilt = replay(
            event_from_row(r["action"], r["label"], r["from_state"], r["to_state"], r["role"], r["office_code"], r["side"], r["on"], r["data"])
            for r in rows
        )  # fmt: skip
        stored = snapshot_from_json(app["workflow"])
        assert rebuilt.state.value == app["state"] == stored.state.value
        assert rebuilt.last_action_on == stored.last_action_on <= date(2026, 11, 29)
        assert app["version"] == len(rows) and rows[0]["on"] == app["applied_on"]
        states.add(app["state"])
    assert {"new", "investigating", "paying", "in_notice"} <= states
    with_deadline = [a for a in data["applications"] if a["next_deadline"]]
    assert any(a["next_deadline"] < date(2026, 11, 29) for a in with_deadline)
    assert any(a["next_deadline"] >= date(2026, 11, 29) for a in with_deadline)


def test_demo_store_has_events_for_every_case(desk) -> None:  # type: ignore[no-untyped-def]
    store, _ = desk.as_user("clerk")
    with store.sessions.read() as s:
        apps = s.scalars(select(Application)).all()
        counted = dict(
            s.execute(
                text("SELECT application_id, count(*) FROM case_events GROUP BY application_id")
            ).all()
        )
        assert s.scalar(select(CaseEvent.at).limit(1)) is not None
    assert apps and all(counted.get(a.id) == a.version for a in apps)
    assert all("case_id" in a.workflow for a in apps)  # fmt: skip
