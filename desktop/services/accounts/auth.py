"""First-run set-up, login, users and passwords (the password unwraps the database key)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from desktop.errors import (
    DuplicateError,
    NotFound,
    PermissionDenied,
    ValidationError,
    WrongKeyError,
)
from desktop.services.accounts.login_guard import LOCK_SECONDS, LoginGuard, wait_after
from desktop.services.base import (
    PROVIDER_ROLES,
    ROLE_LABELS,
    Actor,
    Role,
    Scope,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.policy.policy_integrity import baseline_data, record_baseline_if_needed
from desktop.store.db import current_revision
from desktop.store.keys import (
    DEFAULT_KDF,
    KdfParams,
    KeyFile,
    check_password_strength,
    new_database_key,
)
from desktop.store.models import Office, User
from desktop.store.paths import KEYFILE_NAME
from desktop.store.store import Store

_USERNAME = re.compile(r"^[a-z][a-z0-9_.]{2,39}$")


@dataclass(frozen=True)
class OfficeInput:
    """A street office as entered by an administrator."""

    code: str
    name: str
    district: str
    region_code: str
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class UserView:
    id: str
    username: str
    display_name: str
    role: Role
    office_id: str
    active: bool


def _validate_office(data: OfficeInput) -> OfficeInput:
    code = require_text(data.code, "街道代码", max_len=12)
    if not code.isdigit() or len(code) not in (9, 12):
        raise ValidationError("街道代码", "应为9位或12位数字（区划代码+街道序号）")
    region = require_text(data.region_code, "区县代码", max_len=6)
    if not (region.isdigit() and len(region) == 6 and code.startswith(region)):
        raise ValidationError("区县代码", "应为6位数字，且是街道代码的前6位")
    return OfficeInput(
        code=code,
        name=require_text(data.name, "街道名称", max_len=60),
        district=require_text(data.district, "所属区", max_len=20),
        region_code=region,
        phone=require_text(data.phone, "联系电话", max_len=30, required=False),
        address=require_text(data.address, "办公地址", max_len=120, required=False),
    )


def _validate_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise ValidationError("用户名", "须以字母开头，3–40位小写字母、数字、下划线或点")
    return name


def _actor(store: Store, user: User) -> Actor:
    with store.sessions.read() as s:
        office = s.get(Office, user.office_id)
        assert office is not None
        return Actor(
            user.id,
            user.username,
            user.display_name,
            Role(user.role),
            office.id,
            office.code,
            office.name,
        )


def first_run(
    data_dir: Path,
    *,
    office: OfficeInput,
    admin_username: str,
    admin_password: str,
    admin_display_name: str = "系统管理员",
    kdf: KdfParams = DEFAULT_KDF,
) -> tuple[Store, Actor]:
    """Create the encrypted store in an empty folder, its first office and the admin user."""
    office = _validate_office(office)
    username = _validate_username(admin_username)
    check_password_strength(admin_password)
    key = new_database_key()
    store = Store.create(data_dir, key)
    with store.sessions.write() as s:
        row = Office(**office.__dict__)
        s.add(row)
        s.flush()
        user = User(
            username=username,
            display_name=admin_display_name,
            role=Role.ADMIN.value,
            office_id=row.id,
        )
        s.add(user)
    store.keyfile.wrap(username, admin_password, key, kdf)
    actor = _actor(store, user)
    with unit_of_work(store, actor) as uow:
        uow.audit(
            "first_run",
            "office",
            row.id,
            f"创建数据库、街道“{office.name}”和管理员 {username}",
            baseline_data(uow.session, current_revision(store.engine)),
        )
    return store, actor


def login(
    data_dir: Path,
    username: str,
    password: str,
    *,
    clock: Callable[[], float] = time.time,
) -> tuple[Store, Actor]:
    """Unwrap the key with the password, open (and migrate) the store, return the actor.

    Wrong passwords in a row make the next try wait longer and then lock the name for a while
    (``LoginGuard``); an unknown name costs the same key derivation as a known one."""
    name = (username or "").strip().lower()
    if not password:
        raise ValidationError("密码", "不能为空", code="required")
    key = _check_password(data_dir, name, password, clock)
    store = Store.open(data_dir, key)
    with store.sessions.read() as s:
        user = s.scalars(select(User).where(User.username == name)).first()
    if user is None or not user.active:
        store.close()
        raise PermissionDenied("该用户已停用，请联系管理员")
    actor = _actor(store, user)
    with unit_of_work(store, actor) as uow:
        uow.audit("login", "user", user.id, f"{user.display_name} 登录")
    record_baseline_if_needed(store, actor)
    return store, actor


@service(scope=Scope.NONE("users of this desk, no family"), roles={Role.ADMIN}, changes={"users"})
def create_user(
    store: Store,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    office_id: str | None = None,
    kdf: KdfParams = DEFAULT_KDF,
) -> UserView:
    """Add a user; they get their own wrapped copy of the database key."""
    name = _validate_username(username)
    shown = require_text(display_name, "姓名", max_len=40)
    if role not in {r.value for r in Role}:
        raise ValidationError("角色", "取值无效（可选：" + "、".join(ROLE_LABELS.values()) + "）")
    check_password_strength(password)
    with unit_of_work(store, actor) as uow:
        if uow.session.scalars(select(User).where(User.username == name)).first():
            raise DuplicateError("用户名", f"“{name}”已存在")
        office = uow.session.get(Office, office_id or actor.office_id)
        if office is None:
            raise NotFound("所属街道不存在")
        user = User(username=name, display_name=shown, role=role, office_id=office.id)
        uow.session.add(user)
        uow.session.flush()
        uow.audit("create_user", "user", user.id, f"新增用户 {name}（{Role(role).label}）")
        store.keyfile.wrap(name, password, store._key, kdf)
    return UserView(user.id, name, shown, Role(role), office.id, True)


def _check_password(data_dir: Path, name: str, password: str, clock: Callable[[], float]) -> bytes:
    """The one password check of login and unlock: the lockout first, then the key file."""
    guard = LoginGuard(data_dir, clock)
    guard.check(name)
    try:
        key = KeyFile(data_dir / KEYFILE_NAME).unwrap(name, password)
    except WrongKeyError:
        failures = guard.failed(name)
        wait = wait_after(failures)
        if wait >= LOCK_SECONDS:
            raise WrongKeyError(
                f"用户名或密码错误；已连续输错 {failures} 次，账号临时锁定 {LOCK_SECONDS // 60} 分钟"
            ) from None
        if wait > 0:
            raise WrongKeyError(
                f"用户名或密码错误；已连续输错 {failures} 次，请 {int(wait)} 秒后再试"
            ) from None
        raise
    guard.succeeded(name)
    return key


@service(roles=PROVIDER_ROLES, scope=Scope.NONE("the actor's own password"))
def unlock(
    store: Store, actor: Actor, password: str, *, clock: Callable[[], float] = time.time
) -> None:
    """Unlock an idle-locked window: the same user's password, counted like a login."""
    if not password:
        raise ValidationError("密码", "不能为空", code="required")
    _check_password(store.keyfile.path.parent, actor.username, password, clock)
    with unit_of_work(store, actor) as uow:
        uow.audit("unlock", "user", actor.user_id, f"{actor.display_name} 解除锁屏")


