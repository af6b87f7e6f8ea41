"""Sync conflicts: list them with both versions field by field, and resolve them by choice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, text

from desktop.domain.bank import mask_account
from desktop.domain.ids import mask_id, mask_phone
from desktop.errors import NotFound, ValidationError, WorkflowError
from desktop.services.base import ALL_ROLES, PAYER_ROLES, Actor, Role, Scope, service, unit_of_work
from desktop.store.models import Office, OutboxEntry
from desktop.store.outbox import OutboxState
from desktop.store.store import Store
from desktop.store.sync_models import SyncConflict
from sync.admin import ENTITY_LABELS
from sync.codecs import LOCAL_ENTITIES, codec_for

WRITERS = {Role.CLERK, Role.SURVEYOR, Role.SUPERVISOR, Role.ADMIN}
CHOICES = {"local": "本机", "remote": "市级平台"}
FIELD_LABELS = {
    "deleted": "已删除",
    "code": "街道代码",
    "name": "姓名",
    "district": "所属区",
    "region_code": "区县代码",
    "residence_office_id": "居住地街道",
    "hukou_office_id": "户籍地街道",
    "filed_at_office_id": "受理街道",
    "community": "社区",
    "address": "居住地址",
    "hukou_address": "户籍地址",
    "phone": "联系电话",
    "address_key": "地址检索键",
    "note": "备注",
    "bank_name": "开户银行",
    "bank_holder": "账户户名",
    "bank_account": "银行账号",
    "household_id": "所属家庭",
    "name_pinyin": "姓名拼音",
    "name_initials": "姓名首字母",
    "id_number": "身份证号",
    "sex": "性别",
    "birth_date": "出生日期",
    "relation": "与申请人关系",
    "is_member": "是否共同生活家庭成员",
    "non_member_reason": "不计入家庭成员的原因",
    "disability_type": "残疾类别",
    "disability_level": "残疾等级",
    "illness_class": "重病类别",
    "work_capacity": "劳动能力",
    "student_level": "在校学历",
    "employment": "就业情况",
    "lives_with_family": "是否与家庭共同生活",
    "person_id": "家庭成员",
    "kind": "类别",
    "month": "月份",
    "amount": "金额（元）",
    "vehicle_purpose": "车辆用途",
    "floor_area": "住房面积（平方米）",
    "number": "申请编号",
    "applicant_id": "申请人",
    "assistance_type": "救助类别",
    "state": "办理状态",
    "channel": "申请渠道",
    "applied_on": "申请日期",
    "proxy_name": "代办人",
    "proxy_authorised": "是否有委托书",
    "staff_relative": "是否经办人员近亲属",
    "reason": "申请理由",
    "benefit_amount": "救助金额（元）",
    "next_deadline": "下一期限",
    "deadline_step": "期限对应环节",
    "workflow": "办理过程记录",
    "application_id": "所属申请",
    "title": "材料名称",
    "status": "状态",
    "sha256": "文件校验值",
    "file_name": "文件名",
    "mime": "文件类型",
    "size": "文件大小（字节）",
    "received_on": "收到日期",
    "members": "核对人员",
    "requested_at": "申请时间",
    "requested_by": "申请人员",
    "warning_id": "预警",
    "office_code": "街道代码",
    "checked_by": "核查人",
    "finding": "核查情况",
    "disposal": "处置方式",
    "disposed_on": "处置日期",
    "disposed_by": "处置人员",
}
_BASE_UPSERT = text(
    "INSERT INTO sync_base (entity, id, rev, payload) VALUES (:e, :i, :r, :p) "
    "ON CONFLICT(entity, id) DO UPDATE SET rev = excluded.rev, payload = excluded.payload"
)


def field_label(key: str) -> str:
    """The Chinese label of a synced field (the key itself when none is known)."""
    return FIELD_LABELS.get(key, key)


def _masks(actor: Actor) -> dict[str, Any]:
    """Field → masking function for what ``actor`` may not see in full (as everywhere else:
    ID and phone numbers for roles without full personal data, accounts for non-payers)."""
    masks: dict[str, Any] = {}
    if not actor.sees_full_personal_data():
        masks |= {"id_number": mask_id, "phone": mask_phone}
    if actor.role not in PAYER_ROLES:
        masks["bank_account"] = mask_account
    return masks


def _masked(key: str, value: Any, masks: dict[str, Any]) -> Any:
    """``value`` of field ``key`` as the actor may see it (nested records too)."""
    if isinstance(value, dict):
        return {k: _masked(k, v, masks) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(key, v, masks) for v in value]
    mask = masks.get(key)
    if mask is None or value in (None, ""):
        return value
    try:
        return mask(str(value))
    except ValidationError:
        return "*" * len(str(value))


@dataclass(frozen=True)
class FieldDiff:
    """One field of a conflict: the three versions and whether local and hub differ."""

    key: str
    label: str
    base: Any
    local: Any
    remote: Any
    differs: bool


@dataclass(frozen=True)
class ConflictView:
    """An open (or resolved) conflict with every field side by side."""

    id: str
    entity: str
    entity_label: str
    entity_id: str
    source: str
    status: str
    remote_rev: int
    remote_deleted: bool
    created_at: datetime | None
    fields: tuple[FieldDiff, ...]

    @property
    def differing(self) -> tuple[FieldDiff, ...]:
        return tuple(f for f in self.fields if f.differs)


def _fields(c: SyncConflict, masks: dict[str, Any] | None = None) -> tuple[FieldDiff, ...]:
    """Every field of both versions; with ``masks`` the values are as an actor may see them
    (whether they differ is always decided on the real values)."""
    local, remote, base = c.local or {}, c.remote or {}, c.base or {}
    keys = [k for k in dict.fromkeys([*local, *remote]) if k != "id"]
    m = masks or {}
    return tuple(
        FieldDiff(
            k,
            field_label(k),
            _masked(k, base.get(k), m),
            _masked(k, local.get(k), m),
            _masked(k, remote.get(k), m),
            local.get(k) != remote.get(k),
        )
        for k in keys
    )


def _view(c: SyncConflict, actor: Actor) -> ConflictView:
    return ConflictView(
        c.id,
        c.entity,
        ENTITY_LABELS.get(c.entity, c.entity),
        c.entity_id,
        c.source,
        c.status,
        c.remote_rev,
        c.remote_deleted,
        c.created_at,
        _fields(c, _masks(actor)),
    )


@service(
    roles=ALL_ROLES,
    scope=Scope.NONE("this desk's own sync conflicts; fields masked by role"),
)
def list_conflicts(store: Store, actor: Actor, status: str = "open") -> list[ConflictView]:
    """Conflicts in a status ("open" by default), oldest first, masked for ``actor``."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(SyncConflict)
            .where(SyncConflict.status == status)
            .order_by(SyncConflict.created_at, SyncConflict.id)
        )
        return [_view(c, actor) for c in rows]


