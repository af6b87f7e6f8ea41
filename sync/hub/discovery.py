"""After a run: the drop folder scanned once, overdue warnings escalated to the district
(区级预警督办), and the statistics in the article's terms (pushed, checked, person-times
handled, families adjusted, households and people newly included) as xlsx and a printed sheet."""

from __future__ import annotations

import io
import json
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from sync.hub import db
from sync.hub.compare import _publish
from sync.hub.feeds import load_kinds
from sync.hub.feeds.importer import FeedRefused, ImportReport, import_feed, write_error_report
from sync.hub.feeds.tables import warnings


def scan_folder(database: db.Database, folder: Path) -> list[tuple[str, str]]:
    """Import every file of ``folder/<kind>/`` once; move it to ``done/`` or ``refused/`` with
    its error report beside it. Returns (file, summary) per file (run by a scheduler)."""
    out: list[tuple[str, str]] = []
    (folder / "done").mkdir(parents=True, exist_ok=True)
    (folder / "refused").mkdir(exist_ok=True)
    for kind in load_kinds():
        inbox = folder / kind
        if not inbox.is_dir():
            continue
        for path in sorted(p for p in inbox.iterdir() if p.is_file()):
            target = folder / "done"
            try:
                report: ImportReport = import_feed(database, kind, path)
                summary = report.summary()
                errors = write_error_report(report, folder / "done" / f"{path.name}.errors.csv")
                if errors is not None:
                    summary += f"，错误明细：{errors.name}"
            except FeedRefused as exc:
                target, summary = folder / "refused", str(exc)
            shutil.move(str(path), target / path.name)
            out.append((path.name, summary))
    return out


def _disposals(conn: object) -> dict[str, dict]:
    t = db.records.c
    rows = conn.execute(  # type: ignore[attr-defined]
        select(t.payload).where(t.entity == "warning_disposal", t.deleted.is_(False))
    ).scalars()
    out: dict[str, dict] = {}
    for text in rows:
        p = json.loads(text)
        if p.get("disposal"):
            out[str(p.get("warning_id"))] = p
    return out


def escalate(database: db.Database, today: date | None = None) -> dict[str, int]:
    """Mark warnings past their deadline with no outcome as escalated (once), republish them
    to their desks; return the count newly escalated by district."""
    today = today or date.today()
    t = warnings.c
    with database.write() as conn:
        done = _disposals(conn)
        districts = dict(conn.execute(select(db.offices.c.code, db.offices.c.district)).all())
        late = conn.execute(
            select(t.evidence_key, t.id, t.office_code)
            .where(t.deadline < today.isoformat(), t.escalated_on.is_(None), t.id.is_not(None))
            .order_by(t.evidence_key)
        ).all()
        keys = [k for k, wid, _o in late if wid not in done]
        counts: dict[str, int] = defaultdict(int)
        for _k, wid, office in late:
            if wid not in done:
                counts[districts.get(office, office)] += 1
        for i in range(0, len(keys), 500):
            conn.execute(
                warnings.update()
                .where(t.evidence_key.in_(keys[i : i + 500]))
                .values(escalated_on=today.isoformat())
            )
    _publish(database, keys, load_kinds())
    return dict(counts)


@dataclass(frozen=True)
class StatRow:
    """One office's figures for one month."""

    month: str
    district: str
    office_code: str
    office_name: str
    pushed: int
    checked: int
    handled: int  # person-times: persons of the warnings checked
    adjusted_families: int
    new_households: int
    new_people: int
    overdue: int


HEADERS = ("月份", "区", "街道代码", "街道", "推送预警", "已核查", "处置排查人次",
           "调整待遇家庭", "新纳入户数", "新纳入人数", "逾期未处置")  # fmt: skip


def statistics(database: db.Database, today: date | None = None) -> list[StatRow]:
    """The figures by month of push, office and district (from warnings and disposals)."""
    today = today or date.today()
    t = warnings.c
    with database.read() as conn:
        done = _disposals(conn)
        offices = {c: (n, d) for c, n, d in conn.execute(select(db.offices)).all()}
        rows = conn.execute(
            select(t.id, t.office_code, t.pushed_on, t.deadline, t.household_key,
                   t.household_size, t.id_number).where(t.id.is_not(None))
        ).all()  # fmt: skip
    acc: dict[tuple[str, str], dict] = {}
    for wid, office, pushed, deadline, household, size, person in rows:
        key = ((pushed or "")[:7], office)
        a = acc.setdefault(key, {"pushed": 0, "checked": 0, "persons": set(),
                                 "adjusted": set(), "new": set(), "people": 0, "overdue": 0})  # fmt: skip
        a["pushed"] += 1
        d = done.get(wid)
        if d is None:
            if deadline and deadline < today.isoformat():
                a["overdue"] += 1
            continue
        a["checked"] += 1
        a["persons"].add(person)
        if d["disposal"] == "adjust_benefit":
            a["adjusted"].add(household)
        if d["disposal"] == "add_to_coverage" and household not in a["new"]:
            a["new"].add(household)
            a["people"] += int(size or 1)
    out = []
    for (month, office), a in sorted(acc.items()):
        name, district = offices.get(office, (office, ""))
        out.append(StatRow(month, district, office, name, a["pushed"], a["checked"],
                           len(a["persons"]), len(a["adjusted"]), len(a["new"]), a["people"],
                           a["overdue"]))  # fmt: skip
    return out


def _values(r: StatRow) -> list[object]:
    return [r.month, r.district, r.office_code, r.office_name, r.pushed, r.checked, r.handled,
            r.adjusted_families, r.new_households, r.new_people, r.overdue]  # fmt: skip


def statistics_xlsx(rows: list[StatRow]) -> bytes:
    """The figures as an Excel workbook: one sheet by office, one by district."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "按街道"
    sheet.append(list(HEADERS))
    for r in rows:
        sheet.append(_values(r))
    by_district: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * 7)
    for r in rows:
        acc = by_district[(r.month, r.district)]
        for i, v in enumerate(_values(r)[4:]):
            acc[i] += int(v)  # type: ignore[call-overload]
    districts = book.create_sheet("按区")
    districts.append(["月份", "区", *HEADERS[4:]])
    for (month, district), acc in sorted(by_district.items()):
        districts.append([month, district, *acc])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def statistics_pdf(rows: list[StatRow], month: str) -> bytes:
    """The printed monthly sheet (预警处置月报) of ``month`` (YYYY-MM), offices and a total."""
    from reportlab.lib.pagesizes import A4, landscape

    from reports.layout import build_pdf, frame_width, grid_table, make_context

    ctx = make_context()
    page = landscape(A4)
    chosen = [r for r in rows if r.month == month]
    body = [[str(v) for v in _values(r)[1:]] for r in chosen]
    totals = ["合计", "", ""] + [str(sum(int(_values(r)[i]) for r in chosen))  # type: ignore[call-overload]
                                for i in range(4, 11)]  # fmt: skip
    width = frame_width(page)
    widths = [width * f for f in (0.08, 0.1, 0.16, 0.08, 0.08, 0.1, 0.1, 0.08, 0.08, 0.14)]
    story = [
        ctx.p(f"低收入人口动态监测预警处置情况月报（{month}）", "title"),
        grid_table(ctx, HEADERS[1:], body, widths, "lllrrrrrrr", totals=totals),
    ]
    return build_pdf(ctx, story, title=f"预警处置月报 {month}", pagesize=page)
