"""惠民政策菜单: policies of every department as data, imported from a documented xlsx
(docs/support.md), edited by the administrator with audit, and matched to a family with the
reason each criterion holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from desktop.domain.support.facts import Criterion, FamilyFacts, match, parse_criterion
from desktop.errors import NotFound, ValidationError
from desktop.services.base import (
    ALL_ROLES,
    Actor,
    Change,
    Role,
    Scope,
    UnitOfWork,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.family.household_facts import household_facts
from desktop.services.support.common import live_household, paid_assistance, require_date
from desktop.store.store import Store
from desktop.store.support_models import SupportPolicy

EDITORS = {Role.ADMIN}
POLICY_SHEET, CRITERIA_SHEET = "政策", "条件"
POLICY_COLUMNS = ("部门", "政策名称", "享受内容", "所需材料", "联系方式", "生效日期", "失效日期")
CRITERIA_COLUMNS = ("政策名称", "家庭信息", "比较", "取值")


@dataclass(frozen=True)
class PolicyInput:
    """A policy as typed or read from the xlsx; criteria are (fact, op, value) rows."""

    department: str
    name: str
    benefit: str = ""
    materials: str = ""
    contact: str = ""
    valid_from: object = None
    valid_to: object = None
    criteria: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class PolicyView:
    id: str
    department: str
    name: str
    benefit: str
    materials: str
    contact: str
    valid_from: date
    valid_to: date | None
    criteria: tuple[Criterion, ...]

    @property
    def criteria_text(self) -> str:
        return "；".join(f"{c.fact}{c.op}{c.value}" for c in self.criteria) or "（无条件）"

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class PolicyMatch:
    """A policy the family may use, with the reason for each criterion."""

    policy: PolicyView
    reasons: tuple[str, ...] = field(default=())


def _view(p: SupportPolicy) -> PolicyView:
    return PolicyView(
        p.id, p.department, p.name, p.benefit, p.materials, p.contact, p.valid_from,
        p.valid_to, tuple(Criterion(**c) for c in p.criteria),
    )  # fmt: skip


def _clean(data: PolicyInput, where: str = "") -> tuple[dict[str, Any], list[Criterion]]:
    start = require_date(data.valid_from, f"{where}生效日期")
    end = None
    if data.valid_to not in (None, ""):
        end = require_date(data.valid_to, f"{where}失效日期")
        if end < start:
            raise ValidationError(f"{where}失效日期", "不能早于生效日期")
    values = {
        "department": require_text(data.department, f"{where}部门", max_len=40),
        "name": require_text(data.name, f"{where}政策名称", max_len=80),
        "benefit": require_text(data.benefit, f"{where}享受内容", max_len=1000, multiline=True),
        "materials": require_text(
            data.materials, f"{where}所需材料", max_len=1000, required=False, multiline=True
        ),
        "contact": require_text(data.contact, f"{where}联系方式", max_len=100, required=False),
        "valid_from": start,
        "valid_to": end,
    }
    criteria = [
        parse_criterion(f, o, v, f"{where}条件{i}") for i, (f, o, v) in enumerate(data.criteria, 1)
    ]
    return values, criteria


def _write(
    uow: UnitOfWork, row: SupportPolicy | None, values: dict[str, Any], criteria: list[Criterion]
) -> SupportPolicy:
    new = row is None
    if row is None:
        row = SupportPolicy(office_code=uow.actor.office_code)
    for key, value in values.items():
        setattr(row, key, value)
    row.criteria = [c.as_dict() for c in criteria]
    uow.record(
        row,
        action="add_support_policy" if new else "edit_support_policy",
        summary=f"{'新增' if new else '修改'}惠民政策：{row.department} {row.name}",
        data={"criteria": row.criteria},
    )
    return row


@service(
    roles=EDITORS,
    scope=Scope.NONE("the office's policy catalogue, no family"),
    changes={Change.SUPPORT},
)
def save_policy(
    store: Store, actor: Actor, data: PolicyInput, policy_id: str | None = None
) -> PolicyView:
    """Add a policy, or change one (``policy_id``); audited and synced to the office's desks."""
    values, criteria = _clean(data)
    with unit_of_work(store, actor) as uow:
        row = None
        if policy_id:
            row = uow.session.get(SupportPolicy, policy_id)
            if row is None or row.deleted or row.office_code != actor.office_code:
                raise NotFound("该政策不存在或已删除")
        return _view(_write(uow, row, values, criteria))