@service(
    roles=ALL_ROLES,
    scope=Scope.NONE("this desk's own sync conflicts; fields masked by role"),
)
def get_conflict(store: Store, actor: Actor, conflict_id: str) -> ConflictView:
    """One conflict by id, masked for ``actor``."""
    with store.sessions.read() as s:
        c = s.get(SyncConflict, conflict_id)
        if c is None:
            raise NotFound("该冲突记录不存在")
        return _view(c, actor)


def _merge(c: SyncConflict, choices: dict[str, str]) -> dict[str, Any]:
    for key, value in choices.items():
        if value not in CHOICES:
            raise ValidationError(field_label(key), "请选择“本机”或“市级平台”", code="choice")
    merged = dict(c.remote or {})
    for diff in _fields(c):
        if not diff.differs:
            continue
        if diff.key not in choices:
            raise ValidationError(diff.label, "请选择保留本机还是市级平台的内容", code="required")
        merged[diff.key] = diff.local if choices[diff.key] == "local" else diff.remote
    merged["id"] = c.entity_id
    return merged


def _requeue(session: Any, c: SyncConflict) -> None:
    """Keep one waiting entry (the conflicting change_id when there is one), based on the hub rev."""
    entries = list(
        session.scalars(
            select(OutboxEntry)
            .where(
                OutboxEntry.entity_id == c.entity_id,
                OutboxEntry.state.in_((OutboxState.PENDING, OutboxState.CONFLICT)),
            )
            .order_by(OutboxEntry.seq)
        )
    )
    keep = next((e for e in entries if e.change_id == c.change_id), entries[0] if entries else None)
    for e in entries:
        if e is not keep:
            session.delete(e)
    if keep is not None:
        keep.state, keep.base_rev, keep.last_error = OutboxState.PENDING, c.remote_rev, ""
    session.flush()


@service(
    scope=Scope.NONE("a conflict is this desk's own change held back by the hub"),
    roles=WRITERS,
    changes={"sync", "households", "persons", "cases", "documents"},
)
def resolve_conflict(
    store: Store, actor: Actor, conflict_id: str, choices: dict[str, str]
) -> ConflictView:
    """Write the field-by-field merge over the hub's version; it is sent again (same change_id)."""
    with unit_of_work(store, actor) as uow:
        s = uow.session
        c = s.get(SyncConflict, conflict_id)
        if c is None:
            raise NotFound("该冲突记录不存在")
        if c.status != "open":
            raise WorkflowError("该冲突已处理")
        model, codec = LOCAL_ENTITIES.get(c.entity), codec_for(c.entity)
        if model is None or codec is None:
            raise WorkflowError(f"该类记录（{c.entity}）不在本机保存，无法合并")
        merged = _merge(c, choices)
        offices = {o.code: o.id for o in s.scalars(select(Office))}
        obj = s.get(model, c.entity_id) or model(id=c.entity_id)  # type: ignore[call-arg]
        for key, value in codec.attrs(merged, lambda code: offices.get(code, code)).items():
            setattr(obj, key, value)
        obj.deleted = bool(merged.get("deleted", False))
        obj.rev = c.remote_rev
        _requeue(s, c)
        picked = "、".join(f"{field_label(k)}取{CHOICES[v]}" for k, v in sorted(choices.items()))
        uow.record(
            obj,
            op="delete" if obj.deleted else "upsert",
            action="resolve_conflict",
            summary=f"处理同步冲突（{ENTITY_LABELS.get(c.entity, c.entity)}）：{picked}"[:300],
            data={"conflict_id": c.id, "choices": choices},
        )
        if c.remote is not None:
            s.execute(
                _BASE_UPSERT,
                {
                    "e": c.entity,
                    "i": c.entity_id,
                    "r": c.remote_rev,
                    "p": orjson.dumps(c.remote).decode(),
                },
            )
        c.status, c.resolved_at, c.resolved_by = "resolved", uow.now, actor.display_name
        s.flush()
        return _view(c, actor)
