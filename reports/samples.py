"""Deterministic sample data (Tianjin names, 河西区 offices, 2025 standard 1045 元) for every document."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from reports.data import (
    ApprovalLetter,
    ArchiveCase,
    AssessmentOutcome,
    Attachment,
    CalcLine,
    CaseRecord,
    ChangeNotice,
    CheckAuthorization,
    ConfirmationAnnouncement,
    Contact,
    HomeSurvey,
    MissingDocumentsNotice,
    MissingItem,
    MoneyLine,
    NeighbourVisit,
    Office,
    PaymentRoster,
    Person,
    PolicyFlyer,
    PublicNotice,
    RefusalLetter,
    RosterRow,
    SelfAssessment,
    Signature,
    StandardLine,
    TimelineEvent,
)
from reports.fonts import font_path
from reports.notices import notice_rows

STANDARD = Decimal("1045.00")  # 天津 2025-09-01 低保标准, per person per month
EDGE_GRANT = Decimal("314.00")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = (
    "秀兰",
    "建国",
    "桂英",
    "志强",
    "淑珍",
    "玉梅",
    "国华",
    "凤兰",
    "德福",
    "丽娟",
    "海燕",
    "春生",
    "文静",
    "宝林",
    "金凤",
    "立新",
    "晓东",
    "红梅",
    "振华",
    "雅琴",
    "俊杰",
    "子涵",
    "浩然",
    "欣怡",
    "永利",
    "素芬",
    "长顺",
    "桂兰",
    "玉珍",
    "宝华",
)
_COMMUNITIES = ("谊景村社区", "平江南里社区", "南北大街社区", "云江里社区", "友谊新都市社区")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_TYPES = ("dibao", "dibao", "dibao", "bianyuan", "tekun", "dibao", "linshi", "gangxing")

YOUYI = Office(
    "天津市河西区友谊路街道办事处",
    "天津市河西区友谊路街道 平江道 30 号 一站式受理窗口",
    "022-28137712",
    "河西区",
    "天津市河西区人民政府友谊路街道办事处",
)
YUEYANGDAO = Office(
    "天津市和平区劝业场街道办事处",
    "天津市和平区滨江道 188 号 社会救助窗口",
    "022-27306612",
    "和平区",
)


def id_number(region: str, born: date, seq: int) -> str:
    """A valid GB 11643 number (check character computed)."""
    body = f"{region}{born:%Y%m%d}{seq % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def person_name(i: int) -> str:
    """A deterministic, realistic two- or three-character name."""
    return _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7 + i // len(_SURNAMES)) % len(_GIVEN)]


def _amount(code: str, size: int, i: int) -> Decimal:
    if code == "bianyuan":
        return EDGE_GRANT
    if code == "tekun":
        return Decimal("1870.00")
    if code == "linshi":
        return STANDARD * 3
    income = Decimal(120 + (i * 137) % 900)
    return max(Decimal("0.00"), STANDARD * size - income).quantize(Decimal("0.01"))


def sample_case(i: int = 0) -> CaseRecord:
    """Case number ``i``: applicant, members, offices, amount in line with the 1045 standard."""
    size = 1 + (i * 5) % 4
    born = date(1950 + i % 40, 1 + i % 12, 1 + i % 28)
    applicant = Person(
        person_name(i),
        id_number("120103", born, 11 + 2 * i),
        "本人",
        2025 - born.year,
        "高血压" if i % 3 == 0 else "健康",
        "无业",
    )
    relations = ("配偶", "子", "女")
    members = [applicant] + [
        Person(
            person_name(i + 17 * k),
            id_number("120103", date(born.year + 2 + 20 * (k > 1), 3, 9 + k), 20 + k),
            relations[k - 1],
            None,
            "慢性肾病" if k == 1 and i % 4 == 0 else "健康",
            "在校" if k > 1 else "灵活就业",
        )
        for k in range(1, size)
    ]
    code = _TYPES[i % len(_TYPES)]
    return CaseRecord(
        case_no=f"HX-2025-{i + 1:05d}",
        applicant=applicant,
        members=tuple(members),
        address=f"天津市河西区友谊路街道{_COMMUNITIES[i % 5]}{1 + i % 30}号楼{1 + i % 6}门{101 + i % 5 * 100}",
        phone=f"139{(20001234 + i * 7919) % 100000000:08d}",
        community=f"友谊路街道{_COMMUNITIES[i % 5]}",
        assistance_type=code,
        amount=_amount(code, size, i),
        residence_office=YOUYI,
        hukou_office=YUEYANGDAO if i % 2 else YOUYI,
        illness="尿毒症" if i % 4 == 0 else "",
    )


def sample_public_notice(rows: int = 12) -> PublicNotice:
    """公示 of ``rows`` families of 谊景村社区."""
    return PublicNotice(
        YOUYI,
        "友谊路街道谊景村社区",
        date(2025, 9, 15),
        notice_rows(sample_case(i) for i in range(rows)),
        "022-28137712",
        "天津市河西区友谊路街道 平江道 30 号 社会救助窗口",
        date(2025, 9, 15),
        notice_no="友谊路救公〔2025〕第 9 号",
    )


def sample_announcement(rows: int = 8) -> ConfirmationAnnouncement:
    """审核确认公告 for cases whose registration office is 劝业场街道."""
    return ConfirmationAnnouncement(
        YOUYI,
        YUEYANGDAO,
        "友谊路街道平江南里社区",
        date(2025, 10, 10),
        date(2025, 10, 11),
        notice_rows(sample_case(i) for i in range(1, 2 * rows, 2)),
        "022-27306612",
        notice_no="劝业场救确〔2025〕第 4 号",
    )


def sample_flyer() -> PolicyFlyer:
    """明白纸 for September 2025."""
    return PolicyFlyer(
        title="社会救助政策明白纸",
        office=YOUYI,
        month=date(2025, 9, 1),
        intro="家里遇到困难，可以到居住地或户籍地的街道社会救助窗口申请（一城通办）。",
        standards=(
            StandardLine("城乡低保标准", STANDARD),
            StandardLine("低保边缘家庭收入上限", Decimal("1567.50")),
            StandardLine("低保边缘家庭生活补贴", EDGE_GRANT, "元/户·月"),
            StandardLine("特困人员基本生活标准（城市）", Decimal("1870.00")),
            StandardLine("特困人员照料护理补贴（全护理）", Decimal("800.00")),
        ),
        who_qualifies=(
            "共同生活的家庭成员月人均收入低于 1045 元，且财产符合规定的，可以申请低保。",
            "月人均收入在 1045 元至 1567.5 元之间，可以申请低保边缘家庭认定。",
            "无劳动能力、无生活来源、无法定赡养抚养扶养义务人的老年人、残疾人、未成年人，可以申请特困供养。",
            "因火灾、交通事故、突发重病等导致基本生活暂时困难的，可以申请临时救助，急难情况先救助后补手续。",
        ),
        what_to_bring=(
            "申请人身份证、户口簿（能在线查询的不用带）。",
            "残疾证、病历等证明材料（如有）。",
            "家庭经济状况核对授权书（窗口现场签字）。",
        ),
        hotlines=(
            Contact("天津市社会救助热线", "022-12345"),
            Contact("河西区社会救助热线", "022-28137712"),
            Contact("政务服务便民热线", "12345"),
        ),
        windows=(
            Contact("友谊路街道社会救助窗口", address="平江道 30 号", hours="工作日 9:00-17:00"),
            Contact(
                "河西区民政局社会救助科", address="河西区微山路 18 号", hours="工作日 9:00-17:00"
            ),
        ),
        qr_url="https://mzj.tj.gov.cn/shjz/yctb",
    )


def _approval(i: int) -> ApprovalLetter:
    return ApprovalLetter(
        sample_case(i),
        date(2025, 10, 10),
        date(2025, 10, 10),
        12,
        letter_no=f"津河西救确〔2025〕{i + 101} 号",
    )


def sample_refusal() -> RefusalLetter:
    """不予救助决定书 with two reasons."""
    return RefusalLetter(
        sample_case(2),
        date(2025, 10, 10),
        (
            "经家庭经济状况核对，家庭月人均收入 1,380.00 元，高于本市低保标准 1,045.00 元。",
            "家庭成员名下有小型汽车一辆（非残疾人功能性补偿代步工具）。",
        ),
        "天津市河西区人民政府",
        "天津市河西区人民法院",
        letter_no="津河西救不〔2025〕7 号",
    )


def sample_change(kind: str = "decrease") -> ChangeNotice:
    """减发 notice after the yearly review."""
    case = sample_case(4)
    new = {"increase": case.amount + 200, "decrease": case.amount - 300, "stop": Decimal(0)}[kind]
    return ChangeNotice(
        case,
        kind,
        case.amount,
        new,
        date(2025, 11, 1),
        ("经定期核查，家庭成员（配偶）自 2025 年 8 月起在社区超市就业，月工资 2,300.00 元。",),
        date(2025, 10, 20),
        letter_no="津河西救变〔2025〕12 号",
    )


def sample_missing_documents() -> MissingDocumentsNotice:
    """一次性告知书 listing three items."""
    return MissingDocumentsNotice(
        person_name(5),
        "dibao",
        date(2025, 9, 3),
        (
            MissingItem("残疾人证复印件", "持证人本人；如正在办理请提供区残联受理回执"),
            MissingItem("医疗费用票据", "近 12 个月的住院、门诊票据原件及复印件"),
            MissingItem("代办委托书", "由申请人签字，写明代办事项；代办人携带本人身份证"),
        ),
        date(2025, 9, 17),
        YOUYI,
        clerk="孙雅琴",
    )


@lru_cache(maxsize=8)
def sample_image(label: str, width: int = 520, height: int = 320, signature: bool = False) -> bytes:
    """A small deterministic PNG: a scribbled signature or a scanned-document stand-in."""
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path()), 28 if not signature else 40)
    if signature:
        draw.text((10, 8), label, fill="#1a2a6c", font=font)
        draw.line([(8, height - 14), (width - 8, height - 22)], fill="#1a2a6c", width=3)
    else:
        draw.rectangle([6, 6, width - 7, height - 7], outline="#555555", width=3)
        draw.text((30, 30), label, fill="black", font=font)
        for k in range(5):
            draw.line([(30, 100 + 40 * k), (width - 40, 100 + 40 * k)], fill="#999999", width=2)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def sample_survey(i: int = 0) -> HomeSurvey:
    """入户调查表 of case ``i`` with two surveyors and signature images."""
    case = sample_case(i)
    who = case.applicant.name
    sigs = (
        Signature("孙雅琴", "调查人", sample_image("孙雅琴", 260, 70, True)),
        Signature("周振华", "调查人", sample_image("周振华", 260, 70, True)),
        Signature(who, "家庭成员", sample_image(who, 260, 70, True)),
    )
    return HomeSurvey(
        case,
        date(2025, 9, 5),
        income=(
            MoneyLine("灵活就业收入", Decimal("800.00"), who, "保洁，月均"),
            MoneyLine("养老金", Decimal("0.00"), who, "未参保"),
        ),
        assets=(MoneyLine("银行存款", Decimal("3200.00"), who, "工商银行活期"),),
        housing="公房一间，使用面积 28 平方米，无其他住房。",
        living="家具陈旧，无大额消费品；家中有长期病人，医药支出较大。",
        visits=(
            NeighbourVisit("钱淑珍", "邻居", "家里困难属实，平时靠打零工。"),
            NeighbourVisit("马立新", "社区网格员", "未发现有车辆和经营活动。"),
        ),
        surveyors=("孙雅琴", "周振华"),
        present=(who,),
        signatures=sigs,
    )


def sample_authorization(i: int = 0) -> CheckAuthorization:
    """核对授权书 for case ``i``."""
    return CheckAuthorization(sample_case(i), date(2025, 9, 3))


def sample_self_assessment() -> SelfAssessment:
    """自助评估结果 of a family of three."""
    return SelfAssessment(
        YOUYI,
        date(2025, 9, 8),
        3,
        Decimal("2400.00"),
        Decimal("15000.00"),
        STANDARD,
        (
            AssessmentOutcome("最低生活保障", True, "人均月收入 800.00 元，低于标准 1,045.00 元"),
            AssessmentOutcome("低保边缘家庭", False, "已可能符合低保，无需另行认定"),
            AssessmentOutcome("临时救助", False, "未填写突发困难情况"),
        ),
        facts=("货币财产人均 5,000.00 元，未超过 24 倍低保标准（25,080.00 元）。",),
    )


def sample_archive_case(i: int = 0) -> ArchiveCase:
    """Archive of case ``i``: approval, survey, authorisation, calculation, timeline, 2 scans."""
    case = sample_case(i)
    start = date(2025, 9, 3)
    steps = (
        ("受理申请", "孙雅琴"),
        ("启动家庭经济状况核对", "孙雅琴"),
        ("入户调查", "孙雅琴、周振华"),
        ("初审", "劝业场街道"),
        ("公示（7 天）", "友谊路街道"),
        ("审核确认", "劝业场街道"),
    )
    timeline = tuple(
        TimelineEvent(start + timedelta(days=6 * k), a, who) for k, (a, who) in enumerate(steps)
    )
    total = STANDARD * case.family_size
    calc = (
        CalcLine("保障标准 × 家庭人口", total, f"1,045.00 元 × {case.family_size} 人"),
        CalcLine(
            "家庭月收入（扣减后）", max(Decimal(0), total - case.amount), "核对报告及入户调查"
        ),
        CalcLine("月救助金额", case.amount, "标准总额减家庭收入，按分取整"),
    )
    return ArchiveCase(
        case,
        date(2025, 10, 15),
        calc,
        timeline,
        approval=_approval(i),
        survey=sample_survey(i),
        authorization=sample_authorization(i),
        attachments=(
            Attachment("户口簿（首页）", sample_image("户口簿 首页（样例）")),
            Attachment("社区证明", sample_image("社区证明（样例）")),
        ),
        archivist="孙雅琴",
    )


def sample_roster(rows: int = 40) -> PaymentRoster:
    """发放花名册 for October 2025."""
    out = []
    for i in range(rows):
        c = sample_case(i)
        out.append(
            RosterRow(
                c.applicant.name,
                c.applicant.id_number,
                c.family_size,
                c.assistance_type,
                c.amount,
                f"62172{(1000000000000 + i * 7777777) % 10**14:014d}",
                "中国工商银行天津友谊路支行",
                c.applicant.name,
            )
        )
    return PaymentRoster(
        YOUYI, date(2025, 10, 1), tuple(out), "孙雅琴", "周振华", date(2025, 10, 8)
    )


def all_documents() -> dict[str, Callable[[], bytes]]:
    """File stem → a function rendering that sample document (one of every kind)."""
    from reports import archive, flyer, forms, letters, notices, roster

    return {
        "notice": lambda: notices.render_public_notice(sample_public_notice(40)),
        "announcement": lambda: notices.render_confirmation_announcement(sample_announcement()),
        "flyer": lambda: flyer.render_policy_flyer(sample_flyer()),
        "letter-approval": lambda: letters.render_approval_letter(_approval(0)),
        "letter-refusal": lambda: letters.render_refusal_letter(sample_refusal()),
        "letter-increase": lambda: letters.render_change_notice(sample_change("increase")),
        "letter-decrease": lambda: letters.render_change_notice(sample_change("decrease")),
        "letter-stop": lambda: letters.render_change_notice(sample_change("stop")),
        "letter-missing-documents": lambda: letters.render_missing_documents(
            sample_missing_documents()
        ),
        "survey-blank": lambda: forms.render_blank_home_survey(YOUYI),
        "survey-filled": lambda: forms.render_home_survey(sample_survey(2)),
        "authorization": lambda: forms.render_check_authorization(sample_authorization(1)),
        "self-assessment": lambda: forms.render_self_assessment(sample_self_assessment()),
        "archive": lambda: archive.render_archive(sample_archive_case(2)),
        "roster": lambda: roster.render_payment_roster(sample_roster()),
    }


def approval_sample(i: int = 0) -> ApprovalLetter:
    """Approval letter of case ``i``."""
    return _approval(i)
