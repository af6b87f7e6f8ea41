"""Local rows ⇄ wire payloads: which table holds each entity and how its columns travel.

On the wire, references to offices carry the office *code* (the same in every store), since an
office's local UUID differs between desks. Money travels as a decimal string, dates as ISO text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, String, Table

from desktop.store.models import LOCAL_COLUMNS, SYNCED_ENTITIES, Fixed2, Synced
from desktop.store.request_models import ServiceRequest
from desktop.store.support_models import (
    ProgrammeRoster,
    PurchasedService,
    Referral,
    RosterLine,
    ServiceRecord,
    SupportPartner,
    SupportPolicy,
    SupportProgramme,
)
from desktop.store.sync_models import (
    CheckReport,
    CheckRequest,
    LowIncomePerson,
    MonitorWarning,
    WarningDisposal,
)
from desktop.store.visit_models import HomeVisit, VisitProblem
from desktop.store.workflow_models import HomeSurveyRecord

#: Every entity the desk keeps in a table of its own, by wire name.
LOCAL_ENTITIES: dict[str, type[Synced]] = {
    **SYNCED_ENTITIES,
    "home_survey": HomeSurveyRecord,
    "check_request": CheckRequest,
    "check_report": CheckReport,
    "warning": MonitorWarning,
    "warning_disposal": WarningDisposal,
    "low_income_person": LowIncomePerson,
    "service_request": ServiceRequest,
    "home_visit": HomeVisit,
    "visit_problem": VisitProblem,
    "support_policy": SupportPolicy,
    "support_partner": SupportPartner,
    "referral": Referral,
    "support_programme": SupportProgramme,
    "programme_roster": ProgrammeRoster,
    "roster_line": RosterLine,
    "purchased_service": PurchasedService,
    "service_record": ServiceRecord,
}
#: Columns that never travel (the hub's rev comes with the record, the rest is local).
LOCAL_ONLY = LOCAL_COLUMNS
OFFICES_TABLE = "offices"

Converter = Callable[[Any], Any]


def _money_to_db(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int((Decimal(str(value)) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _bool_to_db(value: Any) -> int | None:
    return None if value is None else int(bool(value))


def _datetime_to_db(value: Any) -> str | None:
    return None if value is None else str(value).replace("T", " ")


def _json_to_db(value: Any) -> str:
    return orjson.dumps(value).decode()


def _db_converter(column: Column) -> Converter | None:
    """How a wire value becomes the value SQLAlchemy would have stored (None = as is)."""
    kind = column.type
    if isinstance(kind, Fixed2):
        return _money_to_db
    if isinstance(kind, Boolean):
        return _bool_to_db
    if isinstance(kind, DateTime):
        return _datetime_to_db
    if isinstance(kind, JSON):
        return _json_to_db
    return None


def _attr_converter(column: Column) -> Converter | None:
    """How a wire value becomes the Python value of the ORM attribute."""
    kind = column.type
    if isinstance(kind, Fixed2):
        return lambda v: None if v in (None, "") else Decimal(str(v))
    if isinstance(kind, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(str(v))
    if isinstance(kind, Date):
        return lambda v: None if v in (None, "") else date.fromisoformat(str(v))
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    return None


def _fallback(column: Column) -> Any:
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return default.arg  # type: ignore[attr-defined]
    if column.nullable:
        return None
    if isinstance(column.type, Integer | Boolean | Fixed2):
        return 0
    if isinstance(column.type, JSON):
        return {}
    return ""


@dataclass
class Codec:
    """How one entity's records are stored locally and written to the wire."""

    entity: str
    table: Table
    columns: list[Column]
    office_refs: list[str]
    to_db: dict[str, Converter | None] = field(default_factory=dict)
    to_attr: dict[str, Converter | None] = field(default_factory=dict)
    fallbacks: dict[str, Any] = field(default_factory=dict)
    upsert_sql: str = ""
    bulk_upsert_sql: str = ""  # the same upsert of many rows, given as one JSON array of rows
    _row_fn: Callable[..., tuple] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, entity: str, model: type[Synced]) -> Codec:
        table: Table = model.__table__  # type: ignore[attr-defined]
        columns = [c for c in table.columns if c.key not in LOCAL_ONLY | {"id", "deleted"}]
        refs = [
            c.key
            for c in columns
            if any(fk.column.table.name == OFFICES_TABLE for fk in c.foreign_keys)
        ]
        codec = cls(entity, table, columns, refs)
        for c in columns:
            fallback = _fallback(c)
            conv = _db_converter(c)
            codec.to_db[c.key] = conv
            codec.to_attr[c.key] = _attr_converter(c)
            codec.fallbacks[c.key] = conv(fallback) if conv and fallback is not None else fallback
        names = ["id", "rev", "dirty", "deleted", *(c.key for c in columns)]
        updates = ", ".join(f"{n} = excluded.{n}" for n in names[1:])
        codec.upsert_sql = (
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT(id) DO UPDATE SET {updates}, updated_at = CURRENT_TIMESTAMP"
        )
        codec.bulk_upsert_sql = (
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"SELECT {', '.join(f'value ->> {i}' for i in range(len(names)))} "
            "FROM json_each(?) WHERE true "  # WHERE: SQLite's rule for an upsert from SELECT
            f"ON CONFLICT(id) DO UPDATE SET {updates}, updated_at = CURRENT_TIMESTAMP"
        )
        return codec

    def db_row(
        self, rid: str, rev: int, deleted: bool, payload: dict[str, Any], office_ids: OfficeIds
    ) -> tuple:
        """The tuple for ``upsert_sql`` of one pulled record (not dirty); a list of them, as
        JSON, is the one parameter of ``bulk_upsert_sql``."""
        if self._row_fn is None:
            self._row_fn = self._compile_row()
        return self._row_fn(rid, rev, deleted, payload, office_ids)

    def _compile_row(self) -> Callable[..., tuple]:
        """``db_row`` as one generated function (one expression per column, no loop): the
        same values as ``db_row_slow``, about three times faster on a 100,000-record pull."""
        env: dict[str, Any] = {"_MISSING": _MISSING}
        lines = ["def row(rid, rev, deleted, p, office_ids):", "    get = p.get"]
        items = ["rid", "rev", "0", "int(deleted)"]
        for n, c in enumerate(self.columns):
            key, conv = c.key, self.to_db[c.key]
            env[f"f{n}"], env[f"c{n}"] = self.fallbacks[key], conv
            value = f"v{n}"
            lines.append(f"    {value} = get({key!r}, _MISSING)")
            if not c.nullable:  # a NOT NULL column never gets None: its fallback instead
                lines.append(f"    if {value} is None:")
                lines.append(f"        {value} = _MISSING")
            if key in self.office_refs:
                lines.append(f"    if {value} is not None and {value} is not _MISSING:")
                lines.append(f"        {value} = office_ids({value})")
            if conv is not None:
                lines.append(f"    if {value} is not None and {value} is not _MISSING:")
                lines.append(f"        {value} = c{n}({value})")
            items.append(f"(f{n} if {value} is _MISSING else {value})")
        lines.append(f"    return ({', '.join(items)},)")
        exec("\n".join(lines), env)  # noqa: S102 - code built from our own column list
        fn: Callable[..., tuple] = env["row"]
        return fn

    def db_row_slow(
        self, rid: str, rev: int, deleted: bool, payload: dict[str, Any], office_ids: OfficeIds
    ) -> tuple:
        """The reference implementation of ``db_row`` (kept to prove the generated one)."""
        values: list[Any] = [rid, rev, 0, int(deleted)]
        for c in self.columns:
            key = c.key
            if key not in payload or (payload[key] is None and not c.nullable):
                values.append(self.fallbacks[key])  # a NOT NULL column never gets None
                continue
            value = payload[key]
            if key in self.office_refs and value is not None:
                value = office_ids(value)
            conv = self.to_db[key]
            values.append(value if conv is None or value is None else conv(value))
        return tuple(values)

    def to_wire(self, payload: dict[str, Any], office_codes: dict[str, str]) -> dict[str, Any]:
        """A local payload (``payload_of``) with office references turned into codes."""
        if not self.office_refs:
            return payload
        out = dict(payload)
        for key in self.office_refs:
            value = out.get(key)
            if value is not None:
                out[key] = office_codes.get(value, value)
        return out

    def attrs(self, payload: dict[str, Any], office_ids: OfficeIds) -> dict[str, Any]:
        """ORM attribute values of a wire payload (for writing a merged record)."""
        out: dict[str, Any] = {}
        for c in self.columns:
            if c.key not in payload:
                continue
            value = payload[c.key]
            if c.key in self.office_refs and value is not None:
                value = office_ids(value)
            conv = self.to_attr[c.key]
            out[c.key] = value if conv is None or value is None else conv(value)
        return out


