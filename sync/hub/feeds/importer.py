"""Import one department feed file into ``hub_feed_rows``: the header is checked whole, each
bad row goes to a row-level error report, good rows import; content keys make a second import
of the same rows change nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import mul
from pathlib import Path

import orjson

from desktop.domain.ids import _CHECK, _PROVINCES, _WEIGHTS, parse_id
from desktop.errors import ValidationError
from sync.hub import db
from sync.hub.feeds import FIELDS, FeedKind, feed_kind
from sync.hub.feeds.reader import read_rows
from sync.hub.feeds.staged import Stager, crypto_schema
from sync.hub.feeds.tables import bulk, feed_files

BATCH = 20000
FIELD_CN = {
    "id_number": "公民身份号码",
    "name": "姓名",
    "event_date": "日期",
    "code": "类别代码",
    "amount": "金额/数量",
}
_DATE_RE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})(?:[-/.月]?(\d{1,2})日?)?$")


class FeedRefused(ValueError):
    """The whole file is refused (wrong or missing columns, unknown kind); nothing imported."""


@dataclass(frozen=True)
class RowError:
    """One refused row: where and why."""

    file: str
    line: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """What one import did."""

    kind: str
    file: str
    encoding: str
    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    already_imported: bool = False

    def summary(self) -> str:
        """One Chinese line for the console."""
        if self.already_imported:
            return f"{self.file}：该文件已导入过，未做任何更改"
        return (
            f"{self.file}（{self.encoding}）：读取{self.rows_read}行，导入{self.imported}行，"
            f"重复{self.duplicates}行，错误{len(self.errors)}行"
        )


def parse_date(text: str) -> str:
    """ISO date text of ``2026-10-05``, ``2026/10/5``, ``20261005`` or a month ``2026-10``."""
    m = _DATE_RE.match(text.strip())
    if not m:
        raise ValueError("日期格式不正确，应为 YYYY-MM-DD")
    year, month, day = int(m[1]), int(m[2]), int(m[3] or 1)
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"日期“{text}”不存在") from None


def _header_map(kind: FeedKind, header: list[str]) -> dict[str, int]:
    where: dict[str, int] = {}
    for fld, names in kind.columns.items():
        for name in names:
            if name in header:
                where[fld] = header.index(name)
                break
    missing = [kind.columns[f][0] for f in kind.required if f not in where]
    if missing:
        got = "、".join(h for h in header if h) or "（空）"
        raise FeedRefused(
            f"{kind.label}数据缺少必需的列：{'、'.join(missing)}（文件中的列：{got}），整个文件未导入"
        )
    return where


@lru_cache(maxsize=1 << 18)
def _id_number(raw: str) -> tuple[str, str]:
    """(normalised number, "") or ("", reason): feeds repeat a person month after month."""
    try:
        return parse_id(raw).number, ""
    except ValidationError as exc:
        return "", exc.detail


def _clean(kind: FeedKind, cells: list[str], where: dict[str, int]) -> dict[str, str] | RowError:
    values = {f: (cells[i].strip() if i < len(cells) else "") for f, i in where.items()}
    out = {f: "" for f in FIELDS}
    problem: tuple[str, str] | None = None
    out["id_number"], reason = _id_number(values["id_number"])
    if reason:
        problem = ("id_number", reason)
    if problem is None and "name" in kind.required and not values.get("name"):
        problem = ("name", "不能为空")
    out["name"] = values.get("name", "")[:40]
    if problem is None:
        try:
            out["event_date"] = parse_date(values["event_date"])
        except ValueError as exc:
            problem = ("event_date", str(exc))
    if problem is None and "code" in where:
        code = values["code"]
        by_label = {v: k for k, v in kind.codes.items()}
        code = code if code in kind.codes else by_label.get(code, code)
        if kind.codes and code not in kind.codes:
            problem = ("code", f"“{values['code']}”不是有效代码（{'、'.join(kind.codes)}）")
        out["code"] = code
    if problem is None and "amount" in where and values["amount"]:
        try:
            amount = Decimal(values["amount"].replace(",", ""))
            if amount < 0 or not amount.is_finite():
                raise InvalidOperation
            out["amount"] = str(amount)
        except InvalidOperation:
            problem = ("amount", f"“{values['amount']}”不是有效数值")
    if problem is not None:
        fld, reason = problem
        return RowError("", 0, fld, reason)
    return out


def row_key(kind: FeedKind, row: dict[str, str]) -> str:
    """Content key of one feed row: the kind and its key fields."""
    text = "|".join([kind.kind, *(row[k] for k in kind.key)])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def file_sha(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


_INSERT = (
    "INSERT INTO hub_feed_rows (row_key, kind, id_number, name, event_date, code, amount, data, "
    "file_sha, line) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (row_key) DO NOTHING"
)


_COLUMNS = "row_key, kind, id_number, name, event_date, code, amount, data, file_sha, line"


def _flush(database: db.Database, batch: list[tuple]) -> int:
    """Insert a batch; return how many rows were new. PostgreSQL loads it with COPY into a
    temporary table first, then one INSERT … SELECT … ON CONFLICT DO NOTHING."""
    if not batch:
        return 0
    with database.write() as conn:
        if database.is_sqlite:
            return bulk(conn, _INSERT, batch)
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cur.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS feed_load "
            "(LIKE hub_feed_rows INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cur.copy(f"COPY feed_load ({_COLUMNS}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for r in batch:
                copy.write_row(r)
        cur.execute(
            f"INSERT INTO hub_feed_rows ({_COLUMNS}) SELECT {_COLUMNS} FROM feed_load "
            "ON CONFLICT (row_key) DO NOTHING"
        )
        added = int(cur.rowcount)
        cur.close()
    return added


def _plain_row(
    kind: FeedKind,
    header: list[str],
    where: dict[str, int],
    name: str,
    sha: str,
    line: int,
    cells: list[str],
) -> tuple | RowError:
    """The reference path for one row: the insert tuple, or its RowError (file, line, column)."""
    cleaned = _clean(kind, cells, where)
    if isinstance(cleaned, RowError):
        column = header[where[cleaned.column]] if cleaned.column in where else ""
        return RowError(name, line, column or FIELD_CN[cleaned.column], cleaned.reason)
    evidence = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
    amount = float(cleaned["amount"]) if cleaned["amount"] else None
    return (row_key(kind, cleaned), kind.kind, cleaned["id_number"], cleaned["name"],
            cleaned["event_date"], cleaned["code"], amount,
            orjson.dumps(evidence).decode(), sha, line)  # fmt: skip


def plain_rows(
    kind: FeedKind,
    header: list[str],
    where: dict[str, int],
    name: str,
    sha: str,
    rows: Iterable[tuple[int, list[str]]],
) -> Iterator[tuple | RowError]:
    """Every row through the reference checks (``_clean``), one by one."""
    for line, cells in rows:
        yield _plain_row(kind, header, where, name, sha, line, cells)


_W_SUM_48 = 48 * sum(_WEIGHTS)
_MAX_CACHE = 1 << 16


@lru_cache(maxsize=4)
def _births(today: date) -> frozenset[str]:
    """Every YYYYMMDD from 1890-01-01 to ``today``: the birth dates ``parse_id`` accepts."""
    first = date(1890, 1, 1).toordinal()
    return frozenset(
        date.fromordinal(n).strftime("%Y%m%d") for n in range(first, today.toordinal() + 1)
    )


def fast_rows(
    kind: FeedKind,
    header: list[str],
    where: dict[str, int],
    name: str,
    sha: str,
    rows: Iterable[tuple[int, list[str]]],
) -> Iterator[tuple | RowError]:
    """The same output as ``plain_rows``, faster: a row passes only when precomputed checks
    (check-digit weights over the bytes, a set of valid birth dates, cached dates, one code
    map) accept it as it stands; every other row goes through the reference path, so each
    error is the reference path's own."""
    births = _births(date.today())
    provinces = frozenset(_PROVINCES)
    i_id, i_date = where["id_number"], where["event_date"]
    i_name, i_code, i_amount = where.get("name"), where.get("code"), where.get("amount")
    width = max(where.values()) + 1
    name_required = "name" in kind.required
    code_map: dict[str, str] | None = None
    if i_code is not None and kind.codes:
        code_map = {v: k for k, v in kind.codes.items()}
        code_map.update({k: k for k in kind.codes})
    simple_header = all(header) and len(set(header)) == len(header)
    n_header = len(header)
    positions = {"id_number": 0, "name": 1, "event_date": 2, "code": 3, "amount": 4}
    key_pos = [positions[k] for k in kind.key]
    dates: dict[str, str] = {}
    sha1, dumps, kc = hashlib.sha1, orjson.dumps, kind.kind
    weights = _WEIGHTS
    for line, cells in rows:
        if len(cells) < width:
            yield _plain_row(kind, header, where, name, sha, line, cells)
            continue
        idn = cells[i_id].strip()
        if not (
            len(idn) == 18
            and idn.isascii()
            and idn[:17].isdigit()
            and idn[:2] in provinces
            and idn[6:14] in births
            and idn[17] == _CHECK[(sum(map(mul, idn.encode()[:17], weights)) - _W_SUM_48) % 11]
        ):
            yield _plain_row(kind, header, where, name, sha, line, cells)
            continue
        person = cells[i_name].strip() if i_name is not None else ""
        if name_required and not person:
            yield _plain_row(kind, header, where, name, sha, line, cells)
            continue
        raw_date = cells[i_date].strip()
        day = dates.get(raw_date)
        if day is None:
            try:
                day = parse_date(raw_date)
            except ValueError:
                yield _plain_row(kind, header, where, name, sha, line, cells)
                continue
            if len(dates) < _MAX_CACHE:
                dates[raw_date] = day
        code = ""
        if i_code is not None:
            code = cells[i_code].strip()
            if code_map is not None:
                mapped = code_map.get(code)
                if mapped is None:
                    yield _plain_row(kind, header, where, name, sha, line, cells)
                    continue
                code = mapped
        amount_text, amount = "", None
        if i_amount is not None and (raw_amount := cells[i_amount].strip()):
            try:
                value = Decimal(raw_amount.replace(",", ""))
                if value < 0 or not value.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                yield _plain_row(kind, header, where, name, sha, line, cells)
                continue
            amount_text = str(value)
            amount = float(amount_text)
        out = (idn, person[:40], day, code, amount_text)
        key = sha1("|".join([kc, *[out[j] for j in key_pos]]).encode()).hexdigest()
        if simple_header and len(cells) == n_header:
            evidence = dict(zip(header, cells, strict=True))
        else:
            evidence = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        yield (key, kc, idn, out[1], day, code, amount, dumps(evidence).decode(), sha, line)