@service(roles=PROVIDER_ROLES, scope=Scope.NONE("the actor's own password"))
def change_password(
    store: Store,
    actor: Actor,
    old_password: str,
    new_password: str,
    *,
    kdf: KdfParams = DEFAULT_KDF,
) -> None:
    """Re-wrap the database key under a new password; the database itself is not touched."""
    try:
        store.keyfile.unwrap(actor.username, old_password)
    except WrongKeyError:
        raise ValidationError("原密码", "不正确") from None
    check_password_strength(new_password)
    store.keyfile.wrap(actor.username, new_password, store._key, kdf)
    with unit_of_work(store, actor) as uow:
        uow.audit("change_password", "user", actor.user_id, f"{actor.display_name} 修改密码")


@service(scope=Scope.NONE("users of this desk, no family"), roles={Role.ADMIN}, changes={"users"})
def set_user_active(
    store: Store,
    actor: Actor,
    user_id: str,
    active: bool,
    password: str = "",
    *,
    kdf: KdfParams = DEFAULT_KDF,
) -> None:
    """Disable a user (their wrapped key is removed) or re-enable one with a new password."""
    if active:
        check_password_strength(password)
    with unit_of_work(store, actor) as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在")
        if user.id == actor.user_id and not active:
            raise ValidationError("状态", "不能停用当前登录的账号")
        user.active = active
        if active:
            store.keyfile.wrap(user.username, password, store._key, kdf)
        else:
            store.keyfile.remove(user.username)
        uow.audit(
            "set_user_active",
            "user",
            user.id,
            f"{'启用' if active else '停用'}用户 {user.username}",
        )


def list_users(store: Store) -> list[UserView]:
    with store.sessions.read() as s:
        rows = s.scalars(select(User).order_by(User.username)).all()
        return [
            UserView(u.id, u.username, u.display_name, Role(u.role), u.office_id, u.active)
            for u in rows
        ]


@service(
    scope=Scope.NONE("the office directory, no family"), roles={Role.ADMIN}, changes={"offices"}
)
def create_office(store: Store, actor: Actor, data: OfficeInput) -> str:
    """Add another street office (e.g. the registration office of a family living here)."""
    data = _validate_office(data)
    with unit_of_work(store, actor) as uow:
        if uow.session.scalars(select(Office).where(Office.code == data.code)).first():
            raise DuplicateError("街道代码", f"“{data.code}”已存在")
        office = Office(**data.__dict__)
        uow.record(office, action="create_office", summary=f"新增街道 {data.name}")
        return office.id
