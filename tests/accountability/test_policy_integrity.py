"""The policy table is held to the audit chain: a row changed, added or removed with the
database key (outside every service) stops every amount from being computed and is named by
the administrator's check and the command; a change through the program keeps it whole; an
upgraded store records a new baseline at the next login."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import text

from desktop.demo_data import PASSWORDS
from desktop.domain.policy.integrity import DIGEST_FIELD, REVISION_FIELD
from desktop.errors import PolicyError
from desktop.services.accounts.audit_trail import verify_audit_trail
from desktop.services.payment.benefits import run_monthly_benefits
from desktop.services.policy.policy_admin import (
    PolicyRowInput,
    add_policy_row,
    invalidate_policy,
    list_policy_rows,
    load_policy,
)
from desktop.services.policy.policy_integrity import needs_baseline, verify_policy_table
from desktop.store.db import current_revision
from desktop.store.models import AuditEvent
from tests.support import Desk


def _raw(store, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.engine.begin() as conn:
        conn.execute(text(sql), params)
    invalidate_policy(store)  # what the next start of the program would see


def _standard_row(store, admin):  # type: ignore[no-untyped-def]
    rows = list_policy_rows(store, admin, key="dibao.standard")
    return next(r for r in rows if r.effective_to is None and r.district is None)


def test_a_working_desk_holds_and_a_program_change_keeps_it_whole(desk: Desk) -> None:
    store, admin = desk.as_user("admin")
    assert verify_policy_table(store, admin).ok
    row = _standard_row(store, admin)
    start = date(date.today().year + 1, 1, 1)
    add_policy_row(
        store, admin, PolicyRowInput("dibao.standard", "1500", start, source="市民政局文件")
    )
    check = verify_policy_table(store, admin)
    assert check.ok and check.recorded is not None and check.recorded.action == "add_policy_row"
    assert load_policy(store).value("dibao.standard", start) == 1500
    assert row.value != "1500"


@pytest.mark.parametrize(
    ("what", "sql"),
    [
        ("a value changed", "UPDATE policy_rows SET value = '9999' WHERE id = :id"),
        ("a row removed", "DELETE FROM policy_rows WHERE id = :id"),
        (
            "a row added",
            "INSERT INTO policy_rows (id, key, value, effective_from, district, source,"
            " created_at, changed_by) SELECT 'forged', key, '9999', '2099-01-01', district,"
            " source, created_at, changed_by FROM policy_rows WHERE id = :id",
        ),
    ],
)
def test_a_raw_edit_stops_every_amount_and_is_named(desk: Desk, what: str, sql: str) -> None:
    store, admin = desk.as_user("admin")
    supervisor_store, supervisor = desk.as_user("supervisor")
    row = _standard_row(store, admin)
    _raw(store, sql, id=row.id)
    check = verify_policy_table(store, admin)
    assert not check.ok, what
    assert "政策参数表被绕过本系统改动" in check.message()
    with pytest.raises(PolicyError, match="政策参数与操作日志不符"):
        load_policy(store)
    with pytest.raises(PolicyError, match="不能计算金额"):
        run_monthly_benefits(supervisor_store, supervisor, date.today().replace(day=1))
    report = verify_audit_trail(store, admin)
    assert report.chain.ok and not report.ok  # the chain holds; the table does not


def test_the_command_reports_the_table_and_fails(desk: Desk) -> None:
    store, admin = desk.as_user("admin")
    _raw(
        store,
        "UPDATE policy_rows SET value = '9999' WHERE id = :id",
        id=_standard_row(store, admin).id,
    )
    store.close()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "verify-audit", "--data-dir", str(desk.folder)]
        + ["--user", "admin", "--password-stdin"],
        input=PASSWORDS["admin"][2] + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "操作日志完整" in done.stdout
    assert "政策参数与操作日志不符" in done.stdout


def test_a_store_from_before_the_check_gets_its_baseline_at_the_first_login(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A store an earlier release made: a chain of events, none carrying a digest."""
    from desktop.services.accounts.auth import login
    from desktop.services.base import unit_of_work
    from desktop.services.policy.policy_integrity import check_table
    from desktop.store.keys import new_database_key
    from desktop.store.models import Office, User
    from desktop.store.store import Store
    from tests.support import TEST_KDF

    key = new_database_key()
    store = Store.create(tmp_path / "old", key)
    with store.sessions.write() as s:
        office = Office(
            code="120103001", name="河西区友谊路街道", district="河西区", region_code="120103"
        )
        s.add(office)
        s.flush()
        user = User(username="admin", display_name="管理员", role="admin", office_id=office.id)
        s.add(user)
        s.flush()
        office_id, user_id = office.id, user.id
    store.keyfile.wrap("admin", "Admin-Pass-2026", key, TEST_KDF)
    from desktop.services.base import Actor, Role

    old_admin = Actor(
        user_id, "admin", "管理员", Role.ADMIN, office_id, "120103001", "河西区友谊路街道"
    )
    with unit_of_work(store, old_admin) as uow:
        uow.audit("first_run", "office", office_id, "创建数据库（旧版本，无政策参数记录）")
    with store.sessions.read() as s:
        before = check_table(s)
    assert not before.ok and "日志中没有政策参数的记录" in before.message()
    store.close()
    invalidate_policy(store)
    store, admin = login(tmp_path / "old", "admin", "Admin-Pass-2026")
    try:
        assert verify_policy_table(store, admin).ok
        assert load_policy(store) is not None
        with store.sessions.read() as s:
            (baseline,) = s.query(AuditEvent).filter(AuditEvent.action == "policy_baseline")
        assert baseline.data[REVISION_FIELD] == current_revision(store.engine)
    finally:
        store.close()


def test_an_upgraded_store_records_a_baseline_once_at_login(desk: Desk) -> None:
    store, admin = desk.as_user("admin")
    revision = current_revision(store.engine)
    with store.sessions.read() as s:
        assert not needs_baseline(s, revision)
        assert needs_baseline(s, "an older revision")  # what a migration leaves behind

        def baselines() -> list[AuditEvent]:
            return list(
                s.query(AuditEvent)
                .filter(AuditEvent.action.in_(["first_run", "policy_baseline"]))
                .order_by(AuditEvent.chain_seq)
            )

        first = baselines()
    assert first and first[-1].data[REVISION_FIELD] == revision
    assert len(first[-1].data[DIGEST_FIELD]) == 64
    desk.as_user("clerk")  # an ordinary login on an unchanged store records nothing
    with store.sessions.read() as s:
        assert len(list(s.query(AuditEvent).filter(AuditEvent.action == "policy_baseline"))) == len(
            [e for e in first if e.action == "policy_baseline"]
        )
