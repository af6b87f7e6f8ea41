"""Policy tables stored as data (政策参数): list, add and correct dated rows (admin only,
audited, validated over all rows), and the cached ``load_policy`` every calculation uses."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop.domain.policy.integrity import policy_differences
from desktop.domain.policy.keys import KEYS, choice_code, key_label, value_text
from desktop.domain.policy.tables import PolicyRow, PolicySet, parse_value
from desktop.errors import NotFound, PolicyError, ValidationError
from desktop.services.base import ALL_ROLES, Actor, Role, Scope, require_text, service, unit_of_work
from desktop.services.policy.policy_integrity import check_table, digest_data
from desktop.store.models import Setting
from desktop.store.policy_models import PolicyRowRecord
from desktop.store.policy_table import city_copy, stored_rows
from desktop.store.store import Store

VERSION_KEY = "policy_rows.version"
_UNSET = object()


@dataclass(frozen=True)
class PolicyRowInput:
    """A new dated row: ``effective_from`` is the first day of a benefit month."""

    key: str
    value: str
    effective_from: date
    effective_to: date | None = None
    district: str | None = None
    source: str = ""


@dataclass(frozen=True)
class PolicyRowView:
    id: str
    key: str
    label: str
    value: str
    effective_from: date
    effective_to: date | None
    district: str | None
    source: str
    changed_by: str

    @property
    def value_text(self) -> str:
        """The value as people read it (a choice by its Chinese name); ``value`` is stored."""
        return value_text(self.key, self.value)

    def as_row(self) -> PolicyRow:
        return PolicyRow(
            self.key,
            self.value,
            self.effective_from,
            self.effective_to,
            self.district,
            self.source,
        )


def _view(r: PolicyRowRecord) -> PolicyRowView:
    label = KEYS[r.key].label if r.key in KEYS else r.key
    return PolicyRowView(
        r.id,
        r.key,
        label,
        r.value,
        r.effective_from,
        r.effective_to,
        r.district,
        r.source,
        r.changed_by,
    )


def policy_key_labels() -> dict[str, str]:
    """Every known policy key with its Chinese label (for pick lists)."""
    return {key: spec.label for key, spec in KEYS.items()}


@service(scope=Scope.NONE("policy numbers, no family"), roles=ALL_ROLES)
def list_policy_rows(
    store: Store, actor: Actor, key: str | None = None, on: date | None = None
) -> list[PolicyRowView]:
    """Rows ordered by key and start date; optionally one key, or only rows in force ``on``."""
    with store.sessions.read() as s:
        query = select(PolicyRowRecord).order_by(
            PolicyRowRecord.key, PolicyRowRecord.district, PolicyRowRecord.effective_from
        )
        if key is not None:
            query = query.where(PolicyRowRecord.key == key)
        rows = [_view(r) for r in s.scalars(query)]
    if on is not None:
        rows = [r for r in rows if r.as_row().covers(on)]
    return rows


def _check_input(data: PolicyRowInput) -> tuple[str, str, str | None, str]:
    """Field-level checks before the whole-table check; returns cleaned key, value, district,
    source."""
    key = require_text(data.key, "政策参数", max_len=80)
    if key not in KEYS:
        raise ValidationError("政策参数", f"未知的政策参数“{key}”", "unknown_code")
    value = choice_code(key, require_text(data.value, "参数值", max_len=200))
    try:
        parse_value(key, value)
    except PolicyError as exc:
        raise ValidationError("参数值", exc.message, "invalid") from None
    district = (data.district or "").strip() or None
    if district is not None and not (district.isdigit() and len(district) == 6):
        raise ValidationError("适用地区", "应为6位行政区划代码（如120105），全市适用请留空")
    source = require_text(data.source, "依据来源", max_len=300)
    _check_dates(data.effective_from, data.effective_to)
    return key, value, district, source


def _check_dates(start: object, end: object) -> None:
    if not isinstance(start, date):
        raise ValidationError("生效日期", "请选择日期", "required")
    if start.day != 1:
        raise ValidationError("生效日期", "政策按救助月份生效，生效日期应为某月1日")
    if end is not None:
        if not isinstance(end, date):
            raise ValidationError("失效日期", "不是有效的日期")
        if (end + timedelta(days=1)).day != 1:
            raise ValidationError("失效日期", "应为某月最后一天（或留空表示长期有效）")
        if end < start:
            raise ValidationError("失效日期", "不能早于生效日期")


def _validate_all(session: Session) -> None:
    """Build a PolicySet over every row now in the session; refuse overlaps or bad rows."""
    session.flush()
    rows = stored_rows(session)
    try:
        PolicySet.from_rows(rows)
    except PolicyError as exc:
        field = "生效日期" if "重叠" in exc.message else "政策参数"
        raise ValidationError(field, exc.message, "policy") from None


def _bump_version(session: Session) -> None:
    setting = session.get(Setting, VERSION_KEY)
    if setting is None:
        session.add(Setting(key=VERSION_KEY, value="1"))
    else:
        setting.value = str(int(setting.value) + 1)


def _close_open_row(session: Session, key: str, district: str | None, start: date) -> str:
    """Close the open-ended row of the same key and district the day before ``start``."""
    query = select(PolicyRowRecord).where(
        PolicyRowRecord.key == key,
        PolicyRowRecord.effective_to.is_(None),
        PolicyRowRecord.effective_from < start,
    )
    query = query.where(
        PolicyRowRecord.district.is_(None)
        if district is None
        else PolicyRowRecord.district == district
    )
    open_row = session.scalars(query).first()
    if open_row is None:
        return ""
    open_row.effective_to = start - timedelta(days=1)
    return f"；原 {open_row.effective_from.isoformat()} 起的行截止于 {open_row.effective_to.isoformat()}"


@service(scope=Scope.NONE("policy numbers, no family"), roles={Role.ADMIN}, changes={"policy"})
def add_policy_row(store: Store, actor: Actor, data: PolicyRowInput) -> PolicyRowView:
    """Add a dated row (e.g. next year's 低保标准); the previous open row of the key closes the
    day before. The whole table is validated before anything is stored."""
    key, value, district, source = _check_input(data)
    with unit_of_work(store, actor) as uow:
        s = uow.session
        closed = _close_open_row(s, key, district, data.effective_from)
        record = PolicyRowRecord(
            key=key,
            value=value,
            effective_from=data.effective_from,
            effective_to=data.effective_to,
            district=district,
            source=source,
            created_at=uow.now,
            changed_by=actor.display_name,
        )
        s.add(record)
        _validate_all(s)
        _bump_version(s)
        uow.audit(
            "add_policy_row",
            "policy_row",
            record.id,
            f"新增政策参数 {key_label(key)} = {value_text(key, value)}，"
            f"自 {data.effective_from.isoformat()} 起" + closed,
            {
                "key": key,
                "value": value,
                "from": data.effective_from,
                "to": data.effective_to,
                **digest_data(s),
            },
        )
        view = _view(record)
    invalidate_policy(store)
    return view


@service(scope=Scope.NONE("policy numbers, no family"), roles={Role.ADMIN}, changes={"policy"})
def correct_policy_row(
    store: Store,
    actor: Actor,
    row_id: str,
    *,
    reason: str,
    value: str | None = None,
    effective_from: date | None = None,
    effective_to: date | None | object = _UNSET,
    source: str | None = None,
) -> PolicyRowView:
    """Correct a row entered wrongly (value, dates or source); audited with old and new."""
    why = require_text(reason, "更正原因", max_len=200)
    with unit_of_work(store, actor) as uow:
        s = uow.session
        record = s.get(PolicyRowRecord, row_id)
        if record is None:
            raise NotFound("该政策参数行不存在")
        before = _view(record)
        new_to = record.effective_to if effective_to is _UNSET else effective_to
        cleaned = _check_input(
            PolicyRowInput(
                record.key,
                record.value if value is None else value,
                record.effective_from if effective_from is None else effective_from,
                new_to,  # type: ignore[arg-type]
                record.district,
                record.source if source is None else source,
            )
        )
        record.value, record.source = cleaned[1], cleaned[3]
        record.effective_from = effective_from or record.effective_from
        record.effective_to = new_to  # type: ignore[assignment]
        record.changed_by = actor.display_name
        _validate_all(s)
        _bump_version(s)
        after = _view(record)
        uow.audit(
            "correct_policy_row",
            "policy_row",
            record.id,
            f"更正政策参数 {key_label(record.key)}：{before.value_text} → {after.value_text}"
            f"（{why}）",
            {
                "before": _audit_data(before),
                "after": _audit_data(after),
                "reason": why,
                **digest_data(s),
            },
        )
    invalidate_policy(store)
    return after


@dataclass(frozen=True)
class CityComparison:
    """This desk's policy table against the city's table last fetched from the hub."""

    available: bool
    fetched_at: str
    differences: tuple[str, ...]

    @property
    def same(self) -> bool:
        return self.available and not self.differences

    def message(self) -> str:
        if not self.available:
            return "尚未从市级平台取得政策参数表（同步后再看）"
        if self.same:
            return f"与市级平台政策参数一致（{self.fetched_at} 取得）"
        return f"与市级平台政策参数有 {len(self.differences)} 项不同（{self.fetched_at} 取得）"


@service(scope=Scope.NONE("policy numbers, no family"), roles=ALL_ROLES)
def compare_with_city(store: Store, actor: Actor) -> CityComparison:
    """Which policy keys differ from the city's table the last sync brought."""
    with store.sessions.read() as s:
        copy = city_copy(s)
        if copy is None:
            return CityComparison(False, "", ())
        local = stored_rows(s)
    return CityComparison(True, copy.fetched_at, tuple(policy_differences(local, copy.rows)))


@service(scope=Scope.NONE("policy numbers, no family"), roles={Role.ADMIN}, changes={"policy"})
def adopt_city_policy(store: Store, actor: Actor) -> int:
    """Replace this desk's policy table by the city's (validated whole, audited with the
    differences it removed); returns the number of rows now in force."""
    with unit_of_work(store, actor) as uow:
        s = uow.session
        copy = city_copy(s)
        if copy is None:
            raise ValidationError("市级政策参数", "尚未从市级平台取得政策参数表，请先同步")
        local = stored_rows(s)
        differences = policy_differences(local, copy.rows)
        if not differences:
            raise ValidationError("市级政策参数", "本机政策参数已与市级平台一致，无需采用")
        s.execute(delete(PolicyRowRecord))
        s.add_all(
            PolicyRowRecord(
                key=r.key,
                value=r.value,
                effective_from=r.effective_from,
                effective_to=r.effective_to,
                district=r.district,
                source=r.source or "市级平台",
                created_at=uow.now,
                changed_by=actor.display_name,
            )
            for r in copy.rows
        )
        _validate_all(s)
        _bump_version(s)
        uow.audit(
            "adopt_city_policy",
            "policy_row",
            "",
            f"采用市级政策参数（{copy.fetched_at} 取得），更新 {len(differences)} 项",
            {"differences": differences, "city_digest": copy.digest, **digest_data(s)},
        )
    invalidate_policy(store)
    return len(copy.rows)


def _audit_data(v: PolicyRowView) -> dict[str, object]:
    return {"value": v.value, "from": v.effective_from, "to": v.effective_to, "source": v.source}


# The cache is keyed by database file, so two Store objects on one file share it; the version
# setting (bumped in the same transaction as every change) tells a stale entry apart.
_CACHE: dict[str, tuple[str, PolicySet]] = {}
_LOCK = threading.Lock()


def _version(session: Session) -> str:
    setting = session.get(Setting, VERSION_KEY)
    return setting.value if setting is not None else "0"


def load_policy(store: Store) -> PolicySet:
    """The PolicySet over every stored row, cached per store until a row changes. A table
    edited outside the program (it no longer matches the digest the audit chain last
    recorded) is refused: no amount is computed from it."""
    cache_key = str(store.path)
    with store.sessions.read() as s:
        version = _version(s)
        cached = _CACHE.get(cache_key)
        if cached is not None and cached[0] == version:
            return cached[1]
        rows = stored_rows(s)
        check = check_table(s, rows)
    if not rows:
        raise PolicyError("本地数据库中没有政策参数，请由系统管理员录入")
    if not check.ok:
        raise PolicyError(check.message())
    policy = PolicySet.from_rows(rows)
    with _LOCK:
        _CACHE[cache_key] = (version, policy)
    return policy


def policy_version(store: Store) -> str:
    """The current version stamp of the policy table (changes with every row change)."""
    with store.sessions.read() as s:
        return _version(s)


def invalidate_policy(store: Store) -> None:
    """Drop the cached PolicySet of ``store`` (the next ``load_policy`` reads the rows again)."""
    with _LOCK:
        _CACHE.pop(str(store.path), None)


def rows_of(views: Iterable[PolicyRowView]) -> list[PolicyRow]:
    """Plain PolicyRow values of listed rows (for comparisons and exports)."""
    return [v.as_row() for v in views]
