"""The deadline summary and the counts by owner read from the trigger-kept counts (migration
0021) equal those counted over the cases themselves, on the demo store, after workflow steps, calendar changes,
deletions, office moves, raw upserts such as a sync pull writes, and after an upgrade."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select, text, update

from desktop.services.cases.deadlines import (
    deadline_summary,
    deadline_summary_plain,
    due_list,
    due_list_plain,
    recompute_deadlines,
)
from desktop.services.cases.workflow import accept_application, add_calendar_override, get_case
from desktop.services.dashboard.statistics import deadlines_by_owner, deadlines_by_owner_plain
from desktop.store.db import make_engine, migrate
from desktop.store.keys import new_database_key
from desktop.store.models import Application, Office
from desktop.store.paths import DB_NAME
from desktop.store.store import Store
from tests.workflow_store.conftest import Offices, new_application

D = date
TODAYS = (D(2026, 9, 1), D(2026, 11, 29), D(2026, 12, 15), D(2027, 3, 1))


def _assert_same(store: Store) -> int:
    """Kept and recounted summaries agree for every office and several days; returns the
    number of open deadlines seen (so a test cannot pass on an empty store)."""
    with store.sessions.read() as s:
        offices = s.scalars(select(Office.id)).all()
    seen = 0
    for office in offices:
        for today in TODAYS:
            kept = deadline_summary(store, office, today)
            assert kept == deadline_summary_plain(store, office, today), (office, today)
            owners = deadlines_by_owner(store, office, today)
            assert owners == deadlines_by_owner_plain(store, office, today), (office, today)
            assert sum(v[0] for v in owners.values()) == kept.total
            seen += kept.total
    return seen


def test_kept_counts_equal_the_recount_through_every_kind_of_change(offices: Offices) -> None:
    o = offices
    assert _assert_same(o.store) > 0, "the demo store has open deadlines"
    # Workflow steps (services): new cases on both sides, one accepted (documents missing,
    # so it is paused: 补正材料).
    first = new_application(o, "dibao", D(2026, 9, 1))
    new_application(o, "tekun", D(2026, 9, 2), split=False)
    accept_application(o.store, o.clerk, first, D(2026, 9, 1), get_case(o.store, first).version)
    assert get_case(o.store, first).state == "supplementing"
    _assert_same(o.store)
    # A calendar override moves stored deadlines (recompute writes next_deadline).
    add_calendar_override(o.store, o.admin, D(2026, 12, 1), "holiday", "测试")
    _assert_same(o.store)
    with o.store.sessions.write() as s:
        ids = s.scalars(
            select(Application.id).where(Application.next_deadline.is_not(None)).limit(6)
        ).all()
        assert len(ids) == 6
        # Deleted, moved to another office, a changed step, cleared, paused by hand.
        s.execute(update(Application).where(Application.id == ids[0]).values(deleted=True))
        s.execute(
            update(Application)
            .where(Application.id == ids[1])
            .values(hukou_office_id=o.hukou_office_id)
        )
        s.execute(
            update(Application)
            .where(Application.id == ids[2])
            .values(
                deadline_step="定期核查",
                deadline_owner="hukou:supervisor",
                next_deadline=D(2026, 11, 29),
            )
        )
        s.execute(update(Application).where(Application.id == ids[3]).values(next_deadline=None))
        s.execute(update(Application).where(Application.id == ids[4]).values(state="supplementing"))
        recompute_deadlines(s, o.clerk.office_id, D(2026, 11, 29))
    _assert_same(o.store)
    with o.store.sessions.write() as s:
        conn = s.connection()
        # A pulled row written over a local one (the sync client's upsert), a row undeleted,
        # and a row removed outright.
        conn.exec_driver_sql(
            "INSERT INTO applications SELECT * FROM applications WHERE id = ? "
            "ON CONFLICT(id) DO UPDATE SET next_deadline = ?, residence_office_id = ?",
            (ids[5], (D(2026, 11, 29) + timedelta(days=3)).isoformat(), o.hukou_office_id),
        )
        conn.exec_driver_sql("UPDATE applications SET deleted = 0 WHERE id = ?", (ids[0],))
        for child in ("case_events", "documents", "home_surveys"):  # all that refers to a case
            conn.exec_driver_sql(f"DELETE FROM {child} WHERE application_id = ?", (ids[3],))
        conn.exec_driver_sql("DELETE FROM applications WHERE id = ?", (ids[3],))
    _assert_same(o.store)
    with o.store.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM deadline_counts WHERE n <= 0")).scalar() == 0


def test_an_upgraded_store_starts_with_counts_of_its_existing_cases(tmp_path: Path) -> None:
    """Counts filled from the existing rows at the upgrade (a store at 0019, the revision before, with cases)."""
    path = tmp_path / "d" / DB_NAME
    path.parent.mkdir()
    key = new_database_key()
    engine = make_engine(path, key)
    migrate(engine, path, target="0019")
    with engine.begin() as c:
        c.exec_driver_sql(
            "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, "
            "phone, address) VALUES ('o1', 0, 0, 0, '120103001', '友谊路街道', '河西区', "
            "'120103', '', ''), ('o2', 0, 0, 0, '120101001', '劝业场街道', '和平区', "
            "'120101', '', '')"
        )
        c.exec_driver_sql(
            "INSERT INTO households (id, rev, dirty, deleted, residence_office_id, "
            "hukou_office_id, community, address, hukou_address, phone, address_key, note) "
            "VALUES ('h', 0, 0, 0, 'o1', 'o1', '', '紫金山路1号', '', '', '', '')"
        )
        c.exec_driver_sql(
            "INSERT INTO persons (id, rev, dirty, deleted, household_id, name, name_pinyin, "
            "name_initials, id_number, sex, birth_date, relation, is_member, non_member_reason, "
            "phone, disability_type, illness_class, work_capacity, student_level, employment, "
            "lives_with_family) VALUES ('p', 0, 0, 0, 'h', '张三丰', 'zhangsanfeng', 'zsf', "
            "'120101199001011239', 'M', '1990-01-01', 'applicant', 1, '', '', '', '', 'full', "
            "'', '', 1)"
        )
        rows = [
            ("a1", "o1", "o1", "2026-11-20", "审核确认", "hukou_review", 0),
            ("a2", "o1", "o2", "2026-11-29", "审核确认", "hukou_review", 0),
            ("a3", "o2", "o1", "2026-12-05", "补正材料", "supplementing", 0),
            ("a4", "o1", "o1", "2026-12-05", "补正材料", "supplementing", 1),
        ]
        for app_id, res, huk, due, step, state, deleted in rows:
            c.exec_driver_sql(
                "INSERT INTO applications (id, rev, dirty, deleted, number, household_id, "
                "applicant_id, assistance_type, state, channel, filed_at_office_id, "
                "residence_office_id, hukou_office_id, applied_on, proxy_name, "
                "proxy_authorised, staff_relative, reason, next_deadline, deadline_step, "
                "workflow) VALUES (?, 1, 0, ?, ?, 'h', 'p', 'dibao', ?, 'window', ?, ?, ?, "
                "'2026-10-01', '', 0, 0, '', ?, ?, '{}')",
                (app_id, deleted, f"N-{app_id}", state, res, res, huk, due, step),
            )
    migrate(engine, path)
    engine.dispose()
    store = Store.open(path.parent, key)
    try:
        o1 = deadline_summary(store, "o1", D(2026, 11, 29))
        assert (o1.total, o1.overdue, o1.due_today) == (3, 1, 1)
        assert o1.by_step == {"审核确认": (2, 1), "补正材料": (1, 0)}
        o2 = deadline_summary(store, "o2", D(2026, 11, 29))
        assert (o2.total, o2.overdue, o2.due_today) == (2, 0, 1)
        assert _assert_same(store) == (3 + 2) * len(TODAYS)
    finally:
        store.close()


def test_the_due_list_read_as_tuples_equals_the_orm_list(offices: Offices) -> None:
    """``due_list`` (one SQL statement over covering indexes, due days counted once) gives
    exactly the rows of ``due_list_plain`` (ORM, row by row): every office, several days, a
    window, a page, and an office calendar with an override."""
    o = offices
    new_application(o, "dibao", D(2026, 9, 1))
    add_calendar_override(o.store, o.admin, D(2026, 12, 1), "holiday", "测试")
    with o.store.sessions.read() as s:
        office_ids = s.scalars(select(Office.id)).all()
    seen = 0
    for office in office_ids:
        for today in TODAYS:
            for within, limit in ((None, None), (14, None), (None, 100), (30, 7)):
                fast = due_list(o.store, office, today, within, limit)
                assert fast == due_list_plain(o.store, office, today, within, limit)
                seen += len(fast)
    assert seen > 0 and any(i.overdue for i in due_list(o.store, o.clerk.office_id, TODAYS[1]))