def import_feed(
    database: db.Database, kind_code: str, path: Path, *, fast: bool = True
) -> ImportReport:
    """Import ``path`` as feed ``kind_code``; FeedRefused when the file is refused whole.
    ``fast=False`` runs every row through the reference checks (same result, slower)."""
    kind = feed_kind(kind_code)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise FeedRefused(f"{path.name}：只接受 .csv 或 .xlsx 文件")
    sha = file_sha(path)
    with database.read() as conn:
        seen = conn.execute(feed_files.select().where(feed_files.c.sha256 == sha)).first()
    if seen is not None:
        return ImportReport(kind.kind, path.name, "", already_imported=True)
    header, rows, encoding = read_rows(path)
    where = _header_map(kind, header)
    report = ImportReport(kind.kind, path.name, encoding)
    stager = _stager(database, kind, header, where, path, sha) if fast else None
    if stager is not None:
        from sync.hub.feeds.staged import import_rows

        report.rows_read, report.imported, report.errors = import_rows(database, stager, rows)
        report.duplicates = report.rows_read - len(report.errors) - report.imported
        _record_file(database, kind, path, sha, report)
        return report
    batch: list[tuple] = []
    checked = (fast_rows if fast else plain_rows)(kind, header, where, path.name, sha, rows)
    # One batch is written (by the database, on its own thread) while the next is checked:
    # at most two batches are held, whatever the file's size.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-write") as writer:
        pending: Future[int] | None = None
        for item in checked:
            report.rows_read += 1
            if isinstance(item, RowError):
                report.errors.append(item)
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                if pending is not None:
                    report.imported += pending.result()
                pending = writer.submit(_flush, database, batch)
                batch = []
        if pending is not None:
            report.imported += pending.result()
    report.imported += _flush(database, batch)
    good = report.rows_read - len(report.errors)
    report.duplicates = good - report.imported
    _record_file(database, kind, path, sha, report)
    return report


