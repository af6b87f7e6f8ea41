"""发放花名册: the monthly payment roster — masked ID, the payee account in full (an internal
payer document, never posted), a signature column."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from desktop.errors import ReportError, ValidationError
from desktop.money import fmt_yuan
from reports.data import ASSISTANCE_TYPES, PaymentRoster, assistance_name
from reports.fonts import FontConfig
from reports.layout import (
    LANDSCAPE,
    RenderContext,
    SealArea,
    build_pdf,
    fmt_month,
    frame_width,
    grid_table,
    make_context,
    spacer,
)
from reports.privacy import mask_id

WIDTH = frame_width(LANDSCAPE)
_HEAD = (
    "序号",
    "姓名",
    "公民身份号码",
    "家庭人口",
    "救助类别",
    "金额（元）",
    "开户银行",
    "户名",
    "银行账号",
    "领取人签字",
)
_FRACTIONS = (0.04, 0.08, 0.14, 0.05, 0.11, 0.08, 0.13, 0.07, 0.17, 0.13)


def _check(roster: PaymentRoster) -> None:
    if not roster.rows:
        raise ReportError(f"{fmt_month(roster.month)}没有发放对象，花名册为空")
    for i, r in enumerate(roster.rows, 1):
        if not r.name.strip():
            raise ValidationError("姓名", f"第 {i} 行姓名为空")
        if not r.bank_account.strip():
            raise ValidationError(
                "银行账号", f"第 {i} 行（{r.name}）缺少银行账号，无法生成发放花名册"
            )
        if r.amount < 0:
            raise ValidationError("救助金额", f"第 {i} 行（{r.name}）金额不能为负数")


def _account(number: str) -> str:
    """The account as the bank needs it: every digit (checked when it was entered)."""
    return "".join(ch for ch in number if ch.isdigit())


def roster_title(roster: PaymentRoster) -> str:
    """``河西区友谊路街道办事处2025年9月社会救助金发放花名册``."""
    return f"{roster.office.name}{fmt_month(roster.month)}社会救助金发放花名册"


def roster_story(ctx: RenderContext, roster: PaymentRoster) -> list[Flowable]:
    """The roster flowables: payee table with totals, subtotals by type, signatures, seal."""
    _check(roster)
    title = roster_title(roster)
    body = [
        (
            str(i),
            r.name,
            mask_id(r.id_number, f"第 {i} 行公民身份号码"),
            str(r.family_size),
            assistance_name(r.assistance_type),
            fmt_yuan(r.amount),
            r.bank_name,
            r.account_holder,
            _account(r.bank_account),
            "",
        )
        for i, r in enumerate(roster.rows, 1)
    ]
    people = sum(r.family_size for r in roster.rows)
    total = sum((r.amount for r in roster.rows), Decimal("0"))
    totals = ("合计", f"{len(body)} 户", "", f"{people} 人", "", fmt_yuan(total), "", "", "", "")
    widths = [WIDTH * f for f in _FRACTIONS]
    story: list[Flowable] = [ctx.fitted(title, WIDTH, min_size=11)]
    story.append(ctx.p(f"发放月份：{fmt_month(roster.month)}　　单位：元", "subtitle"))
    story.append(
        grid_table(ctx, _HEAD, body, widths, "cccccrcccc", totals=totals, row_height=9 * mm)
    )
    by_type: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for r in roster.rows:
        acc = by_type[r.assistance_type]
        acc[0] += 1
        acc[1] += r.family_size
        acc[2] += r.amount
    sub = [
        (ASSISTANCE_TYPES[code], f"{int(v[0])} 户", f"{int(v[1])} 人", fmt_yuan(v[2]))
        for code, v in sorted(by_type.items(), key=lambda kv: list(ASSISTANCE_TYPES).index(kv[0]))
    ]
    summary: list[Flowable] = [spacer(4), ctx.p("分类汇总", "h2")]
    head = ("救助类别", "户数", "人数", "金额（元）")
    summary.append(grid_table(ctx, head, sub, [WIDTH * 0.25] * 4, "lccr"))
    summary += [ctx.p(note, "small") for note in roster.extra_notes]
    sign = f"制表人：{roster.prepared_by or '________'}　　　　审核人：{roster.checked_by or '________'}"
    summary += [spacer(4), ctx.p(sign, "text")]
    summary.append(SealArea(ctx, roster.office.name, roster.prepared_on or roster.month, WIDTH))
    story.append(KeepTogether(summary))
    return story


def render_payment_roster(roster: PaymentRoster, *, font: FontConfig | None = None) -> bytes:
    """发放花名册 PDF: A4 landscape, header repeated, totals, ``第 k 页 / 共 N 页``."""
    ctx = make_context(font)
    story = roster_story(ctx, roster)
    title = roster_title(roster)
    return build_pdf(ctx, story, title=title, pagesize=LANDSCAPE, header=title)
