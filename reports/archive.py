"""Archive dossier per case (cover, contents, documents, calculation, timeline, attachments)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from desktop.errors import DeskError, ReportError, ValidationError
from desktop.money import fmt_yuan
from reports.data import ArchiveCase, assistance_name
from reports.fonts import FontConfig, GlyphWarning
from reports.forms import authorization_story, home_survey_story
from reports.images import SKIP_FLAG, fitted_image
from reports.layout import (
    MARGIN,
    PORTRAIT,
    RenderContext,
    draw_page_frame,
    field_table,
    fmt_date,
    frame_width,
    grid_table,
    make_context,
    require,
    spacer,
    yuan,
)
from reports.letters import approval_story, refusal_story
from reports.privacy import mask_id

WIDTH = frame_width(PORTRAIT)
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class _Section(Paragraph):
    """A section band: becomes a bookmark, an outline entry and a contents line."""

    def __init__(self, ctx: RenderContext, text: str, key: str) -> None:
        self.toc_text = ctx.markup(text)
        super().__init__(self.toc_text, ctx.styles["small"])
        self.outline_text = ctx.face.clean(text)
        self.key = key


class _DossierTemplate(BaseDocTemplate):
    def __init__(self, buf: io.BytesIO, ctx: RenderContext, case_no: str, title: str) -> None:
        super().__init__(
            buf,
            pagesize=PORTRAIT,
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
        frame = Frame(MARGIN, MARGIN, WIDTH, PORTRAIT[1] - 2 * MARGIN, id="body")
        note = f"案卷号 {case_no}"

        def on_page(canv: Any, doc: Any) -> None:
            draw_page_frame(canv, ctx.font, doc.page, None, "", note)

        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
        self.passes = 0

    def beforeDocument(self) -> None:  # noqa: N802
        self.passes += 1
        # Pass 1 only finds page numbers for the contents (which start empty, so a
        # second pass always follows): leave its images undrawn.
        setattr(self.canv, SKIP_FLAG, self.passes == 1)
        self.canv.showOutline()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        if isinstance(flowable, _Section):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.outline_text, flowable.key, level=0)
            self.notify("TOCEntry", (0, flowable.toc_text, self.page, flowable.key))


def _cover(ctx: RenderContext, a: ArchiveCase, sections: Sequence[str]) -> list[Flowable]:
    c = a.case
    pairs = [
        ("案卷号", c.case_no),
        ("救助类别", assistance_name(c.assistance_type)),
        ("申请人", c.applicant.name),
        ("公民身份号码", mask_id(c.applicant.id_number)),
        ("家庭人口", f"{c.family_size} 人"),
        ("月救助金额", yuan(c.amount)),
        ("居住地", c.residence_office.name),
        ("户籍地", c.hukou_office.name),
        ("归档日期", fmt_date(a.archived_on)),
        ("立卷人", a.archivist or "—"),
    ]
    return [
        spacer(45),
        ctx.fitted("社会救助家庭档案", WIDTH),
        ctx.p(c.community, "subtitle", "社区"),
        spacer(20),
        field_table(ctx, pairs, WIDTH),
        spacer(8),
        ctx.p(f"卷内文件 {len(sections)} 件，附件 {len(a.attachments)} 件。", "subtitle"),
        PageBreak(),
    ]


def _calculation(ctx: RenderContext, a: ArchiveCase) -> list[Flowable]:
    require(a.calculation, "救助金计算", "社会救助档案")
    rows = [(line.label, fmt_yuan(line.amount), line.reason) for line in a.calculation]
    widths = [WIDTH * f for f in (0.32, 0.18, 0.5)]
    return [
        ctx.fitted("救助金计算表", WIDTH, "h2"),
        grid_table(ctx, ("项目", "金额（元）", "计算依据及理由"), rows, widths, "lrl"),
        spacer(3),
        ctx.p(f"核定月救助金额：{yuan(a.case.amount)}", "big"),
    ]


def _timeline(ctx: RenderContext, a: ArchiveCase) -> list[Flowable]:
    require(a.timeline, "办理过程", "社会救助档案")
    rows = [
        (fmt_date(e.on), e.action, e.actor, e.note) for e in sorted(a.timeline, key=lambda e: e.on)
    ]
    widths = [WIDTH * f for f in (0.2, 0.2, 0.2, 0.4)]
    return [
        ctx.fitted("办理过程记录", WIDTH, "h2"),
        grid_table(ctx, ("日期", "环节", "经办人", "说明"), rows, widths, "ccll"),
    ]


def _sections(ctx: RenderContext, a: ArchiveCase) -> list[tuple[str, list[Flowable]]]:
    parts: list[tuple[str, list[Flowable]]] = []
    if a.approval is not None:
        parts.append(("社会救助审核确认通知书", approval_story(ctx, a.approval)))
    if a.refusal is not None:
        parts.append(("不予社会救助决定书", refusal_story(ctx, a.refusal)))
    if a.survey is not None:
        parts.append(("入户调查表", home_survey_story(ctx, a.survey)))
    if a.authorization is not None:
        parts.append(("家庭经济状况核对授权书", authorization_story(ctx, a.authorization)))
    parts.append(("救助金计算表", _calculation(ctx, a)))
    parts.append(("办理过程记录", _timeline(ctx, a)))
    for i, att in enumerate(a.attachments, 1):
        field = f"附件图片（{att.title}）"
        image = fitted_image(att.image, WIDTH, PORTRAIT[1] - 2 * MARGIN - 30 * mm, field)
        parts.append((f"附件 {i}：{att.title}", [image]))
    return parts


def archive_story(ctx: RenderContext, a: ArchiveCase) -> list[Flowable]:
    """Cover, contents, then each document on its own pages behind a bookmarked band."""
    if a.approval is None and a.refusal is None:
        raise ValidationError("审核确认结论", "档案须包含审核确认通知书或不予救助决定书")
    sections = _sections(ctx, a)
    toc = TableOfContents(
        tableStyle=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), ctx.font, 11),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    toc.levelStyles = [ctx.styles["text"]]
    toc.dotsMinLevel = 0
    story = _cover(ctx, a, [t for t, _ in sections])
    story += [ctx.fitted("目　录", WIDTH, "h2"), spacer(2), toc]
    for i, (title, flowables) in enumerate(sections, 1):
        band = _Section(ctx, f"{i}. {title}", f"s{i}")
        story += [PageBreak(), band, *flowables]
    return story


def render_archive(a: ArchiveCase, *, font: FontConfig | None = None) -> bytes:
    """One case's dossier as PDF with outline (bookmarks) and a table of contents."""
    return _render(a, make_context(font))


