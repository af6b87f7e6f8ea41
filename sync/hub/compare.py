"""比对筛查: feed rows × the low-income registry → warnings (预警), set-based in SQL.

A run (city or one district, over chosen feed kinds) inserts one warning per (rule, evidence
row) — the evidence key makes a re-run add nothing — then publishes the new warnings to the
household's registration office (owner) and residence office (informed)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import Connection, RowMapping, func, select, text

from desktop.domain.calendar import WorkCalendar
from sync.hub import db, registry
from sync.hub.feeds import DIRECTIONS, FeedKind, Rule, load_kinds
from sync.hub.feeds.tables import bulk, feed_files, feed_rows, runs, warnings
from sync.hub.records import dumps, empty_table, publish_hub_records, publish_selected
from sync.hub.sqltext import SqlText, lit, sql_text
from sync.protocol import WARNING

NAMESPACE = uuid.UUID("9c41a7e2-0d3b-4f8e-b6a1-7e52d9c03f44")
PUBLISH_CHUNK = 50000  # warnings read into Python at once (the reference path)
WORK_MEM = "64MB"  # PostgreSQL memory for one matching statement's hash table


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


_WARNING_COLUMNS = ("evidence_key, id, kind, direction, id_number, name, office_code, "
                    "residence_office, community, household_key, category, household_size, "
                    "row_key, run_id, pushed_on, deadline")  # fmt: skip
_EVIDENCE_COLUMNS = ("event_date", "code", "amount", "line", "data", "file_sha")
_NEW = "hub_warnings_new"  # one kind's new warnings with their records, before publication


@dataclass(frozen=True)
class Match:
    """One rule of one run: the values its SQL holds as literals."""

    kind: FeedKind
    rule: Rule
    run_id: str
    district: str | None
    pushed: date
    deadline: date


def _matches(m: Match, sql: SqlText | None, evidence: bool) -> str:
    """SELECT of the rule's matches (feed rows × registry) as warning rows: ``h`` is the value
    the id is made from (``SqlText.uuid_hash``); ``evidence`` adds the feed row's columns the
    record needs. Every value is a literal (the statement has no placeholders)."""
    rule = m.rule
    where = [f"f.kind = {lit(m.kind.kind)}", "f.event_date >= r.valid_from",
             "(r.valid_to IS NULL OR f.event_date <= r.valid_to)"]  # fmt: skip
    if rule.applies_to == "assisted":
        where.append("r.assisted = TRUE")
    elif rule.applies_to == "unassisted":
        where.append("r.assisted = FALSE")
        where.append(
            "NOT EXISTS (SELECT 1 FROM hub_registry a WHERE a.id_number = r.id_number "
            "AND a.assisted = TRUE)"
        )
    if rule.codes:
        where.append(f"f.code IN ({', '.join(lit(c) for c in rule.codes)})")
    if rule.amount_at_least is not None:
        where.append(f"f.amount >= {float(rule.amount_at_least)!r}")
    if m.district is not None:
        where.append(
            f"r.office_code IN (SELECT code FROM hub_offices WHERE district = {lit(m.district)})"
        )
    key = f"{lit(rule.id)} || ':' || f.row_key"
    hashed = sql.uuid_hash(NAMESPACE, key) if sql is not None else "NULL"
    extra = "".join(f", f.{c}" for c in _EVIDENCE_COLUMNS) if evidence else ""
    return (
        f"SELECT {key} AS evidence_key, {hashed} AS h, f.kind, {lit(rule.direction)} AS direction, "
        "r.id_number, r.name, r.office_code, r.residence_office, r.community, r.household_key, "
        f"r.category, r.household_size, f.row_key, {lit(m.run_id)} AS run_id, "
        f"{lit(m.pushed.isoformat())} AS pushed_on, {lit(m.deadline.isoformat())} AS deadline"
        f"{extra} FROM hub_feed_rows f JOIN hub_registry r ON r.id_number = f.id_number "
        "WHERE " + " AND ".join(where)
    )


def _rule_sql(m: Match, sql: SqlText | None) -> str:
    """The rule's INSERT … SELECT of every new warning with its push date and deadline and,
    when ``sql`` is given, its id (uuid5 of the evidence key; the hash computed once per row in
    the fenced inner query); without, the ids are set afterwards in Python (``_set_ids``)."""
    made = sql.uuid_of(NAMESPACE, "m.h") if sql is not None else "NULL"
    fence = sql.fence if sql is not None else ""
    rest = _WARNING_COLUMNS.split(", ", 2)[2]
    return (
        f"INSERT INTO hub_discovery_warnings ({_WARNING_COLUMNS}) "
        f"SELECT m.evidence_key, {made}, {rest} FROM ({_matches(m, sql, False)}{fence}) m "
        "WHERE true ON CONFLICT (evidence_key) DO NOTHING"  # WHERE: SQLite's upsert grammar
    )


def _record_sql(m: Match, sql: SqlText, source: str) -> str:
    """INSERT into ``_NEW`` of the ``warning`` records of the new warnings ``source`` gives
    (alias ``m``: warning and evidence columns), each payload the text
    ``dumps(warning_payload(…))`` makes: the rule's constants pre-encoded, the feed row's
    evidence JSON spliced in as stored (hub step 13 keeps it in the form ``dumps`` writes),
    the amount as ``f"{x:g}"``; a new warning is not escalated."""
    kind, rule, q = m.kind, m.rule, sql.json
    codes = [f"SELECT {lit(c)} AS code, {lit(label)} AS label" for c, label in kind.codes.items()]
    detail = (
        f"{lit(kind.department + kind.label + '：')} || m.event_date || CASE WHEN m.code <> '' "
        "THEN '，' || COALESCE(k.label, m.code) ELSE '' END || CASE WHEN m.amount IS NOT NULL "
        f"THEN '，' || {sql.g('m.amount')} ELSE '' END"
    )
    evidence = (f',"kind":{dumps(kind.kind)},"rule":{dumps(rule.id)},"direction":'
                f'{dumps(rule.direction)},"evidence":{{"department":{dumps(kind.department)},'
                f'"feed":{dumps(kind.label)},"file":')  # fmt: skip
    parts = [
        '{"office_code":', q("m.office_code"), ',"id_number":', q("m.id_number"),
        ',"name":', q("m.name"), f',"warning_type":{dumps(rule.warning_type)},"detail":',
        q(detail), ',"date":', q("m.event_date"), evidence, q("COALESCE(ff.name, '')"),
        ',"line":', sql.integer("m.line"), ',"row":', "m.data", '},"deadline":',
        q("m.deadline"), f',"suggested_action":{dumps(rule.suggested_action)},"community":',
        q("m.community"), ',"household_key":', q("m.household_key"), ',"category":',
        q("m.category"), ',"residence_office":', q("m.residence_office"), ',"pushed_on":',
        q("m.pushed_on"), ',"escalated_on":null}',
    ]  # fmt: skip
    # the odd parts are SQL, the even ones text
    payload = " || ".join(lit(p) if i % 2 == 0 else p for i, p in enumerate(parts))
    return (
        f"INSERT INTO {_NEW} (ord, id, payload, offices) "
        f"SELECT row_number() OVER (ORDER BY m.evidence_key), m.id, {payload}, "
        f"{sql.offices('m.office_code', 'm.residence_office')} FROM {source} "
        "LEFT JOIN hub_feed_files ff ON ff.sha256 = m.file_sha "
        f"LEFT JOIN ({' UNION ALL '.join(codes or ['SELECT NULL AS code, NULL AS label'])}) k "
        "ON k.code = m.code"
    )


def _new_warnings(conn: Connection, m: Match, sql: SqlText) -> None:
    """Insert the rule's new warnings with their ids and publish their records, staged in
    ``_NEW`` in evidence-key order (the order the reference path reads them in). On
    PostgreSQL one statement stages them: the matches (their evidence read once, in the scan)
    feed the warnings' INSERT, whose RETURNING names the new ones; on SQLite the new warnings
    are read back with their feed rows."""
    _stage(conn, sql)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    with sql.float_g(cur):
        _stage_rule(conn, m, sql)
    cur.close()
    publish_selected(conn, f"SELECT ord, '{WARNING}' AS entity, id, payload, offices FROM {_NEW}")
    _stage(conn, sql)


def _stage_rule(conn: Connection, m: Match, sql: SqlText) -> None:
    if sql.sqlite:
        _execute(conn, _rule_sql(m, sql))
        evidence = ", ".join(f"f.{c}" for c in _EVIDENCE_COLUMNS)
        source = (
            f"(SELECT w.*, {evidence} FROM hub_discovery_warnings w JOIN hub_feed_rows f "
            f"ON f.row_key = w.row_key WHERE w.run_id = {lit(m.run_id)} AND w.kind = "
            f"{lit(m.kind.kind)} AND substr(w.evidence_key, 1, {len(m.rule.id) + 1}) = "
            f"{lit(m.rule.id + ':')}) m"
        )
        _execute(conn, _record_sql(m, sql, source))
        return
    rest = _WARNING_COLUMNS.split(", ", 2)[2]
    made = sql.uuid_of(NAMESPACE, "x.h")
    _execute(
        conn,
        f"WITH m AS (SELECT x.*, {made} AS id FROM ({_matches(m, sql, True)}{sql.fence}) x), "
        f"ins AS (INSERT INTO hub_discovery_warnings ({_WARNING_COLUMNS}) "
        f"SELECT evidence_key, id, {rest} FROM m ON CONFLICT (evidence_key) DO NOTHING "
        "RETURNING evidence_key) "
        + _record_sql(m, sql, "m JOIN ins ON ins.evidence_key = m.evidence_key"),
    )


def _stage(conn: Connection, sql: SqlText) -> None:
    """``_NEW``, empty."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    cur.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_NEW} (ord BIGINT NOT NULL, "
        "id VARCHAR(36) NOT NULL, payload TEXT NOT NULL, offices TEXT NOT NULL)"
    )
    empty_table(cur, sql.sqlite, _NEW)
    cur.close()


