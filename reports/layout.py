"""Shared layout of every document: styles, text fitting, tables, seal block, page frame."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from desktop.errors import ValidationError
from desktop.money import fmt_yuan
from reports.fonts import FontConfig, GlyphWarning, Typeface, typeface

# Binary (Flate-only) streams: ASCII85 armour makes files 25 % bigger and, without the C
# accelerator, costs a third of an archive dossier's time. Only reports/ uses reportlab.
rl_config.useA85 = 0

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 18 * mm
GRID = colors.HexColor("#444444")
HEAD_BG = colors.HexColor("#e8e8e8")
ALIGN = {"l": TA_LEFT, "c": TA_CENTER, "r": TA_RIGHT}
_ALIGN_NAME = {"l": "LEFT", "c": "CENTER", "r": "RIGHT"}


def fmt_date(value: date) -> str:
    """``2025年9月1日`` as on every Chinese official document."""
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_month(value: date) -> str:
    """``2025年9月``."""
    return f"{value.year}年{value.month}月"


def yuan(amount: Decimal) -> str:
    """``1,045.00元``."""
    return f"{fmt_yuan(amount)}元"


def require(value: object, field_cn: str, document: str) -> None:
    """Raise a ValidationError naming the field if a document needs it and it is empty."""
    if value is None or (isinstance(value, str | tuple | list) and len(value) == 0):
        raise ValidationError(field_cn, f"缺少此项，无法生成《{document}》", code="required")


def _styles(name: str) -> dict[str, ParagraphStyle]:
    def st(key: str, size: float, lead: float, align: int = TA_LEFT, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(
            key, fontName=name, fontSize=size, leading=lead, alignment=align, **kw
        )

    return {
        "title": st("title", 20, 28, TA_CENTER, spaceAfter=4),
        "subtitle": st("subtitle", 12, 18, TA_CENTER, spaceAfter=6),
        "h2": st("h2", 13, 20, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "body": st("body", 11, 18, firstLineIndent=22, wordWrap="CJK"),
        "text": st("text", 11, 18, wordWrap="CJK"),
        "small": st("small", 9, 13, wordWrap="CJK"),
        "right": st("right", 11, 18, TA_RIGHT),
        "cell": st("cell", 9.5, 12, wordWrap="CJK"),
        "cell_c": st("cell_c", 9.5, 12, TA_CENTER, wordWrap="CJK"),
        "cell_r": st("cell_r", 9.5, 12, TA_RIGHT, wordWrap="CJK"),
        "big": st("big", 13, 20, wordWrap="CJK"),
    }


@dataclass
class RenderContext:
    """One rendering: the fonts, the styles and the glyph warnings collected so far."""

    face: Typeface
    styles: dict[str, ParagraphStyle]
    warnings: list[GlyphWarning] = field(default_factory=list)

    @property
    def font(self) -> str:
        """reportlab name of the main font."""
        return self.face.name

    def markup(self, text: str, where: str = "") -> str:
        """Escaped paragraph markup with glyph fallback."""
        return self.face.markup(text, self.warnings, where)

    def p(self, text: str, style: str = "body", where: str = "") -> Paragraph:
        """A paragraph of user text (escaped, glyph-checked, wrapped)."""
        return Paragraph(self.markup(text, where), self.styles[style])

    def rich(self, markup: str, style: str = "body") -> Paragraph:
        """A paragraph of our own markup (already safe); user parts must go through ``markup``."""
        return Paragraph(markup, self.styles[style])

    def cell(self, text: str, width: float, align: str = "l", where: str = "") -> str | Paragraph:
        """A table cell: a plain string when it fits on one line, else a wrapping paragraph."""
        size = self.styles["cell"].fontSize
        fits = self.face.fits_primary(text) and "\n" not in text
        if fits and stringWidth(text, self.font, size) <= width - 6:
            return text
        style = {"l": "cell", "c": "cell_c", "r": "cell_r"}[align]
        return Paragraph(self.markup(text, where), self.styles[style])

    def fitted(
        self, text: str, width: float, style: str = "title", min_size: float = 12
    ) -> Paragraph:
        """A one-line heading shrunk to fit ``width``; wraps if even ``min_size`` is too wide."""
        base = self.styles[style]
        size = base.fontSize
        while size > min_size and stringWidth(text, self.font, size) > width:
            size -= 1
        shrunk = ParagraphStyle(
            f"{style}_{size}", parent=base, fontSize=size, leading=size * 1.35, wordWrap="CJK"
        )
        return Paragraph(self.markup(text), shrunk)


def make_context(font: FontConfig | None = None) -> RenderContext:
    """Fonts registered (cached) and styles for one rendering."""
    face = typeface(font)
    return RenderContext(face, _styles(face.name))


def grid_table(
    ctx: RenderContext,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    aligns: str,
    *,
    repeat: bool = True,
    totals: Sequence[str] | None = None,
    row_height: float | None = None,
) -> Table:
    """A ruled table; long cells wrap, header repeats on every page, optional totals row."""
    data: list[list[Any]] = [[ctx.cell(h, w, "c") for h, w in zip(header, widths, strict=True)]]
    for row in rows:
        data.append([ctx.cell(v, w, a) for v, w, a in zip(row, widths, aligns, strict=True)])
    if totals is not None:
        data.append([ctx.cell(v, w, a) for v, w, a in zip(totals, widths, aligns, strict=True)])
    heights = None if row_height is None else [None] + [row_height] * (len(data) - 1)
    table = Table(data, colWidths=list(widths), repeatRows=1 if repeat else 0, rowHeights=heights)
    cmds: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), ctx.font, ctx.styles["cell"].fontSize),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, a in enumerate(aligns):
        cmds.append(("ALIGN", (i, 1), (i, -1), _ALIGN_NAME[a]))
    if totals is not None:
        cmds.append(("BACKGROUND", (0, -1), (-1, -1), HEAD_BG))
    table.setStyle(TableStyle(cmds))
    return table


def field_table(
    ctx: RenderContext, pairs: Sequence[tuple[str, str]], width: float, cols: int = 2
) -> Table:
    """Label/value pairs laid out in ``cols`` pairs per row, ruled like a form."""
    label_w = 26 * mm
    value_w = width / cols - label_w
    data: list[list[Any]] = []
    for start in range(0, len(pairs), cols):
        line: list[Any] = []
        chunk = list(pairs[start : start + cols])
        chunk += [("", "")] * (cols - len(chunk))
        for label, value in chunk:
            line += [ctx.cell(label, label_w, "c"), ctx.cell(value, value_w)]
        data.append(line)
    table = Table(data, colWidths=[label_w, value_w] * cols)
    cmds: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), ctx.font, ctx.styles["cell"].fontSize),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    for c in range(0, cols * 2, 2):
        cmds += [("BACKGROUND", (c, 0), (c, -1), HEAD_BG), ("ALIGN", (c, 0), (c, -1), "CENTER")]
    table.setStyle(TableStyle(cmds))
    return table


class SealArea(Flowable):
    """The stamp area at the bottom right: office name, a dashed circle for the seal, the date."""

    def __init__(self, ctx: RenderContext, office_name: str, on: date, width: float) -> None:
        super().__init__()
        self.ctx, self.office_name, self.on, self.width = ctx, office_name, on, width
        self.height = 40 * mm
        self.text = ctx.face.clean(office_name, ctx.warnings, "盖章单位")

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        # Office name and date at the lower right; the seal is stamped over both.
        cx, cy = self.width - 45 * mm, 20 * mm
        c.saveState()
        c.setDash(3, 3)
        c.setStrokeColor(colors.HexColor("#999999"))
        c.circle(cx, cy, 17 * mm)
        c.setDash()
        c.setFillColor(colors.HexColor("#999999"))
        c.setFont(self.ctx.font, 8)
        c.drawCentredString(cx, cy + 11 * mm, "（盖章处）")
        c.setFillColor(colors.black)
        size = 12.0
        while size > 7 and stringWidth(self.text, self.ctx.font, size) > 88 * mm:
            size -= 0.5
        c.setFont(self.ctx.font, size)
        c.drawCentredString(cx, cy + 1 * mm, self.text)
        c.setFont(self.ctx.font, 12)
        c.drawCentredString(cx, cy - 7 * mm, fmt_date(self.on))
        c.restoreState()


def _numbered_canvas(font: str, header: str, footer_note: str) -> type[Canvas]:
    """A canvas that holds pages back until the end so it can print ``共 N 页``."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Start every page in our font so no un-embedded Helvetica is referenced.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, 1):
                self.__dict__.update(state)
                draw_page_frame(self, font, number, total, header, footer_note)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def plain_canvas(font: str) -> type[Canvas]:
    """A canvas whose pages start in our (embedded) font instead of Helvetica."""

    class FontCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            super().__init__(*args, **kwargs)

    return FontCanvas


