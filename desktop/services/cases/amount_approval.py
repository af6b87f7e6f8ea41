"""The confirmed-amount rule of 审核确认: the amount is the stored calculation (资格测算), and a
different amount needs a written basis and a second approver who proves who they are with
their own password on this desk (works offline; the password is never stored)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select, text

from desktop.errors import WorkflowError, WrongKeyError
from desktop.services.base import Role, UnitOfWork
from desktop.store.keys import KeyFile
from desktop.store.models import Application, User

APPROVER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
_CREDENTIALS = ("approver_username", "approver_password")


def calculated_amount(app: Application) -> Decimal:
    """The monthly amount of the application's last assessment; WorkflowError when there is
    none, or when its economic-check findings are still open (待核实)."""
    summary = app.assessment or {}
    if summary.get("amount") in (None, ""):
        raise WorkflowError("救助金额：尚未核算，请先在“资格测算”中核算救助金额")
    pending = [f["text"] for f in summary.get("check", {}).get("findings", []) if f.get("open")]
    if pending:
        raise WorkflowError("核对报告与申报不一致，待核实：" + "；".join(pending))
    try:
        return Decimal(str(summary["amount"])).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise WorkflowError("救助金额：核算结果无效，请重新核算") from None


def _approver(uow: UnitOfWork, keyfile: KeyFile, username: str, password: str) -> str:
    """The verified second approver as "姓名（用户名）"."""
    name = (username or "").strip().lower()
    if not name or not password:
        raise WorkflowError("第二审核人：请输入另一名审核负责人或管理员的用户名和密码")
    if name == uow.actor.username:
        raise WorkflowError("第二审核人：不能由确认人本人复核，须另一名审核负责人或管理员")
    user = uow.session.scalars(select(User).where(User.username == name)).first()
    if user is None or not user.active or Role(user.role) not in APPROVER_ROLES:
        raise WorkflowError("第二审核人：该用户不是在职的审核负责人或管理员")
    if user.office_id != uow.actor.office_id:
        raise WorkflowError("第二审核人：须为作出确认决定的本街道人员")
    try:
        keyfile.unwrap(name, password)
    except WrongKeyError:
        raise WorkflowError("第二审核人：用户名或密码错误") from None
    return f"{user.display_name}（{user.username}）"


def confirm_params(
    uow: UnitOfWork, keyfile: KeyFile, app: Application, params: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The confirm step's parameters with the calculated amount added and the second
    approver's credentials replaced by the verified name (only when the amount differs)."""
    given = {k: v for k, v in (params or {}).items() if k not in _CREDENTIALS}
    given.pop("amount_approved_by", None)  # only a verified approver may be named
    calculated = calculated_amount(app)
    given["calculated_amount"] = str(calculated)
    raw = given.get("amount")
    try:
        differs = (
            raw not in (None, "") and Decimal(str(raw)).quantize(Decimal("0.01")) != calculated
        )
    except InvalidOperation:
        differs = False  # the step itself names the bad amount
    if differs:
        basis = str(given.get("amount_basis") or "").strip()
        if not basis:
            raise WorkflowError(
                f"救助金额：确认金额{raw}元与核算金额{calculated}元不一致，须写明理由"
            )
        creds = params or {}
        given["amount_approved_by"] = _approver(
            uow,
            keyfile,
            str(creds.get("approver_username") or ""),
            str(creds.get("approver_password") or ""),
        )
    else:
        given.pop("amount_basis", None)
    return given


def record_deviation_baseline(uow: UnitOfWork, app: Application, deviates: bool) -> None:
    """Keep the family's facts revision a confirmed deviation rests on (the monthly run keeps
    the approved amount while it is unchanged); a confirmation at the calculation has none."""
    params = {"a": app.id, "h": app.household_id}
    if deviates:
        uow.session.execute(
            text(
                "INSERT OR REPLACE INTO deviation_facts (application_id, facts_rev) "
                "SELECT :a, facts_rev FROM households WHERE id = :h"
            ),
            params,
        )
    else:
        uow.session.execute(text("DELETE FROM deviation_facts WHERE application_id = :a"), params)