def _execute(conn: Connection, statement: str) -> None:
    """``statement`` (no placeholders) on this transaction's DBAPI cursor."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    cur.execute(statement)
    cur.close()


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
            chosen = query.where(w.evidence_key.in_(chunk)).order_by(w.evidence_key)
            rows = conn.execute(chosen).mappings().all()
            publish_hub_records(conn, _items(rows, kinds))


def _items(rows: Sequence[RowMapping], kinds: dict[str, FeedKind]) -> list:
    return [
        (WARNING, r["id"], dumps(warning_payload(dict(r), dict(r), r["file_name"], kinds)),
         list(dict.fromkeys(o for o in (r["office_code"], r["residence_office"]) if o)))
        for r in rows
    ]  # fmt: skip


def _publish_rule(conn: Connection, m: Match, kinds: dict[str, FeedKind]) -> None:
    """Publish the rule's new warnings of this run, read page by page in evidence-key order,
    each payload built in Python by ``warning_payload`` (the reference path)."""
    w, f = warnings.c, feed_rows.c
    query = (
        select(warnings, f.event_date, f.code, f.amount, f.data, f.line,
               feed_files.c.name.label("file_name"))
        .join(feed_rows, feed_rows.c.row_key == w.row_key)
        .join(feed_files, feed_files.c.sha256 == f.file_sha, isouter=True)
        .where(w.run_id == m.run_id, w.kind == m.kind.kind,
               func.substr(w.evidence_key, 1, len(m.rule.id) + 1) == m.rule.id + ":")
        .order_by(w.evidence_key)
        .limit(PUBLISH_CHUNK)
    )  # fmt: skip
    last = ""
    while True:
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
    fast: bool = True,
) -> RunReport:
    """One comparison run; ``feeds`` None = every kind. Cancelling stops between kinds (what
    was inserted stays: a later run would insert the same and nothing more). ``changed_only``
    skips the kinds with no file imported since the last finished run of the same scope, when
    the registry did not change either (they could not match anything new). ``fast=False``
    makes the ids and the published records in Python (the reference path; same result)."""
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
    rebuilt = registry.refresh_from_cases(database, fast=fast)
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
            sql = sql_text(conn) if fast else None
            if sql is not None and not sql.sqlite:  # the registry's hash table in memory,
                _execute(conn, f"SET LOCAL work_mem = '{WORK_MEM}'")  # not in batches; no
                _execute(conn, "SET LOCAL jit = off")  # JIT (see records._publish_cursor)
            for rule in kind.rules:  # one deadline per rule: same push date, same working days
                days = deadline_days if deadline_days is not None else rule.deadline_working_days
                match = Match(kind, rule, report.run_id, where_district, today,
                              cal.add_working_days(today, days))  # fmt: skip
                if sql is not None:
                    _new_warnings(conn, match, sql)
                    continue
                _execute(conn, _rule_sql(match, None))
                _set_ids(conn, report.run_id, kind)
                _publish_rule(conn, match, kinds)
            for _name, text_ in conn.execute(
                select(feed_files.c.name, feed_files.c.report).where(feed_files.c.kind == kind.kind)
            ):
                for e in json.loads(text_).get("errors", []):
                    report.refused_rows += 1
                    reason = f"{e['column']}：{e['reason']}"
                    report.refused_reasons[reason] = report.refused_reasons.get(reason, 0) + 1
    if report.status == "running":
        report.status = "done"
    with database.read() as conn:
        _count(conn, report, [k for k in chosen if k.kind in report.rows_read])
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


def _count(conn: Connection, report: RunReport, kinds: list[FeedKind]) -> None:
    """The run's new warnings by kind and office, and every warning of the kinds compared."""
    labels = {k.kind: k.label for k in kinds}
    found = conn.execute(
        text("SELECT kind, office_code, COUNT(*) FROM hub_discovery_warnings "
             "WHERE run_id = :run GROUP BY kind, office_code ORDER BY kind, office_code"),
        {"run": report.run_id},
    ).all()  # fmt: skip
    for kind, office, n in found:
        if kind in labels:
            report.new_by_kind[labels[kind]] = report.new_by_kind.get(labels[kind], 0) + int(n)
            report.new_by_office[office] = report.new_by_office.get(office, 0) + int(n)
    matched: dict[str, int] = dict(conn.execute(
        text("SELECT kind, COUNT(*) FROM hub_discovery_warnings GROUP BY kind")
    ).all())  # fmt: skip
    for kind in labels:
        report.matched[kind] = int(matched.get(kind, 0))


def _set_ids(conn: Connection, run_id: str, kind: FeedKind) -> None:
    """Give this run's new warnings of ``kind`` their record id, uuid5 of the evidence key, in
    Python (executemany on SQLite; on PostgreSQL a COPY into a temporary table and one
    UPDATE … FROM)."""
    t = warnings.c
    keys = conn.execute(
        select(t.evidence_key).where(t.run_id == run_id, t.kind == kind.kind, t.id.is_(None))
    ).scalars()
    pairs = [(str(uuid.uuid5(NAMESPACE, key)), key) for key in keys]
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
