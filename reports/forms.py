"""Forms: 入户调查表 (blank and filled), 核对授权书, 自助评估结果."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from desktop.errors import ValidationError
from desktop.money import fmt_yuan, round_money
from reports.data import (
    CheckAuthorization,
    HomeSurvey,
    MoneyLine,
    Office,
    SelfAssessment,
    Signature,
    assistance_name,
)
from reports.fonts import FontConfig
from reports.images import fitted_image
from reports.layout import (
    GRID,
    PORTRAIT,
    RenderContext,
    SealArea,
    build_pdf,
    field_table,
    fmt_date,
    frame_width,
    grid_table,
    make_context,
    require,
    spacer,
    yuan,
)
from reports.privacy import mask_id, mask_phone

WIDTH = frame_width(PORTRAIT)
SURVEY_TITLE = "天津市社会救助家庭入户调查表"
MIN_SURVEYORS = 2
_BLANK_ROWS = {"members": 6, "income": 5, "assets": 5, "visits": 3}


def _w(*fractions: float) -> list[float]:
    return [WIDTH * f for f in fractions]


def _money_rows(lines: Sequence[MoneyLine]) -> list[tuple[str, str, str, str]]:
    return [(m.label, m.owner, fmt_yuan(m.amount), m.note) for m in lines]


def _blank(n: int, cols: int) -> list[tuple[str, ...]]:
    return [("",) * cols for _ in range(n)]


def _signature_table(ctx: RenderContext, signatures: Sequence[Signature]) -> Table:
    data: list[list[Any]] = [["身份", "姓名", "签字"]]
    for s in signatures:
        img = fitted_image(s.image, 55 * mm, 16 * mm, f"签字图片（{s.signer}）")
        data.append([s.role, ctx.cell(s.signer, 40 * mm, "c", "签字人"), img])
    table = Table(data, colWidths=_w(0.2, 0.3, 0.5), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), ctx.font, 9.5),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _note(ctx: RenderContext, label: str, text: str) -> list[Flowable]:
    """A surveyor's narrative, one paragraph per written line, the first headed by ``label``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [ctx.p(f"{label}：{line}" if i == 0 else line, "text") for i, line in enumerate(lines)]


def _survey_sections(ctx: RenderContext, s: HomeSurvey | None) -> list[Flowable]:
    """Sections one to five; ``None`` gives empty ruled rows for paper use."""
    members = [
        (
            p.name,
            p.relation,
            mask_id(p.id_number),
            "" if p.age is None else str(p.age),
            p.health,
            p.work,
        )
        for p in (s.case.members if s else ())
    ] or _blank(_BLANK_ROWS["members"], 6)
    income = _money_rows(s.income) if s else _blank(_BLANK_ROWS["income"], 4)
    assets = _money_rows(s.assets) if s else _blank(_BLANK_ROWS["assets"], 4)
    visits = [(v.name, v.relation, v.statement) for v in s.visits] if s else _blank(3, 3)
    h = 8 * mm if s is None else None
    money_head = ("项目", "所属成员", "金额（元）", "说明")
    story: list[Flowable] = [
        ctx.p("一、家庭成员", "h2"),
        grid_table(
            ctx,
            ("姓名", "关系", "公民身份号码", "年龄", "健康状况", "就业状况"),
            members,
            _w(0.14, 0.11, 0.27, 0.08, 0.2, 0.2),
            "cccccc",
            row_height=h,
        ),
        ctx.p("二、家庭收入（申请前 3 个月月均）", "h2"),
        grid_table(ctx, money_head, income, _w(0.28, 0.16, 0.18, 0.38), "lcrl", row_height=h),
        *(_note(ctx, "调查核实", s.income_note) if s else ()),
        ctx.p("三、家庭财产", "h2"),
        grid_table(ctx, money_head, assets, _w(0.28, 0.16, 0.18, 0.38), "lcrl", row_height=h),
        *(_note(ctx, "调查核实", s.assets_note) if s else ()),
        ctx.p("四、住房及生活状况", "h2"),
    ]
    if s and s.living:
        story += [ctx.p(f"住房：{s.housing}", "text"), ctx.p(f"生活：{s.living}", "text")]
    elif s:
        story += _note(ctx, "住房及生活", s.housing)
    else:
        story += [ctx.p("住房：" + "＿" * 38, "text"), ctx.p("生活：" + "＿" * 38, "text")]
    story.append(ctx.p("五、邻里走访", "h2"))
    if s is None or s.visits or not s.visits_note:
        story.append(
            grid_table(
                ctx, ("姓名", "关系", "反映情况"), visits, _w(0.16, 0.16, 0.68), "ccl", row_height=h
            )
        )
    else:
        story += _note(ctx, "走访情况", s.visits_note)
    return story


