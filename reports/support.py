"""Support sheets: the policy menu sheet handed to a family (政策明白纸: what it may use, why,
what to bring, whom to call) and the public sheet of a programme roster (ID numbers masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.platypus import Flowable, KeepTogether

from desktop.errors import ReportError
from desktop.money import fmt_yuan
from reports.data import Office
from reports.fonts import FontConfig
from reports.layout import (
    PORTRAIT,
    SealArea,
    build_pdf,
    field_table,
    fmt_date,
    frame_width,
    grid_table,
    make_context,
    spacer,
)
from reports.privacy import mask_id

WIDTH = frame_width(PORTRAIT)


@dataclass(frozen=True)
class PolicyItem:
    department: str
    name: str
    benefit: str
    materials: str
    contact: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PolicySheet:
    office: Office
    family_name: str
    on: date
    items: tuple[PolicyItem, ...]


@dataclass(frozen=True)
class RosterRow:
    name: str
    id_number: str
    category: str
    amount: Decimal
    community: str


@dataclass(frozen=True)
class PublicRoster:
    office: Office
    title: str
    period: str
    payer: str
    as_of: date
    rows: tuple[RosterRow, ...]


def render_policy_sheet(sheet: PolicySheet, *, font: FontConfig | None = None) -> bytes:
    """惠民政策明白纸 of one family: one block per policy."""
    ctx = make_context(font)
    title = f"{sheet.family_name}家庭可享受的惠民政策"
    story: list[Flowable] = [ctx.fitted(title, WIDTH)]
    story.append(ctx.p(f"{sheet.office.name}　{fmt_date(sheet.on)}", "subtitle"))
    if not sheet.items:
        story.append(
            ctx.p("按目前登记的家庭情况，暂无匹配的惠民政策。情况变化时请告知社区或街道窗口。")
        )
    for i, item in enumerate(sheet.items, 1):
        rows = [
            ("享受内容", item.benefit),
            ("符合原因", "；".join(item.reasons)),
            ("所需材料", item.materials or "—"),
            ("联系方式", item.contact or "—"),
        ]
        block: list[Flowable] = [ctx.p(f"{i}. {item.name}（{item.department}）", "h2")]
        block.append(field_table(ctx, rows, WIDTH, cols=1))
        story.append(KeepTogether(block))
    story += [spacer(6), ctx.p("以上政策按家庭登记信息自动匹配，最终以各部门审核为准。", "small")]
    return build_pdf(ctx, story, title=title, header=title)


def render_public_roster(roster: PublicRoster, *, font: FontConfig | None = None) -> bytes:
    """The public sheet of a roster: name, masked ID, category, amount (公示)."""
    if not roster.rows:
        raise ReportError("名单为空，无法打印公示")
    ctx = make_context(font)
    title = f"{roster.title}名单公示"
    head = ("序号", "姓名", "公民身份号码", "类别", "金额（元）", "社区")
    body = [
        (str(i), r.name, mask_id(r.id_number, f"第 {i} 行公民身份号码"), r.category,
         fmt_yuan(r.amount), r.community)
        for i, r in enumerate(roster.rows, 1)
    ]  # fmt: skip
    total = sum((r.amount for r in roster.rows), Decimal("0.00"))
    totals = ("合计", f"{len(body)} 人", "", "", fmt_yuan(total), "")
    widths = [WIDTH * f for f in (0.08, 0.14, 0.3, 0.14, 0.14, 0.2)]
    story: list[Flowable] = [ctx.fitted(title, WIDTH)]
    story.append(
        ctx.p(
            f"保障期：{roster.period}　　{roster.payer}　　名单日期：{fmt_date(roster.as_of)}",
            "subtitle",
        )
    )
    story.append(grid_table(ctx, head, body, widths, "cccccc", totals=totals))
    story += [spacer(4), ctx.p("如有异议，请于公示之日起7日内向街道社会救助窗口反映。", "text")]
    story.append(SealArea(ctx, roster.office.name, roster.as_of, WIDTH))
    return build_pdf(ctx, story, title=title, header=title)
