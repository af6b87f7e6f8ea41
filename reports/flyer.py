"""明白纸: a one-page plain-language policy flyer with a QR code."""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Table, TableStyle

from desktop.errors import ValidationError
from desktop.money import fmt_yuan
from reports.data import PolicyFlyer
from reports.fonts import FontConfig
from reports.layout import (
    MARGIN,
    PORTRAIT,
    RenderContext,
    build_pdf,
    fmt_month,
    frame_width,
    grid_table,
    make_context,
    require,
    spacer,
)

WIDTH = frame_width(PORTRAIT)
QR_SIZE = 38 * mm


def qr_drawing(url: str, font_name: str, size: float = QR_SIZE) -> Drawing:
    """A QR code (vector, in the PDF) for ``url``."""
    if not url.strip():
        raise ValidationError("二维码地址", "不能为空")
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    # Otherwise the renderer starts in Helvetica, an un-embedded font.
    drawing.initialFontName = font_name
    return drawing


def _bullets(ctx: RenderContext, items: tuple[str, ...], where: str) -> list[Flowable]:
    return [ctx.p(f"● {item}", "text", where) for item in items]


def _contacts(ctx: RenderContext, flyer: PolicyFlyer, width: float) -> list[Flowable]:
    story: list[Flowable] = [ctx.p("咨询电话", "h2")]
    rows = [(h.name, h.phone) for h in flyer.hotlines]
    story.append(
        grid_table(ctx, ("热线", "电话"), rows, [width * 0.6, width * 0.4], "lc", repeat=False)
    )
    story.append(ctx.p("办理窗口", "h2"))
    windows = [(w.name, w.address, w.hours) for w in flyer.windows]
    widths = [width * 0.3, width * 0.45, width * 0.25]
    story.append(grid_table(ctx, ("窗口", "地址", "时间"), windows, widths, "llc", repeat=False))
    return story


def flyer_story(ctx: RenderContext, flyer: PolicyFlyer) -> list[Flowable]:
    """Title, standards of the month, who qualifies, what to bring, contacts and the QR code."""
    require(flyer.title, "标题", "明白纸")
    require(flyer.standards, "保障标准", "明白纸")
    require(flyer.hotlines, "咨询电话", "明白纸")
    require(flyer.windows, "办理窗口", "明白纸")
    story: list[Flowable] = [ctx.fitted(flyer.title, WIDTH), ctx.p(flyer.office.name, "subtitle")]
    if flyer.intro:
        story.append(ctx.p(flyer.intro))
    story.append(ctx.p(f"{fmt_month(flyer.month)}保障标准", "h2"))
    rows = [(s.label, fmt_yuan(s.amount), s.unit) for s in flyer.standards]
    widths = [WIDTH * 0.55, WIDTH * 0.25, WIDTH * 0.2]
    story.append(grid_table(ctx, ("项目", "标准", "单位"), rows, widths, "lrc", repeat=False))
    story += [ctx.p("哪些家庭可以申请", "h2"), *_bullets(ctx, flyer.who_qualifies, "申请条件")]
    story += [ctx.p("申请时请带上", "h2"), *_bullets(ctx, flyer.what_to_bring, "申请材料")]
    left_w = WIDTH - QR_SIZE - 12 * mm
    qr_cell: list[Flowable] = [qr_drawing(flyer.qr_url, ctx.font), ctx.p(flyer.qr_caption, "small")]
    bottom = Table(
        [[_contacts(ctx, flyer, left_w - 4 * mm), qr_cell]], colWidths=[left_w, QR_SIZE + 12 * mm]
    )
    bottom.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), ctx.font, 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("TOPPADDING", (1, 0), (1, 0), 12 * mm),
            ]
        )
    )
    story += [bottom, spacer(2), ctx.p("社会救助政策以有关部门正式文件为准。", "small")]
    return story


def render_policy_flyer(flyer: PolicyFlyer, *, font: FontConfig | None = None) -> bytes:
    """明白纸: always exactly one A4 page (content shrinks to fit)."""
    ctx = make_context(font)
    height = PORTRAIT[1] - 2 * MARGIN - 2
    one_page = KeepInFrame(WIDTH, height, flyer_story(ctx, flyer), mode="shrink")
    return build_pdf(ctx, [one_page], title=flyer.title, page_numbers=False)