def _survey_head(ctx: RenderContext, s: HomeSurvey | None, office: Office | None) -> list[Flowable]:
    story: list[Flowable] = [ctx.fitted(SURVEY_TITLE, WIDTH)]
    if s is None:
        where = office.name if office else "＿＿＿＿街道（乡镇）"
        story.append(ctx.p(f"调查单位：{where}", "subtitle"))
        pairs = [
            (k, "")
            for k in ("申请人", "公民身份号码", "救助类别", "家庭人口", "居住地址", "联系电话")
        ]
    else:
        c = s.case
        story.append(ctx.p(f"调查单位：{c.residence_office.name}（居住地）", "subtitle"))
        pairs = [
            ("案件编号", c.case_no),
            ("调查日期", fmt_date(s.survey_date)),
            ("申请人", c.applicant.name),
            ("公民身份号码", mask_id(c.applicant.id_number)),
            ("救助类别", assistance_name(c.assistance_type)),
            ("家庭人口", f"{c.family_size} 人"),
            ("居住地址", c.address),
            ("联系电话", mask_phone(c.phone) if c.phone else ""),
        ]
    story += [field_table(ctx, pairs, WIDTH)]
    return story


def home_survey_story(
    ctx: RenderContext, s: HomeSurvey | None, office: Office | None = None
) -> list[Flowable]:
    """The survey form; ``s=None`` is the blank paper form."""
    if s is not None:
        if len([n for n in s.surveyors if n.strip()]) < MIN_SURVEYORS:
            raise ValidationError("调查人员", f"入户调查须至少 {MIN_SURVEYORS} 名调查人员签字")
        require(s.present, "在场家庭成员", SURVEY_TITLE)
        require(s.housing, "住房状况", SURVEY_TITLE)
    story = _survey_head(ctx, s, office) + _survey_sections(ctx, s)
    story.append(ctx.p("六、调查人员与在场家庭成员", "h2"))
    if s is None:
        story += [
            ctx.p("调查人员（至少 2 人）签字：＿＿＿＿＿＿＿＿　＿＿＿＿＿＿＿＿", "text"),
            ctx.p("在场家庭成员签字：＿＿＿＿＿＿＿＿　＿＿＿＿＿＿＿＿", "text"),
            ctx.p("调查日期：＿＿＿＿年＿＿月＿＿日", "text"),
        ]
        return story
    story += [
        ctx.p(f"调查人员：{'、'.join(s.surveyors)}", "text", "调查人员"),
        ctx.p(f"在场家庭成员：{'、'.join(s.present)}", "text", "在场家庭成员"),
    ]
    story += _note(ctx, "调查结论", s.findings) + _note(ctx, "调查人员意见", s.opinion)
    if s.remarks:
        story.append(ctx.p(f"备注：{s.remarks}", "text"))
    if s.signatures:
        story += [ctx.p("七、签字", "h2"), _signature_table(ctx, s.signatures)]
    story += [spacer(2), ctx.p(f"调查日期：{fmt_date(s.survey_date)}", "right")]
    return story


def render_home_survey(survey: HomeSurvey, *, font: FontConfig | None = None) -> bytes:
    """入户调查表 filled from a case, with signature images."""
    ctx = make_context(font)
    return build_pdf(ctx, home_survey_story(ctx, survey), title=SURVEY_TITLE, header=SURVEY_TITLE)


