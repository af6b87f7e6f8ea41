"""低收入人口库 on the hub: every member of a household in payment (derived from the cases the
desks sync, kept current at every refresh) plus the other low-income groups imported from
lists; each office's share travels to its desks as ``low_income_person`` records."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select, text

from desktop.domain.ids import parse_id
from desktop.domain.payment_status import PAYING_CODES, upgrade_application_payload
from desktop.errors import ValidationError
from sync.hub import db
from sync.hub.feeds.importer import FeedRefused, parse_date
from sync.hub.feeds.reader import read_rows
from sync.hub.feeds.tables import registry
from sync.hub.records import dumps, publish_hub_records, publish_selected
from sync.hub.sqltext import SqlText, lit, sql_text

#: Registry categories: the four in payment through a case, then listed groups.
CATEGORIES = {
    "dibao": "低保",
    "tekun": "特困",
    "bianyuan": "低保边缘",
    "gangxing": "刚性支出",
    "other": "其他低收入人口",
}
CASE_SOURCE = "case"
ENTITY = "low_income_person"
NAMESPACE = uuid.UUID("5d7e0c1a-2b8f-4a55-9a3e-61f0c2d4b7e9")
LIST_COLUMNS = {
    "id_number": ("公民身份号码", "身份证号"),
    "name": ("姓名",),
    "office_code": ("户籍地街道代码",),
    "residence_office": ("居住地街道代码",),
    "community": ("社区",),
    "household_key": ("户编号",),
}


@dataclass(frozen=True)
class ListReport:
    """What a list import did."""

    rows_read: int
    imported: int
    errors: list[tuple[int, str, str]]


def _records(conn: Connection, entity: str) -> list[tuple[str, dict]]:
    t = db.records.c
    rows = conn.execute(
        select(t.id, t.payload).where(t.entity == entity, t.deleted.is_(False))
    ).all()
    return [(rid, json.loads(p)) for rid, p in rows]


LIST_STAMP = "registry_list_ms"  # hub_counters row: when a list was last imported (ms)
MARKER = "registry_seq"  # hub_counters row: the last case seq the registry was built from


def _case_marker(conn: Connection) -> int:
    row = conn.execute(
        text(
            "SELECT MAX(seq) FROM hub_records "
            "WHERE entity IN ('application', 'person', 'household')"
        )
    ).scalar()
    return int(row or 0)


def _set_counter(conn: Connection, name: str, value: int) -> None:
    c = db.counters.c
    if conn.execute(select(c.value).where(c.name == name)).first() is None:
        conn.execute(db.counters.insert().values(name=name, value=value))
    else:
        conn.execute(db.counters.update().where(c.name == name).values(value=value))


def refresh_from_cases(database: db.Database, *, force: bool = False, fast: bool = True) -> bool:
    """Rebuild the case-derived rows from the synced cases in payment when any case, person or
    household changed since the last build (or ``force``); return whether it was rebuilt.
    ``fast=False`` publishes the rows through Python (``publish``)."""
    with database.write() as conn:
        marker = _case_marker(conn)
        c = db.counters.c
        seen = conn.execute(select(c.value).where(c.name == MARKER)).scalar()
        if seen is not None and int(seen) == marker and not force:
            return False
        _set_counter(conn, MARKER, marker)
        paying: dict[str, tuple[str, dict]] = {}
        for _rid, raw in _records(conn, "application"):
            app = upgrade_application_payload(raw)
            if app.get("state") in PAYING_CODES and app.get("assistance_type") in CATEGORIES:
                paying.setdefault(str(app.get("household_id")), (app["assistance_type"], app))
        households = {rid: p for rid, p in _records(conn, "household") if rid in paying}
        rows: dict[tuple[str, str], dict] = {}
        persons = [p for _r, p in _records(conn, "person") if p.get("household_id") in paying]
        sizes: dict[str, int] = {}
        for p in persons:
            if p.get("is_member", True):
                sizes[p["household_id"]] = sizes.get(p["household_id"], 0) + 1
        for p in persons:
            hid = p["household_id"]
            if not p.get("is_member", True) or not p.get("id_number"):
                continue
            category, app = paying[hid]
            home = households.get(hid, {})
            rows[(p["id_number"], category)] = {
                "id_number": p["id_number"],
                "category": category,
                "source": CASE_SOURCE,
                "name": p.get("name", ""),
                "household_key": hid,
                "office_code": app.get("hukou_office_id") or home.get("hukou_office_id") or "",
                "residence_office": app.get("residence_office_id") or "",
                "community": home.get("community", ""),
                "valid_from": str(app.get("applied_on") or date.today().isoformat()),
                "valid_to": None,
                "assisted": True,
                "household_size": sizes.get(hid, 1),
            }
        conn.execute(delete(registry).where(registry.c.source == CASE_SOURCE))
        if rows:
            conn.execute(registry.insert(), list(rows.values()))
    publish(database, fast=fast)
    return True


def case_persons(database: db.Database) -> int:
    """How many registry rows come from cases in payment."""
    with database.read() as conn:
        t = registry.c
        return int(
            conn.execute(
                select(func.count()).select_from(registry).where(t.source == CASE_SOURCE)
            ).scalar()
            or 0
        )


def import_list(
    database: db.Database,
    path: Path,
    category: str,
    source: str,
    valid_from: date,
    valid_to: date | None = None,
) -> ListReport:
    """Import a list of low-income persons (CSV/xlsx); bad rows are reported, good ones kept."""
    if category not in CATEGORIES:
        raise FeedRefused(f"人员类别“{category}”应为{'、'.join(CATEGORIES)}之一")
    header, rows, _enc = read_rows(path)
    where: dict[str, int] = {}
    for fld, names in LIST_COLUMNS.items():
        for n in names:
            if n in header:
                where[fld] = header.index(n)
                break
    missing = [LIST_COLUMNS[f][0] for f in ("id_number", "name", "office_code") if f not in where]
    if missing:
        raise FeedRefused(f"名单缺少必需的列：{'、'.join(missing)}，整个文件未导入")
    with database.read() as conn:
        offices = set(conn.execute(select(db.offices.c.code)).scalars())
    good: dict[str, dict] = {}
    errors: list[tuple[int, str, str]] = []
    read = 0
    for line, cells in rows:
        read += 1
        v = {f: (cells[i].strip() if i < len(cells) else "") for f, i in where.items()}
        try:
            number = parse_id(v["id_number"]).number
        except ValidationError as exc:
            errors.append((line, "公民身份号码", exc.detail))
            continue
        if v["office_code"] not in offices:
            errors.append((line, "户籍地街道代码", f"“{v['office_code']}”未在平台登记"))
            continue
        good[number] = {
            "id_number": number,
            "category": category,
            "source": source,
            "name": v["name"][:40],
            "household_key": v.get("household_key") or number,
            "office_code": v["office_code"],
            "residence_office": v.get("residence_office") or v["office_code"],
            "community": v.get("community", ""),
            "valid_from": parse_date(valid_from.isoformat()),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "assisted": category != "other",
            "household_size": 1,
        }
    with database.write() as conn:
        if good:
            t = registry.c
            conn.execute(
                delete(registry).where(
                    t.source == source, t.category == category, t.id_number.in_(list(good))
                )
            )
            conn.execute(registry.insert(), list(good.values()))
        _set_counter(conn, LIST_STAMP, int(time.time() * 1000))
    publish(database)
    return ListReport(read, len(good), errors)


def person_id(id_number: str, category: str, source: str) -> str:
    """The record id of one registry row."""
    return str(uuid.uuid5(NAMESPACE, f"{id_number}|{category}|{source}"))


PAGE = 50000  # registry rows published per write transaction


def person_payload(r: Any) -> dict:
    """The ``low_income_person`` record of registry row ``r`` (a mapping of its columns)."""
    return {
        "id_number": r["id_number"],
        "name": r["name"],
        "category": r["category"],
        "source": r["source"],
        "household_key": r["household_key"],
        "office_code": r["office_code"],
        "residence_office": r["residence_office"],
        "community": r["community"],
        "valid_from": r["valid_from"],
        "valid_to": r["valid_to"],
        "assisted": bool(r["assisted"]),
    }


_KEY = ("id_number", "category", "source")


def publish(database: db.Database, *, fast: bool = True) -> int:
    """Send every registry row to its offices (unchanged rows stay as they are), page by page
    in key order; built and published in the database (``_publish_sql``) unless ``fast`` is
    False or it cannot (PostgreSQL without pgcrypto): then through Python, the reference."""
    if fast:
        changed = _publish_sql(database)
        if changed is not None:
            return changed
    t = registry.c
    with database.read() as conn:
        query = registry.select().order_by(t.id_number, t.category, t.source)
        rows = conn.execute(query).mappings().all()
    items = []
    for r in rows:
        offices = list(dict.fromkeys(o for o in (r["office_code"], r["residence_office"]) if o))
        rid = person_id(r["id_number"], r["category"], r["source"])
        items.append((ENTITY, rid, dumps(person_payload(r)), offices))
    changed = 0
    for i in range(0, len(items), PAGE):
        with database.write() as conn:
            changed += publish_hub_records(conn, items[i : i + PAGE])
    return changed


def _source(sql: SqlText, where: str) -> str:
    """SELECT of the ``low_income_person`` records of the registry rows ``where`` selects, in
    key order: the same ids and payload text as ``publish`` makes in Python."""
    q = sql.json
    payload = " || ".join(
        part
        for name in ("id_number", "name", "category", "source", "household_key", "office_code",
                     "residence_office", "community", "valid_from", "valid_to")
        for part in (lit(("{" if name == "id_number" else ",") + f'"{name}":'), q(f"r.{name}"))
    )  # fmt: skip
    payload += """ || ',"assisted":' || CASE WHEN r.assisted THEN 'true' ELSE 'false' END || '}'"""
    name = "id_number || '|' || category || '|' || source"
    return (
        f"SELECT row_number() OVER (ORDER BY r.id_number, r.category, r.source) AS ord, "
        f"'{ENTITY}' AS entity, {sql.uuid_of(NAMESPACE, 'r.h')} AS id, {payload} AS payload, "
        f"{sql.offices('r.office_code', 'r.residence_office')} AS offices "
        f"FROM (SELECT *, {sql.uuid_hash(NAMESPACE, name)} AS h FROM hub_registry "
        f"WHERE {where}{sql.fence}) r"
    )


def _publish_sql(database: db.Database) -> int | None:
    """``publish`` with each page's ids and payloads made and published in the database
    (``records.publish_selected``); None when it cannot (PostgreSQL without pgcrypto)."""
    keys = ", ".join(_KEY)
    with database.read() as conn:
        if sql_text(conn) is None:
            return None
        ends = conn.execute(text(
            f"SELECT {keys} FROM (SELECT {keys}, row_number() OVER (ORDER BY {keys}) AS n "
            f"FROM hub_registry) x WHERE n % {PAGE} = 0 ORDER BY {keys}"
        )).all()  # fmt: skip
    changed = 0
    for low, high in zip([None, *ends], [*ends, None], strict=True):
        where = ["1 = 1"]
        if low is not None:
            where.append(f"({keys}) > ({', '.join(lit(str(v)) for v in low)})")
        if high is not None:
            where.append(f"({keys}) <= ({', '.join(lit(str(v)) for v in high)})")
        with database.write() as conn:
            sql = sql_text(conn)
            assert sql is not None
            changed += publish_selected(conn, _source(sql, " AND ".join(where)))
    return changed
