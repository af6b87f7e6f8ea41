"""公示 public-notice sheets and 审核确认公告 announcements: only name, size, type, amount."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from desktop.errors import ReportError, ValidationError
from desktop.money import fmt_yuan
from reports.data import (
    CaseRecord,
    ConfirmationAnnouncement,
    NoticeRow,
    Office,
    PublicNotice,
    assistance_name,
)
from reports.fonts import FontConfig
from reports.layout import (
    LANDSCAPE,
    RenderContext,
    SealArea,
    build_pdf,
    fmt_date,
    frame_width,
    grid_table,
    make_context,
    require,
    spacer,
)

_HEADER = ("序号", "姓名", "家庭人口（人）", "救助类别", "救助金额（元/月）")
_ALIGNS = "cccc" + "r"
_FRACTIONS = (0.08, 0.27, 0.15, 0.28, 0.22)


def notice_rows(cases: Iterable[CaseRecord]) -> tuple[NoticeRow, ...]:
    """Reduce full cases to what may be published (no ID, address, phone or illness)."""
    return tuple(NoticeRow.from_case(c) for c in cases)


def _check_rows(rows: Sequence[NoticeRow], document: str) -> None:
    if not rows:
        raise ReportError(f"名单为空：没有可列入《{document}》的家庭，请先选择案件")
    for i, row in enumerate(rows, 1):
        if not row.name.strip():
            raise ValidationError("姓名", f"第 {i} 行姓名为空，无法生成《{document}》")
        if row.family_size < 1:
            raise ValidationError("家庭人口", f"第 {i} 行（{row.name}）家庭人口应至少为 1 人")
        if row.amount < 0:
            raise ValidationError("救助金额", f"第 {i} 行（{row.name}）金额不能为负数")
        assistance_name(row.assistance_type)


def _rows_table(ctx: RenderContext, rows: Sequence[NoticeRow], width: float) -> Flowable:
    widths = [width * f for f in _FRACTIONS]
    body = [
        (str(i), r.name, str(r.family_size), assistance_name(r.assistance_type), fmt_yuan(r.amount))
        for i, r in enumerate(rows, 1)
    ]
    people = sum(r.family_size for r in rows)
    total: Decimal = sum((r.amount for r in rows), Decimal("0"))
    totals = ("合计", f"{len(rows)} 户", f"{people} 人", "", fmt_yuan(total))
    return grid_table(ctx, _HEADER, body, widths, _ALIGNS, totals=totals)


def _office_line(office: Office) -> str:
    return office.seal_text or office.name


def public_notice_story(ctx: RenderContext, notice: PublicNotice) -> list[Flowable]:
    """The flowables of a public notice (also used inside the archive dossier)."""
    doc = "社会救助公示"
    require(notice.community, "公示社区", doc)
    require(notice.objection_phone, "监督电话", doc)
    require(notice.objection_address, "异议受理地址", doc)
    _check_rows(notice.rows, doc)
    if notice.period_days < 7:
        raise ValidationError("公示期", "公示期不得少于 7 天")
    width = frame_width(LANDSCAPE)
    story: list[Flowable] = [ctx.fitted(f"{notice.community}社会救助对象公示", width)]
    if notice.notice_no:
        story.append(ctx.p(notice.notice_no, "subtitle"))
    story.append(
        ctx.p(
            f"根据《社会救助暂行办法》和天津市社会救助有关规定，经家庭经济状况核对、入户调查和初审，"
            f"现将以下 {len(notice.rows)} 户拟救助家庭的情况予以公示。公示期为 {notice.period_days} 天，"
            f"自 {fmt_date(notice.start)} 至 {fmt_date(notice.end)}。"
        )
    )
    story += [spacer(2), _rows_table(ctx, notice.rows, width), spacer(3)]
    objection = ctx.p(
        f"如对公示对象有异议，请在公示期内以书面、电话或当面方式向{notice.office.name}反映。"
        f"监督电话：{notice.objection_phone}；受理地址：{notice.objection_address}。"
        f"反映情况请实事求是，我们将依法为反映人保密；有异议的，将组织民主评议。"
    )
    seal = SealArea(ctx, _office_line(notice.office), notice.issued_on, width)
    story.append(KeepTogether([objection, seal]))
    return story


def render_public_notice(notice: PublicNotice, *, font: FontConfig | None = None) -> bytes:
    """公示 sheet: A4 landscape, header repeated, ``第 k 页 / 共 N 页``."""
    ctx = make_context(font)
    story = public_notice_story(ctx, notice)
    title = f"{notice.community}社会救助对象公示"
    return build_pdf(ctx, story, title=title, pagesize=LANDSCAPE, header=title)


def _announcement_copy(
    ctx: RenderContext, ann: ConfirmationAnnouncement, side: str, posted_at: Office
) -> list[Flowable]:
    width = frame_width(LANDSCAPE)
    hukou = ann.hukou_office
    story: list[Flowable] = [
        ctx.fitted(f"{ann.community}社会救助审核确认公告", width),
        ctx.p(f"（{side}张贴：{posted_at.name}）", "subtitle"),
    ]
    if ann.notice_no:
        story.append(ctx.p(ann.notice_no, "subtitle"))
    story.append(
        ctx.p(
            f"经{hukou.name}审核确认，下列 {len(ann.rows)} 户家庭符合社会救助条件，"
            f"自审核确认决定之日（{fmt_date(ann.decision_date)}）起发放救助金，现予公告。"
            f"公告期 {ann.period_days} 天，自 {fmt_date(ann.start)} 至 {fmt_date(ann.end)}，"
            f"同时在居住地{ann.residence_office.name}和户籍地{hukou.name}所在社区张贴。"
        )
    )
    story += [spacer(2), _rows_table(ctx, ann.rows, width), spacer(3)]
    objection = ctx.p(
        f"对公告内容有异议的，请向{hukou.name}反映，监督电话：{ann.objection_phone}；"
        f"受理地址：{hukou.address}。"
    )
    seal = SealArea(ctx, _office_line(hukou), ann.decision_date, width)
    story.append(KeepTogether([objection, seal]))
    return story


def render_confirmation_announcement(
    ann: ConfirmationAnnouncement, *, font: FontConfig | None = None
) -> bytes:
    """审核确认公告: one copy for the residence office and one for the registration office."""
    doc = "审核确认公告"
    require(ann.community, "公告社区", doc)
    require(ann.objection_phone, "监督电话", doc)
    require(ann.hukou_office.address, "户籍地受理地址", doc)
    _check_rows(ann.rows, doc)
    ctx = make_context(font)
    story = _announcement_copy(ctx, ann, "居住地", ann.residence_office)
    story.append(PageBreak())
    story += _announcement_copy(ctx, ann, "户籍地", ann.hukou_office)
    title = f"{ann.community}社会救助审核确认公告"
    return build_pdf(ctx, story, title=title, pagesize=LANDSCAPE, header=title)