OfficeIds = Callable[[str], str]
_MISSING = object()

CODECS: dict[str, Codec] = {name: Codec.of(name, model) for name, model in LOCAL_ENTITIES.items()}


def codec_for(entity: str) -> Codec | None:
    """The codec of an entity the desk stores, or None (the record is not kept locally)."""
    return CODECS.get(entity)


def dumps(value: Any) -> str:
    """Compact JSON text (UTF-8 characters kept)."""
    return orjson.dumps(value).decode()


def _kind(column: Column) -> dict[str, Any]:
    kind = column.type
    spec: dict[str, Any]
    if isinstance(kind, Fixed2):
        spec = {"kind": "money"}
    elif isinstance(kind, Boolean):
        spec = {"kind": "bool"}
    elif isinstance(kind, DateTime):
        spec = {"kind": "datetime"}
    elif isinstance(kind, Date):
        spec = {"kind": "date"}
    elif isinstance(kind, JSON):
        spec = {"kind": "json"}
    elif isinstance(kind, Integer):
        spec = {"kind": "int"}
    else:
        spec = {"kind": "text"}
        if isinstance(kind, String) and kind.length:
            spec["length"] = kind.length
    spec["nullable"] = bool(column.nullable)
    return spec


def entity_schema() -> dict[str, dict[str, dict[str, Any]]]:
    """Field kinds of every stored entity, as ``sync/entity_schema.json`` keeps them."""
    return {
        name: {c.key: _kind(c) for c in codec.columns} for name, codec in sorted(CODECS.items())
    }
