"""The encrypted store: unreadable without the key, wrong passwords and damaged files refused
without touching the file, password changes re-wrap the key only."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.errors import DamagedStoreError, PermissionDenied, ValidationError, WrongKeyError
from desktop.services.accounts.auth import (
    change_password,
    create_user,
    list_users,
    login,
    set_user_active,
)
from desktop.store.models import Person
from desktop.store.paths import DB_NAME
from tests.support import TEST_KDF, Desk


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_plain_sqlite_cannot_read_the_database(desk: Desk) -> None:
    conn = sqlite3.connect(desk.folder / DB_NAME)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT count(*) FROM persons").fetchall()
    conn.close()
    raw = (desk.folder / DB_NAME).read_bytes()
    assert b"SQLite format 3" not in raw[:100]


def test_names_are_not_in_the_file_in_clear(clerk) -> None:  # type: ignore[no-untyped-def]
    store, _ = clerk
    with store.sessions.read() as s:
        name = s.scalars(select(Person.name)).first()
    store.close()
    assert name and name.encode("utf-8") not in (store.path).read_bytes()


def test_wrong_password_is_refused_and_file_untouched(desk: Desk) -> None:
    before = _digest(desk.folder / DB_NAME)
    with pytest.raises(WrongKeyError, match="用户名或密码错误"):
        login(desk.folder, "clerk", "Wrong2026!")
    with pytest.raises(WrongKeyError):
        login(desk.folder, "nobody", "Clerk2026!")
    assert _digest(desk.folder / DB_NAME) == before


def test_damaged_file_is_refused_and_left_as_it_was(desk: Desk) -> None:
    path = desk.folder / DB_NAME
    data = bytearray(path.read_bytes())
    data[0:4096] = b"\x00" * 4096
    path.write_bytes(bytes(data))
    before = _digest(path)
    with pytest.raises((WrongKeyError, DamagedStoreError)) as err:
        login(desk.folder, "clerk", "Clerk2026!")
    assert "文件未被修改" in err.value.message
    assert _digest(path) == before


def test_missing_database_file_is_a_clear_error(desk: Desk) -> None:
    (desk.folder / DB_NAME).unlink()
    with pytest.raises(DamagedStoreError, match="找不到数据库文件"):
        login(desk.folder, "clerk", "Clerk2026!")


def test_change_password_rewraps_the_key_only(desk: Desk) -> None:
    store, actor = desk.as_user("clerk")
    with pytest.raises(ValidationError, match="原密码"):
        change_password(store, actor, "bad", "NewPass2026", kdf=TEST_KDF)
    with pytest.raises(ValidationError, match="至少8位"):
        change_password(store, actor, "Clerk2026!", "short1", kdf=TEST_KDF)
    change_password(store, actor, "Clerk2026!", "NewPass2026", kdf=TEST_KDF)
    store.close()
    with pytest.raises(WrongKeyError):
        login(desk.folder, "clerk", "Clerk2026!")
    again, _ = login(desk.folder, "clerk", "NewPass2026")
    with again.sessions.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) > 0
    again.close()


def test_admin_adds_a_user_who_can_log_in_and_disabled_users_cannot(desk: Desk) -> None:
    store, admin = desk.as_user("admin")
    user = create_user(
        store,
        admin,
        username="chen.li",
        display_name="陈丽",
        role="clerk",
        password="Window2026",
        kdf=TEST_KDF,
    )
    s2, actor = login(desk.folder, "chen.li", "Window2026")
    assert actor.display_name == "陈丽" and actor.office_code == admin.office_code
    s2.close()
    set_user_active(store, admin, user.id, False)
    with pytest.raises((WrongKeyError, PermissionDenied)):
        login(desk.folder, "chen.li", "Window2026")


def test_only_admin_manages_users(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    with pytest.raises(PermissionDenied, match="窗口受理员无权"):
        create_user(
            store,
            actor,
            username="x.y",
            display_name="某某",
            role="clerk",
            password="Window2026",
            kdf=TEST_KDF,
        )


def test_attachments_are_encrypted_on_disk(clerk) -> None:  # type: ignore[no-untyped-def]
    store, _ = clerk
    secret = "低保申请书 张三丰 120101199001011239".encode() * 20
    sha = store.attachments.put(secret)
    files = list((store.data_dir / "attachments").rglob(sha))
    assert len(files) == 1 and secret[:40] not in files[0].read_bytes()
    assert store.attachments.get(sha) == secret


def test_a_disabled_user_is_re_enabled_with_a_new_password(desk: Desk) -> None:
    store, admin = desk.as_user("admin")
    user = next(u for u in list_users(store) if u.username == "coordinator")
    set_user_active(store, admin, user.id, False)
    with pytest.raises(ValidationError, match="至少8位"):
        set_user_active(store, admin, user.id, True, "short")
    set_user_active(store, admin, user.id, True, "Again2026x", kdf=TEST_KDF)
    s2, actor = login(desk.folder, "coordinator", "Again2026x")
    assert actor.role.value == "coordinator"
    s2.close()