def render_blank_home_survey(
    office: Office | None = None, *, font: FontConfig | None = None
) -> bytes:
    """入户调查表 with empty ruled rows, for surveys on paper."""
    ctx = make_context(font)
    story = home_survey_story(ctx, None, office)
    return build_pdf(ctx, story, title=SURVEY_TITLE, header=SURVEY_TITLE)


def authorization_story(ctx: RenderContext, a: CheckAuthorization) -> list[Flowable]:
    """家庭经济状况核对授权书: scope, promise, one signature line per member."""
    title = "家庭经济状况核对授权书"
    c = a.case
    require(c.members, "家庭成员", title)
    kind = assistance_name(c.assistance_type)
    story: list[Flowable] = [ctx.fitted(title, WIDTH), spacer(3)]
    story.append(
        ctx.p(
            f"本人及共同生活的家庭成员申请{kind}，自愿授权{c.residence_office.name}、{c.hukou_office.name}"
            "及民政部门家庭经济状况核对机构，依法通过有关部门和机构查询、核对本家庭成员的下列信息："
        )
    )
    for i, item in enumerate(a.scope, 1):
        story.append(ctx.p(f"{i}. {item}", "body"))
    story.append(
        ctx.p(
            "本授权自签署之日起至救助终止之日止有效。我们承诺所提供的信息真实、完整，"
            "如有隐瞒、虚报，愿意承担相应的法律责任。核对所得信息仅用于社会救助审核确认和定期核查。"
        )
    )
    rows = [(p.name, p.relation, mask_id(p.id_number), "", "") for p in c.members]
    head = ("姓名", "与申请人关系", "公民身份号码", "本人签字（按手印）", "日期")
    story += [
        spacer(2),
        grid_table(ctx, head, rows, _w(0.15, 0.15, 0.3, 0.25, 0.15), "ccccc", row_height=11 * mm),
    ]
    story += [spacer(3), ctx.p(f"签署日期：{fmt_date(a.signed_on)}", "right")]
    return story


def render_check_authorization(
    auth: CheckAuthorization, *, font: FontConfig | None = None
) -> bytes:
    """核对授权书 PDF."""
    ctx = make_context(font)
    return build_pdf(ctx, authorization_story(ctx, auth), title="家庭经济状况核对授权书")


def render_self_assessment(a: SelfAssessment, *, font: FontConfig | None = None) -> bytes:
    """自助评估结果: inputs, per-person figures, likely programmes, a clear disclaimer."""
    title = "社会救助自助评估结果"
    if a.family_size < 1:
        raise ValidationError("家庭人口", "应至少为 1 人")
    require(a.outcomes, "评估结果", title)
    ctx = make_context(font)
    per_income = round_money(a.monthly_income / Decimal(a.family_size))
    per_asset = round_money(a.liquid_assets / Decimal(a.family_size))
    pairs = [
        ("家庭人口", f"{a.family_size} 人"),
        ("评估日期", fmt_date(a.assessed_on)),
        ("家庭月收入", yuan(a.monthly_income)),
        ("人均月收入", yuan(per_income)),
        ("货币财产", yuan(a.liquid_assets)),
        ("人均货币财产", yuan(per_asset)),
        ("现行低保标准", f"{yuan(a.standard)}/人·月"),
        ("评估窗口", a.office.name),
    ]
    rows = [(o.programme, "可能符合" if o.likely else "暂不符合", o.note) for o in a.outcomes]
    story: list[Flowable] = [ctx.fitted(title, WIDTH), spacer(3), field_table(ctx, pairs, WIDTH)]
    story += [ctx.p("初步评估结果", "h2")]
    story.append(
        grid_table(ctx, ("救助项目", "初步结果", "说明"), rows, _w(0.25, 0.15, 0.6), "ccl")
    )
    for fact in a.facts:
        story.append(ctx.p(fact, "small"))
    story += [
        spacer(3),
        ctx.p(
            "本结果根据您自行填写的情况初步测算，仅供参考，不作为审核确认的依据。"
            f"如需申请，请携带身份证、户口簿等材料到{a.office.name}社会救助窗口"
            f"（{a.office.address}，电话 {a.office.phone}）办理。"
        ),
        SealArea(ctx, a.office.name, a.assessed_on, WIDTH),
    ]
    return build_pdf(ctx, story, title=title)
