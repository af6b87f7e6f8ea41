"""走访台账: the printed visit ledger of one community and period — one row per visit, the ID
number masked as on every public sheet, signatures of the preparer and the reviewer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from desktop.domain.visits import VisitLedgerLine
from desktop.errors import ReportError
from reports.fonts import FontConfig
from reports.layout import (
    LANDSCAPE,
    RenderContext,
    build_pdf,
    frame_width,
    grid_table,
    make_context,
    spacer,
)
from reports.privacy import mask_id

WIDTH = frame_width(LANDSCAPE)
HEAD = ("序号", "走访日期", "户主姓名", "公民身份号码", "住址", "走访人", "见到的人",
        "走访发现", "发现问题", "明白纸", "被访人签字", "跟进")  # fmt: skip
_FRACTIONS = (0.04, 0.08, 0.07, 0.13, 0.17, 0.07, 0.09, 0.1, 0.08, 0.05, 0.07, 0.05)


@dataclass(frozen=True)
class LedgerSheet:
    """What the printed ledger shows."""

    title: str
    office_name: str
    community: str
    start: date
    end: date
    lines: Sequence[VisitLedgerLine]
    prepared_by: str


def _masked(number: str, row: int) -> str:
    if "*" in number:
        return number  # masked by the core already
    return mask_id(number, f"第 {row} 行公民身份号码") if number else ""


def ledger_story(ctx: RenderContext, sheet: LedgerSheet) -> list[Flowable]:
    """The ledger flowables: title, period, the visit table with a total, signatures."""
    if not sheet.lines:
        raise ReportError(f"{sheet.community}在{sheet.start}至{sheet.end}没有走访记录，台账为空")
    body = [
        (str(i), r.visited_on.isoformat(), r.name, _masked(r.id_number, i), r.address,
         r.visitor, r.met, r.findings, r.problems, r.leaflet, r.signed, r.follow_up)
        for i, r in enumerate(sheet.lines, 1)
    ]  # fmt: skip
    homes = len({(r.name, r.address) for r in sheet.lines})
    totals = ("合计", f"{len(body)} 次", f"{homes} 户", "", "", "", "", "", "", "", "", "")
    widths = [WIDTH * f for f in _FRACTIONS]
    story: list[Flowable] = [ctx.fitted(sheet.title, WIDTH, min_size=11)]
    story.append(
        ctx.p(f"走访期间：{sheet.start.isoformat()} 至 {sheet.end.isoformat()}", "subtitle")
    )
    story.append(
        grid_table(ctx, HEAD, body, widths, "cccclcccccc" + "c", totals=totals, row_height=9 * mm)
    )
    sign = f"制表人：{sheet.prepared_by or '________'}　　　　审核人：________"
    story += [spacer(4), ctx.p(sign, "text")]
    return story


def render_visit_ledger(sheet: LedgerSheet, *, font: FontConfig | None = None) -> bytes:
    """走访台账 PDF: A4 landscape, header repeated on every page, page numbers."""
    ctx = make_context(font)
    return build_pdf(ctx, ledger_story(ctx, sheet), title=sheet.title, pagesize=LANDSCAPE,
                     header=sheet.title)  # fmt: skip
