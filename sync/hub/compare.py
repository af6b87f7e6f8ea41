"""比对筛查: feed rows × the low-income registry → warnings (预警), set-based in SQL.

A run (city or one district, over chosen feed kinds) inserts one warning per (rule, evidence
row) — the evidence key makes a re-run add nothing — then publishes the new warnings to the
household's registration office (owner) and residence office (informed)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import Connection, RowMapping, func, select, text

from desktop.domain.calendar import WorkCalendar
from sync.hub import db, registry
from sync.hub.feeds import DIRECTIONS, FeedKind, Rule, load_kinds
from sync.hub.feeds.tables import bulk, feed_files, feed_rows, runs, warnings
from sync.hub.records import dumps, publish_hub_records
from sync.protocol import WARNING

NAMESPACE = uuid.UUID("9c41a7e2-0d3b-4f8e-b6a1-7e52d9c03f44")
PUBLISH_CHUNK = 50000  # warnings published per write transaction


@dataclass
class RunReport:
    """What one run did."""

    run_id: str
    scope: str
    district: str
    status: str = "running"
    rows_read: dict[str, int] = field(default_factory=dict)
    matched: dict[str, int] = field(default_factory=dict)
    new_by_kind: dict[str, int] = field(default_factory=dict)
    new_by_office: dict[str, int] = field(default_factory=dict)
    refused_rows: int = 0
    refused_reasons: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def new_warnings(self) -> int:
        return sum(self.new_by_kind.values())

    def summary(self) -> str:
        """A few Chinese lines for the console."""
        where = "全市" if self.scope == "city" else self.district
        lines = [
            f"{where}比对（{self.status}）：读取{sum(self.rows_read.values())}行，"
            f"命中{sum(self.matched.values())}条，新推送预警{self.new_warnings}条，"
            f"导入时拒收{self.refused_rows}行"
        ]
        lines += [f"  {k}：新增{n}条" for k, n in sorted(self.new_by_kind.items())]
        lines += [f"  街道{o}：新增{n}条" for o, n in sorted(self.new_by_office.items())]
        lines += [f"  拒收原因“{r}”：{n}行" for r, n in sorted(self.refused_reasons.items())]
        return "\n".join(lines)


def _rule_sql(rule: Rule, district: str | None) -> str:
    where = ["f.kind = :kind", "f.event_date >= r.valid_from",
             "(r.valid_to IS NULL OR f.event_date <= r.valid_to)"]  # fmt: skip
    if rule.applies_to == "assisted":
        where.append("r.assisted = :yes")
    elif rule.applies_to == "unassisted":
        where.append("r.assisted = :no")
        where.append(
            "NOT EXISTS (SELECT 1 FROM hub_registry a WHERE a.id_number = r.id_number "
            "AND a.assisted = :yes)"
        )
    if rule.codes:
        where.append("f.code IN (" + ", ".join(f":code{i}" for i in range(len(rule.codes))) + ")")
    if rule.amount_at_least is not None:
        where.append("f.amount >= :amount")
    if district is not None:
        where.append("r.office_code IN (SELECT code FROM hub_offices WHERE district = :district)")
    return (
        "INSERT INTO hub_discovery_warnings (evidence_key, kind, direction, id_number, name, "
        "office_code, residence_office, community, household_key, category, household_size, "
        "row_key, run_id) "
        "SELECT :rule || ':' || f.row_key, f.kind, :direction, r.id_number, r.name, "
        "r.office_code, r.residence_office, r.community, r.household_key, r.category, "
        "r.household_size, f.row_key, :run "
        "FROM hub_feed_rows f JOIN hub_registry r ON r.id_number = f.id_number "
        "WHERE " + " AND ".join(where) + " ON CONFLICT (evidence_key) DO NOTHING"
    )


def _params(kind: FeedKind, rule: Rule, run_id: str, district: str | None) -> dict:
    params: dict = {"kind": kind.kind, "rule": rule.id, "direction": rule.direction,
                    "run": run_id, "yes": True, "no": False}  # fmt: skip
    params.update({f"code{i}": c for i, c in enumerate(rule.codes)})
    if rule.amount_at_least is not None:
        params["amount"] = rule.amount_at_least
    if district is not None:
        params["district"] = district
    return params


def _detail(kind: FeedKind, row: dict) -> str:
    parts = [f"{kind.department}{kind.label}：{row['event_date']}"]
    if row["code"]:
        parts.append(kind.codes.get(row["code"], row["code"]))
    if row["amount"] is not None:
        parts.append(f"{row['amount']:g}")
    return "，".join(parts)


def warning_payload(w: dict, f: dict, file_name: str, kinds: dict[str, FeedKind]) -> dict:
    """The ``warning`` record a desk receives for hub warning row ``w`` and its feed row ``f``."""
    kind = kinds[w["kind"]]
    rule_id = w["evidence_key"].split(":", 1)[0]
    rule = next(r for r in kind.rules if r.id == rule_id)
    evidence = {
        "department": kind.department,
        "feed": kind.label,
        "file": file_name or "",
        "line": f["line"],
        "row": json.loads(f["data"]),
    }
    return {
        "office_code": w["office_code"],
        "id_number": w["id_number"],
        "name": w["name"],
        "warning_type": rule.warning_type,
        "detail": _detail(kind, f),
        "date": f["event_date"],
        "kind": kind.kind,
        "rule": rule.id,
        "direction": rule.direction,
        "evidence": evidence,
        "deadline": w["deadline"],
        "suggested_action": rule.suggested_action,
        "community": w["community"],
        "household_key": w["household_key"],
        "category": w["category"],
        "residence_office": w["residence_office"],
        "pushed_on": w["pushed_on"],
        "escalated_on": w["escalated_on"],
    }


def _publish(database: db.Database, ids: list[str], kinds: dict[str, FeedKind]) -> None:
    """Send the warnings of ``ids`` (evidence keys) to their offices as ``warning`` records."""
    w, f = warnings.c, feed_rows.c
    query = (
        select(
            warnings,
            f.event_date,
            f.code,
            f.amount,
            f.data,
            f.line,
            feed_files.c.name.label("file_name"),
        )
        .join(feed_rows, feed_rows.c.row_key == w.row_key)
        .join(feed_files, feed_files.c.sha256 == f.file_sha, isouter=True)
    )
    for i in range(0, len(ids), PUBLISH_CHUNK):
        chunk = ids[i : i + PUBLISH_CHUNK]
        with database.write() as conn:
            rows = conn.execute(query.where(w.evidence_key.in_(chunk))).mappings().all()
            publish_hub_records(conn, _items(rows, kinds))


def _items(rows: Sequence[RowMapping], kinds: dict[str, FeedKind]) -> list:
    return [
        (WARNING, r["id"], dumps(warning_payload(dict(r), dict(r), r["file_name"], kinds)),
         list(dict.fromkeys(o for o in (r["office_code"], r["residence_office"]) if o)))
        for r in rows
    ]  # fmt: skip


def _publish_run(database: db.Database, run_id: str, kinds: dict[str, FeedKind]) -> None:
    """``_publish`` of every warning of run ``run_id``, read page by page in key order."""
    w, f = warnings.c, feed_rows.c
    query = (
        select(warnings, f.event_date, f.code, f.amount, f.data, f.line,
               feed_files.c.name.label("file_name"))
        .join(feed_rows, feed_rows.c.row_key == w.row_key)
        .join(feed_files, feed_files.c.sha256 == f.file_sha, isouter=True)
        .where(w.run_id == run_id)
        .order_by(w.evidence_key)
        .limit(PUBLISH_CHUNK)
    )  # fmt: skip
    last = ""
    while True:
        with database.write() as conn:
            rows = conn.execute(query.where(w.evidence_key > last)).mappings().all()
            if not rows:
                return
            publish_hub_records(conn, _items(rows, kinds))
        last = rows[-1]["evidence_key"]


def run(
    database: db.Database,
    *,
    scope: str = "city",
    district: str = "",
    feeds: list[str] | None = None,
    today: date | None = None,
    deadline_days: int | None = None,
    cancel: threading.Event | None = None,
    calendar: WorkCalendar | None = None,
    changed_only: bool = False,
) -> RunReport:
    """One comparison run; ``feeds`` None = every kind. Cancelling stops between rules (what
    was inserted stays: a later run would insert the same and nothing more). ``changed_only``
    skips the kinds with no file imported since the last finished run of the same scope, when
    the registry did not change either (they could not match anything new)."""
    if scope not in ("city", "district") or (scope == "district") != bool(district):
        raise ValueError("比对范围应为全市（city）或指定区的区级比对（district）")
    kinds = load_kinds()
    chosen = (
        [kinds[k] for k in (feeds or list(kinds))]
        if all(k in kinds for k in (feeds or []))
        else None
    )
    if chosen is None:
        unknown = [k for k in feeds or [] if k not in kinds]
        raise ValueError(f"数据类别未定义：{'、'.join(unknown)}")
    today = today or date.today()
    cal = calendar or WorkCalendar()
    report = RunReport(str(uuid.uuid4()), scope, district)
    with database.write() as conn:
        conn.execute(runs.insert().values(id=report.run_id, scope=scope, district=district,
                                          started_at=time.time(), status="running", report="{}"))  # fmt: skip
    last = _last_run_start(database, scope, district) if changed_only else None
    rebuilt = registry.refresh_from_cases(database)
    if last is not None and not rebuilt and not _registry_touched_since(database, last):
        fresh = _kinds_imported_since(database, last)
        report.skipped = [k.kind for k in chosen if k.kind not in fresh]
        chosen = [k for k in chosen if k.kind in fresh]
    where_district = district or None
    for kind in chosen:
        if cancel is not None and cancel.is_set():
            report.status = "cancelled"
            break
        with database.write() as conn:
            report.rows_read[kind.kind] = int(conn.execute(
                text("SELECT COUNT(*) FROM hub_feed_rows WHERE kind = :k"), {"k": kind.kind}
            ).scalar() or 0)  # fmt: skip
            for rule in kind.rules:
                conn.execute(
                    text(_rule_sql(rule, where_district)),
                    _params(kind, rule, report.run_id, where_district),
                )
            _stamp(conn, report, kind, today, cal, deadline_days)
            for _name, text_ in conn.execute(
                select(feed_files.c.name, feed_files.c.report).where(feed_files.c.kind == kind.kind)
            ):
                for e in json.loads(text_).get("errors", []):
                    report.refused_rows += 1
                    reason = f"{e['column']}：{e['reason']}"
                    report.refused_reasons[reason] = report.refused_reasons.get(reason, 0) + 1
    _publish_run(database, report.run_id, kinds)
    if report.status == "running":
        report.status = "done"
    with database.write() as conn:
        conn.execute(
            runs.update().where(runs.c.id == report.run_id).values(
                finished_at=time.time(), status=report.status,
                report=json.dumps(asdict(report), ensure_ascii=False))
        )  # fmt: skip
    return report


def _last_run_start(database: db.Database, scope: str, district: str) -> float | None:
    t = runs.c
    with database.read() as conn:
        found = conn.execute(
            select(func.max(t.started_at)).where(
                t.scope == scope, t.district == district, t.status == "done"
            )
        ).scalar()
    return float(found) if found is not None else None


def _kinds_imported_since(database: db.Database, since: float) -> set[str]:
    t = feed_files.c
    with database.read() as conn:
        return set(conn.execute(select(t.kind).where(t.imported_at >= since)).scalars())


def _registry_touched_since(database: db.Database, since: float) -> bool:
    """Whether a list import (not a case rebuild) happened after ``since``."""
    with database.read() as conn:
        found = conn.execute(
            select(db.counters.c.value).where(db.counters.c.name == registry.LIST_STAMP)
        ).scalar()
    return found is not None and int(found) >= int(since * 1000)


def _stamp(
    conn: Connection,
    report: RunReport,
    kind: FeedKind,
    today: date,
    cal: WorkCalendar,
    deadline_days: int | None,
) -> None:
    """Give this run's new warnings of ``kind`` their id, push date and deadline; count them."""
    t = warnings.c
    new = conn.execute(
        select(t.evidence_key, t.office_code).where(t.run_id == report.run_id, t.kind == kind.kind)
    ).all()
    for rule in kind.rules:  # one deadline per rule: same push date, same working days
        days = deadline_days if deadline_days is not None else rule.deadline_working_days
        conn.execute(
            warnings.update()
            .where(t.run_id == report.run_id, t.kind == kind.kind,
                   t.evidence_key.like(f"{rule.id}:%"))
            .values(pushed_on=today.isoformat(),
                    deadline=cal.add_working_days(today, days).isoformat())
        )  # fmt: skip
    _set_ids(conn, [(str(uuid.uuid5(NAMESPACE, key)), key) for key, _o in new])
    offices: Counter[str] = Counter(office for _k, office in new)
    if new:
        report.new_by_kind[kind.label] = len(new)
    for office, n in offices.items():
        report.new_by_office[office] = report.new_by_office.get(office, 0) + n
    matched = conn.execute(
        text("SELECT COUNT(*) FROM hub_discovery_warnings WHERE kind = :k"), {"k": kind.kind}
    ).scalar()
    report.matched[kind.kind] = int(matched or 0)


def _set_ids(conn: Connection, pairs: list[tuple[str, str]]) -> None:
    """Give warnings (evidence key) their record id: executemany on SQLite; on PostgreSQL a
    COPY into a temporary table and one UPDATE … FROM."""
    if conn.dialect.name == "sqlite" or not pairs:
        bulk(conn, "UPDATE hub_discovery_warnings SET id = %s WHERE evidence_key = %s", pairs)
        return
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    cur.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS warning_ids (id VARCHAR(36), "
        "evidence_key VARCHAR(80)) ON COMMIT DELETE ROWS"
    )
    with cur.copy("COPY warning_ids (id, evidence_key) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for pair in pairs:
            copy.write_row(pair)
    cur.execute(
        "UPDATE hub_discovery_warnings w SET id = x.id FROM warning_ids x "
        "WHERE w.evidence_key = x.evidence_key"
    )
    cur.execute("DELETE FROM warning_ids")
    cur.close()


def direction_label(direction: str) -> str:
    """待遇核查 / 发现线索."""
    return DIRECTIONS.get(direction, direction)