def _render(a: ArchiveCase, ctx: RenderContext) -> bytes:
    buf = io.BytesIO()
    title = f"社会救助家庭档案 {a.case.case_no}"
    doc = _DossierTemplate(buf, ctx, a.case.case_no, title)
    doc.multiBuild(archive_story(ctx, a))
    return buf.getvalue()


@dataclass(frozen=True)
class ArchiveFile:
    """One rendered dossier of a batch."""

    case_no: str
    filename: str
    pdf: bytes
    warnings: tuple[GlyphWarning, ...] = ()


@dataclass(frozen=True)
class ArchiveFailure:
    """A case that could not be rendered, with the Chinese reason."""

    case_no: str
    message: str


@dataclass(frozen=True)
class ArchiveBatchResult:
    """Outcome of a batch: the files made, the failures, and whether it was cancelled."""

    files: tuple[ArchiveFile, ...]
    failures: tuple[ArchiveFailure, ...]
    total: int
    cancelled: bool

    @property
    def done(self) -> int:
        """Cases handled (rendered or failed) before the end or the cancel."""
        return len(self.files) + len(self.failures)


@dataclass(frozen=True)
class LazyCase:
    """A case of a batch read only when the batch reaches it; ``case_no`` names it in the
    list of failures when reading it fails."""

    case_no: str
    load: Callable[[], ArchiveCase]


# What reading one case's stored data may raise when that data is bad: the case is listed
# with its reason and the batch goes on.
_DATA_ERRORS = (DeskError, ValueError, ArithmeticError, KeyError, TypeError)


def _data_error(exc: Exception) -> str:
    if isinstance(exc, DeskError):
        return exc.message
    return f"案件数据有误，无法读取（{type(exc).__name__}：{exc}）"


def _one(
    item: ArchiveCase | LazyCase, ctx: RenderContext
) -> tuple[ArchiveFile | ArchiveFailure, str]:
    """One dossier of a batch, or why not; and the progress text saying which."""
    case_no = item.case_no if isinstance(item, LazyCase) else item.case.case_no
    try:
        a = item.load() if isinstance(item, LazyCase) else item
    except _DATA_ERRORS as exc:  # the stored data of this case is bad
        message = _data_error(exc)
        return ArchiveFailure(case_no, message), f"{case_no} 未生成：{message}"
    try:
        pdf = _render(a, ctx)
    except DeskError as exc:
        return ArchiveFailure(case_no, exc.message), f"{case_no} 未生成：{exc.message}"
    made = ArchiveFile(a.case.case_no, f"档案_{a.case.case_no}.pdf", pdf, tuple(ctx.warnings))
    return made, f"已生成 {a.case.case_no}（{a.case.applicant.name}）"


def render_archive_batch(
    cases: Sequence[ArchiveCase | LazyCase],
    *,
    font: FontConfig | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ArchiveBatchResult:
    """Render many dossiers; reports progress, stops cleanly when ``cancelled()`` is true. A
    case that cannot be read (``LazyCase``) or rendered is listed with its reason; the batch
    goes on."""
    total = len(cases)
    if total == 0:
        raise ReportError("没有选择要打印档案的案件")
    files: list[ArchiveFile] = []
    failures: list[ArchiveFailure] = []
    if progress:
        progress(0, total, f"共 {total} 份档案待生成")
    for i, a in enumerate(cases, 1):
        if cancelled is not None and cancelled():
            return ArchiveBatchResult(tuple(files), tuple(failures), total, True)
        made, text = _one(a, make_context(font))
        if isinstance(made, ArchiveFile):
            files.append(made)
        else:
            failures.append(made)
        if progress:
            progress(i, total, text)
    return ArchiveBatchResult(tuple(files), tuple(failures), total, False)
