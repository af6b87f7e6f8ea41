"""The audit trail is a hash chain: a raw UPDATE, DELETE or INSERT in ``audit_events`` (made
with the database key, outside every service) is found, and the first broken link named."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from desktop.demo_data import PASSWORDS
from desktop.services.accounts.audit_trail import verify_audit_trail
from desktop.services.family.households import get_household
from desktop.store.audit_log import check_chain
from desktop.store.models import Household
from tests.support import Desk


def _middle(store) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with store.sessions.engine.connect() as conn:
        head = conn.execute(text("SELECT max(chain_seq) FROM audit_events")).scalar_one()
        seq = head // 2
        row_id = conn.execute(
            text("SELECT id FROM audit_events WHERE chain_seq = :s"), {"s": seq}
        ).scalar_one()
    return seq, row_id


def _raw(store, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    with store.sessions.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_the_chain_of_a_working_desk_holds(desk: Desk) -> None:
    store, clerk = desk.as_user("clerk")
    with store.sessions.read() as s:
        household_id = (
            s.query(Household.id).filter(Household.residence_office_id == clerk.office_id).first()
        )[0]  # type: ignore[index]
    get_household(store, clerk, household_id)  # a read of a full file is a link too
    report = check_chain(store)
    assert report.ok, report.message()
    assert report.checked >= 7 and report.head_seq == report.checked
    with store.sessions.engine.connect() as conn:
        last = conn.execute(
            text("SELECT action FROM audit_events ORDER BY chain_seq DESC LIMIT 1")
        ).scalar_one()
    assert last == "read_household"


def test_a_raw_update_is_found_at_its_link(desk: Desk) -> None:
    store, _ = desk.as_user("admin")
    seq, row_id = _middle(store)
    _raw(store, "UPDATE audit_events SET summary = '无事' WHERE id = :i", i=row_id)
    report = check_chain(store)
    assert not report.ok and report.broken_seq == seq and report.broken_id == row_id
    assert "内容被修改" in report.message()


def test_a_raw_delete_is_found(desk: Desk) -> None:
    store, _ = desk.as_user("admin")
    seq, row_id = _middle(store)
    _raw(store, "DELETE FROM audit_events WHERE id = :i", i=row_id)
    report = check_chain(store)
    assert not report.ok and report.broken_seq == seq
    assert f"缺少第 {seq} 条" in report.message()


def test_a_forged_insert_is_found(desk: Desk) -> None:
    store, actor = desk.as_user("admin")
    _raw(
        store,
        "INSERT INTO audit_events (id, at, user_id, actor_name, role, office_id, action, entity,"
        " entity_id, summary, data, prev_hash, hash) VALUES ('forged', '2026-01-01 08:00:00',"
        " :u, '系统管理员', 'admin', :o, 'login', 'user', :u, '登录', '{}', '', '')",
        u=actor.user_id,
        o=actor.office_id,
    )
    report = check_chain(store)
    assert not report.ok and report.broken_id == "forged"


def test_a_forged_link_with_a_guessed_number_is_found(desk: Desk) -> None:
    store, actor = desk.as_user("admin")
    with store.sessions.engine.connect() as conn:
        head, last_hash = conn.execute(
            text("SELECT chain_seq, hash FROM audit_events ORDER BY chain_seq DESC LIMIT 1")
        ).one()
    _raw(
        store,
        "INSERT INTO audit_events (id, at, user_id, actor_name, role, office_id, action, entity,"
        " entity_id, summary, data, chain_seq, prev_hash, hash) VALUES ('forged', "
        "'2026-01-01 08:00:00', :u, 'x', 'admin', :o, 'login', 'user', :u, '登录', '{}', :s, :p,"
        " 'f00d')",
        u=actor.user_id,
        o=actor.office_id,
        s=head + 1,
        p=last_hash,
    )
    report = check_chain(store)
    assert not report.ok and report.broken_seq == head + 1


def test_the_screen_service_and_the_command_report_the_same(desk: Desk) -> None:
    store, admin = desk.as_user("admin")
    assert verify_audit_trail(store, admin).ok
    seq, row_id = _middle(store)
    _raw(store, "UPDATE audit_events SET data = '{\"x\": 1}' WHERE id = :i", i=row_id)
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
    assert f"第 {seq} 条处断链：内容被修改" in done.stdout
