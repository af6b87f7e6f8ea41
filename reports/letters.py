"""Letters to a family: approval, refusal with appeal rights, 增发/减发/停发, 一次性告知书."""

from __future__ import annotations

from datetime import date, timedelta

from reportlab.platypus import Flowable

from desktop.domain.calendar import add_months
from desktop.errors import ValidationError
from desktop.money import fmt_yuan
from reports.data import (
    ApprovalLetter,
    CaseRecord,
    ChangeNotice,
    MissingDocumentsNotice,
    RefusalLetter,
    assistance_name,
)
from reports.fonts import FontConfig
from reports.layout import (
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
from reports.privacy import mask_id

WIDTH = frame_width(PORTRAIT)
CHANGE_KINDS = {"increase": "增发", "decrease": "减发", "stop": "停发"}


def _head(ctx: RenderContext, title: str, letter_no: str, case: CaseRecord) -> list[Flowable]:
    story: list[Flowable] = [ctx.fitted(title, WIDTH)]
    if letter_no:
        story.append(ctx.p(letter_no, "subtitle"))
    require(case.applicant.name, "申请人姓名", title)
    who = f"{case.applicant.name}（公民身份号码：{mask_id(case.applicant.id_number)}）："
    story += [spacer(3), ctx.p(who, "text", "申请人")]
    return story


def _rights(
    ctx: RenderContext, body: str, court: str, days: int, months: int, served: date
) -> Flowable:
    return ctx.p(
        f"如对本决定不服，可以自收到本决定书之日起 {days} 日内向{body}申请行政复议，"
        f"或者自收到本决定书之日起 {months} 个月内向{court}提起行政诉讼。"
        f"以 {fmt_date(served)} 送达计算，申请行政复议的期限至 {fmt_date(served + timedelta(days=days))}，"
        f"提起行政诉讼的期限至 {fmt_date(add_months(served, months))}。"
    )


def _amount_basis_rows(letter: ApprovalLetter) -> list[tuple[str, str]]:
    """When the confirmed amount differs from the calculation: the calculation and the basis."""
    calc = letter.calculated_amount
    if calc is None or not letter.amount_basis:
        return []
    return [
        ("核算金额", yuan(calc)),
        ("金额调整依据", f"{letter.amount_basis}（经{letter.amount_approved_by}复核同意）"),
    ]


def approval_story(ctx: RenderContext, letter: ApprovalLetter) -> list[Flowable]:
    """审核确认通知书 (approval)."""
    case = letter.case
    doc = "社会救助审核确认通知书"
    if letter.review_months <= 0:
        raise ValidationError("核查周期", "应为正整数个月")
    if case.amount <= 0:
        raise ValidationError("救助金额", f"批准的救助金额应大于 0，无法生成《{doc}》")
    kind = assistance_name(case.assistance_type)
    story = _head(ctx, doc, letter.letter_no, case)
    story.append(
        ctx.p(
            f"你家庭申请的{kind}，经家庭经济状况核对、入户调查、初审和公示，符合{letter.basis}"
            f"规定的条件。经审核确认，决定自 {fmt_date(letter.start_date)} 起给予{kind}，具体如下："
        )
    )
    pairs = [
        ("救助类别", kind),
        ("保障人数", f"{case.family_size} 人"),
        ("月救助金额", yuan(case.amount)),
        *_amount_basis_rows(letter),
        ("发放起始日期", fmt_date(letter.start_date)),
        ("核查周期", f"每 {letter.review_months} 个月核查一次"),
        ("决定日期", fmt_date(letter.decision_date)),
    ]
    story += [spacer(2), field_table(ctx, pairs, WIDTH), spacer(3)]
    for text in (
        "救助金按月发放至你的社会保障卡或指定银行账户。",
        "享受救助期间，家庭人口、收入、财产状况发生变化的，请在 10 日内主动告知街道社会救助窗口；"
        f"我们将每 {letter.review_months} 个月对你家庭的经济状况进行核查，并据此增发、减发或停发救助金。",
        "隐瞒或虚报情况骗取救助金的，将依法追回并承担相应法律责任。",
    ):
        story.append(ctx.p(text))
    story.append(SealArea(ctx, case.hukou_office.name, letter.decision_date, WIDTH))
    return story


def refusal_story(ctx: RenderContext, letter: RefusalLetter) -> list[Flowable]:
    """不予救助决定书 with reasons and the rights of appeal."""
    case = letter.case
    doc = "不予社会救助决定书"
    require(letter.reasons, "不予救助理由", doc)
    require(letter.review_body, "行政复议机关", doc)
    require(letter.court, "人民法院", doc)
    kind = assistance_name(case.assistance_type)
    story = _head(ctx, doc, letter.letter_no, case)
    story.append(
        ctx.p(
            f"你家庭申请的{kind}，经家庭经济状况核对、入户调查和审核，不符合救助条件，"
            f"决定不予{kind}。理由如下："
        )
    )
    for i, reason in enumerate(letter.reasons, 1):
        story.append(ctx.p(f"{i}. {reason}", "body", "不予救助理由"))
    story.append(
        _rights(
            ctx,
            letter.review_body,
            letter.court,
            letter.review_days,
            letter.lawsuit_months,
            letter.decision_date,
        )
    )
    story.append(ctx.p("如家庭情况发生变化，可以重新提出申请。"))
    story.append(SealArea(ctx, case.hukou_office.name, letter.decision_date, WIDTH))
    return story


def _check_change(notice: ChangeNotice) -> str:
    label = CHANGE_KINDS.get(notice.kind)
    if label is None:
        raise ValidationError("调整类型", f"应为增发、减发或停发，收到“{notice.kind}”")
    ok = {
        "increase": notice.new_amount > notice.old_amount,
        "decrease": 0 < notice.new_amount < notice.old_amount,
        "stop": notice.new_amount == 0,
    }[notice.kind]
    if not ok:
        raise ValidationError(
            "调整后金额",
            f"{label}时调整后金额 {fmt_yuan(notice.new_amount)} 元与原金额 {fmt_yuan(notice.old_amount)} 元不符",
        )
    return label


def change_story(ctx: RenderContext, notice: ChangeNotice) -> list[Flowable]:
    """增发/减发/停发 notice with old and new amounts and reasons."""
    label = _check_change(notice)
    doc = f"社会救助金{label}通知书"
    require(notice.reasons, "调整理由", doc)
    case = notice.case
    kind = assistance_name(case.assistance_type)
    story = _head(ctx, doc, notice.letter_no, case)
    story.append(
        ctx.p(
            f"经对你家庭经济状况定期核查，根据核查结果，决定自 {fmt_date(notice.effective)} 起"
            f"对你家庭的{kind}救助金予以{label}。"
        )
    )
    diff = notice.new_amount - notice.old_amount
    rows = [(kind, fmt_yuan(notice.old_amount), fmt_yuan(notice.new_amount), f"{diff:+,.2f}")]
    widths = [WIDTH * f for f in (0.34, 0.22, 0.22, 0.22)]
    header = ("救助类别", "原金额（元/月）", "调整后（元/月）", "变化（元/月）")
    story += [spacer(2), grid_table(ctx, header, rows, widths, "lrrr"), spacer(3)]
    story.append(ctx.p("理由如下："))
    for i, reason in enumerate(notice.reasons, 1):
        story.append(ctx.p(f"{i}. {reason}", "body", "调整理由"))
    story.append(
        ctx.p(
            "如对本决定有异议，可以自收到本通知书之日起 60 日内依法申请行政复议，"
            "或者 6 个月内依法提起行政诉讼。"
        )
    )
    story.append(SealArea(ctx, case.hukou_office.name, notice.decision_date, WIDTH))
    return story


def missing_documents_story(ctx: RenderContext, notice: MissingDocumentsNotice) -> list[Flowable]:
    """一次性告知书: every missing document at once, the deadline, the window."""
    doc = "社会救助申请材料一次性告知书"
    require(notice.applicant_name, "申请人姓名", doc)
    require(notice.items, "需补充的材料", doc)
    if notice.deadline < notice.received_on:
        raise ValidationError("补齐期限", "不能早于申请受理日期")
    kind = assistance_name(notice.assistance_type)
    story: list[Flowable] = [ctx.fitted(doc, WIDTH), spacer(3)]
    story.append(ctx.p(f"{notice.applicant_name}：", "text", "申请人"))
    story.append(
        ctx.p(
            f"你于 {fmt_date(notice.received_on)} 提出的{kind}申请，经查验，还需补充以下材料。"
            f"现一次性告知如下，能够通过共享数据查询的材料不需要提供："
        )
    )
    rows = [(str(i), it.name, it.note) for i, it in enumerate(notice.items, 1)]
    widths = [WIDTH * f for f in (0.08, 0.37, 0.55)]
    story += [
        spacer(2),
        grid_table(ctx, ("序号", "材料名称", "说明"), rows, widths, "cll"),
        spacer(3),
    ]
    office = notice.office
    story.append(
        ctx.p(
            f"请于 {fmt_date(notice.deadline)} 前将上述材料交至{office.name}社会救助窗口"
            f"（地址：{office.address}；电话：{office.phone}）。材料补齐后即进入审核程序。"
        )
    )
    sign = f"告知人（窗口工作人员）：{notice.clerk or '________'}        申请人签收：________"
    story += [spacer(6), ctx.p(sign, "text")]
    story.append(SealArea(ctx, office.name, notice.received_on, WIDTH))
    return story


def render_approval_letter(letter: ApprovalLetter, *, font: FontConfig | None = None) -> bytes:
    """Approval letter PDF (A4 portrait)."""
    ctx = make_context(font)
    return build_pdf(ctx, approval_story(ctx, letter), title="社会救助审核确认通知书")


def render_refusal_letter(letter: RefusalLetter, *, font: FontConfig | None = None) -> bytes:
    """Refusal letter PDF with reasons and appeal deadlines."""
    ctx = make_context(font)
    return build_pdf(ctx, refusal_story(ctx, letter), title="不予社会救助决定书")


def render_change_notice(notice: ChangeNotice, *, font: FontConfig | None = None) -> bytes:
    """增发/减发/停发 notice PDF."""
    ctx = make_context(font)
    story = change_story(ctx, notice)
    return build_pdf(ctx, story, title=f"社会救助金{CHANGE_KINDS[notice.kind]}通知书")


def render_missing_documents(
    notice: MissingDocumentsNotice, *, font: FontConfig | None = None
) -> bytes:
    """一次性告知书 PDF."""
    ctx = make_context(font)
    return build_pdf(
        ctx, missing_documents_story(ctx, notice), title="社会救助申请材料一次性告知书"
    )