def _has_nul(path: Path) -> bool:
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            if b"\x00" in chunk:
                return True
    return False


def _stager(
    database: db.Database,
    kind: FeedKind,
    header: list[str],
    where: dict[str, int],
    path: Path,
    sha: str,
) -> Stager | None:
    """The SQL path for this file when it can take it: PostgreSQL with pgcrypto, a header of
    distinct named columns and no NUL character (PostgreSQL text cannot hold one)."""
    if database.is_sqlite or not all(header) or len(set(header)) != len(header):
        return None
    with database.read() as conn:
        crypto = crypto_schema(conn)
    if crypto is None or (path.suffix.lower() == ".csv" and _has_nul(path)):  # none in xlsx
        return None
    return Stager(kind, header, where, path.name, sha, crypto)


def _record_file(
    database: db.Database, kind: FeedKind, path: Path, sha: str, report: ImportReport
) -> None:
    with database.write() as conn:
        conn.execute(
            feed_files.insert().values(
                sha256=sha,
                kind=kind.kind,
                name=path.name,
                imported_at=time.time(),
                report=json.dumps(asdict(report), ensure_ascii=False),
            )
        )


def write_error_report(report: ImportReport, target: Path) -> Path | None:
    """The row-level error report as a UTF-8 (BOM) CSV for Excel; None when no row failed."""
    if not report.errors:
        return None
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["文件", "行号", "列", "原因"])
        for e in report.errors:
            w.writerow([e.file, e.line, e.column, e.reason])
    return target