@service(
    roles=EDITORS,
    scope=Scope.NONE("the office's policy catalogue, no family"),
    changes={Change.SUPPORT},
)
def remove_policy(store: Store, actor: Actor, policy_id: str) -> None:
    """Withdraw a policy from the menu (a tombstone, so the removal syncs)."""
    with unit_of_work(store, actor) as uow:
        row = uow.session.get(SupportPolicy, policy_id)
        if row is None or row.deleted or row.office_code != actor.office_code:
            raise NotFound("该政策不存在或已删除")
        uow.record(
            row, action="remove_support_policy", summary=f"删除惠民政策：{row.name}", op="delete"
        )


@service(roles=ALL_ROLES, scope=Scope.NONE("the office's policy catalogue, no family"))
def list_policies(store: Store, actor: Actor) -> list[PolicyView]:
    """The office's policies by department and name."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(SupportPolicy)
            .where(SupportPolicy.deleted.is_(False), SupportPolicy.office_code == actor.office_code)
            .order_by(SupportPolicy.department, SupportPolicy.name)
        )
        return [_view(r) for r in rows]


def _sheet_rows(book: Any, name: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    if name not in book.sheetnames:
        raise ValidationError("工作表", f"缺少工作表“{name}”（见导入格式说明）")
    rows = list(book[name].iter_rows(values_only=True))
    head = [str(c or "").strip() for c in (rows[0] if rows else ())]
    missing = [c for c in columns if c not in head]
    if missing:
        raise ValidationError(f"工作表“{name}”表头", f"缺少列：{'、'.join(missing)}")
    out = []
    for n, row in enumerate(rows[1:], 2):
        if all(v in (None, "") for v in row):
            continue
        out.append((n, {c: row[head.index(c)] for c in columns}))
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_policy_workbook(path: Path | str) -> list[PolicyInput]:
    """The policies of a workbook in the documented format; the first bad cell is refused
    naming its sheet, row and column."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise ValidationError("导入文件", f"无法读取该xlsx文件：{exc}") from None
    try:
        policies = _sheet_rows(book, POLICY_SHEET, POLICY_COLUMNS)
        criteria = _sheet_rows(book, CRITERIA_SHEET, CRITERIA_COLUMNS)
    finally:
        book.close()
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    names = {_text(r["政策名称"]) for _n, r in policies}
    for n, r in criteria:
        where = f"“{CRITERIA_SHEET}”第{n}行"
        name = _text(r["政策名称"])
        if name not in names:
            raise ValidationError(f"{where}政策名称", f"“{name}”不在“{POLICY_SHEET}”表中")
        row = (_text(r["家庭信息"]), _text(r["比较"]), _text(r["取值"]))
        parse_criterion(*row, field=where)
        by_name.setdefault(name, []).append(row)
    out = []
    for n, r in policies:
        data = PolicyInput(
            department=_text(r["部门"]), name=_text(r["政策名称"]), benefit=_text(r["享受内容"]),
            materials=_text(r["所需材料"]), contact=_text(r["联系方式"]),
            valid_from=r["生效日期"], valid_to=r["失效日期"],
            criteria=tuple(by_name.get(_text(r["政策名称"]), ())),
        )  # fmt: skip
        _clean(data, f"“{POLICY_SHEET}”第{n}行")
        out.append(data)
    return out


@service(
    roles=EDITORS,
    scope=Scope.NONE("the office's policy catalogue, no family"),
    changes={Change.SUPPORT},
)
def import_policies(store: Store, actor: Actor, path: Path | str) -> list[PolicyView]:
    """Import a workbook (all or nothing); a policy of the same department and name is replaced."""
    parsed = read_policy_workbook(path)
    with unit_of_work(store, actor) as uow:
        existing = {
            (p.department, p.name): p
            for p in uow.session.scalars(
                select(SupportPolicy).where(
                    SupportPolicy.deleted.is_(False), SupportPolicy.office_code == actor.office_code
                )
            )
        }
        out = []
        for data in parsed:
            values, criteria = _clean(data)
            row = existing.get((values["department"], values["name"]))
            out.append(_view(_write(uow, row, values, criteria)))
        uow.audit("import_support_policies", "support_policy", "", f"导入惠民政策 {len(out)} 项")
    return out


@service(roles=ALL_ROLES, scope=Scope.HOUSEHOLD("household_id"))
def policies_for_household(
    store: Store, actor: Actor, household_id: str, on: date | None = None
) -> list[PolicyMatch]:
    """The policies valid on ``on`` the family meets, each with its reasons."""
    day = on or date.today()
    with store.sessions.read() as s:
        live_household(s, household_id)
        facts = FamilyFacts(
            household_facts(s, household_id, day), day, paid_assistance(s, household_id)
        )
    return [
        PolicyMatch(p, m.reasons)
        for p in list_policies(store, actor)
        if p.valid_on(day) and (m := match(p.criteria, facts)).matched
    ]