def draw_page_frame(
    c: Canvas, font: str, number: int, total: int | None, header: str, note: str
) -> None:
    """Running header (from page 2) and ``第 k 页 / 共 N 页`` footer."""
    width, _height = c._pagesize
    c.saveState()
    c.setFont(font, 9)
    c.setFillColor(colors.HexColor("#555555"))
    label = f"第 {number} 页 / 共 {total} 页" if total else f"第 {number} 页"
    c.drawCentredString(width / 2, 10 * mm, label)
    if note:
        c.drawRightString(width - MARGIN, 10 * mm, note)
    if header and number > 1:
        c.drawString(MARGIN, _height - 11 * mm, f"{header}（续）")
    c.restoreState()


def build_pdf(
    ctx: RenderContext,
    story: list[Flowable],
    *,
    title: str,
    pagesize: tuple[float, float] = PORTRAIT,
    header: str = "",
    footer_note: str = "",
    page_numbers: bool = True,
) -> bytes:
    """Lay out ``story`` into deterministic PDF bytes (fonts embedded as subsets)."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="街道社会救助窗口",
        creator="jiuzhu-desk",
        invariant=1,
        initialFontName=ctx.font,
    )
    if page_numbers:
        doc.build(story, canvasmaker=_numbered_canvas(ctx.font, header, footer_note))
    else:
        doc.build(story, canvasmaker=plain_canvas(ctx.font))
    return buf.getvalue()


def frame_width(pagesize: tuple[float, float]) -> float:
    """Usable width between the margins."""
    return pagesize[0] - 2 * MARGIN


def spacer(height_mm: float) -> Spacer:
    """Vertical space in millimetres."""
    return Spacer(1, height_mm * mm)


OnProgress = Callable[[int, int, str], None]
