"""Plain frozen inputs of every document; notice types have no field for private data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from desktop.errors import ValidationError

ASSISTANCE_TYPES: dict[str, str] = {
    "dibao": "最低生活保障",
    "tekun": "特困人员救助供养",
    "bianyuan": "低保边缘家庭",
    "linshi": "临时救助",
    "gangxing": "刚性支出困难家庭",
}


def assistance_name(code: str) -> str:
    """Display name of an assistance type code (dibao → 最低生活保障)."""
    try:
        return ASSISTANCE_TYPES[code]
    except KeyError:
        raise ValidationError("救助类别", f"未知的救助类别代码“{code}”") from None


# ---------------------------------------------------------------- shared parts
@dataclass(frozen=True)
class Office:
    """A street office as printed on documents: name, window address, public phone."""

    name: str  # 河西区友谊路街道办事处
    address: str
    phone: str
    district: str = ""  # 河西区
    seal_text: str = ""  # text in the seal area; defaults to the office name


@dataclass(frozen=True)
class Person:
    """A family member as known to the case (printed masked where printed at all)."""

    name: str
    id_number: str
    relation: str = "本人"  # 与申请人关系
    age: int | None = None
    health: str = ""  # 健康状况 (internal documents only)
    work: str = ""  # 就业状况


@dataclass(frozen=True)
class CaseRecord:
    """The full case of one household: what the letters, forms and archive need."""

    case_no: str
    applicant: Person
    members: tuple[Person, ...]
    address: str
    phone: str
    community: str  # 友谊路街道 谊景村社区
    assistance_type: str
    amount: Decimal
    residence_office: Office
    hukou_office: Office
    illness: str = ""  # internal only; never on a notice

    @property
    def family_size(self) -> int:
        """Number of members covered (applicant included)."""
        return len(self.members)


# ---------------------------------------------------------------- notices
@dataclass(frozen=True)
class NoticeRow:
    """One line of a public notice: ONLY name, family size, assistance type and amount."""

    name: str
    family_size: int
    assistance_type: str
    amount: Decimal

    @classmethod
    def from_case(cls, case: CaseRecord) -> NoticeRow:
        """Keep only what may be published (domain rule §3)."""
        return cls(case.applicant.name, case.family_size, case.assistance_type, case.amount)


@dataclass(frozen=True)
class PublicNotice:
    """公示: a batch of cases of one community, posted for ``period_days`` days."""

    office: Office
    community: str
    start: date
    rows: tuple[NoticeRow, ...]
    objection_phone: str
    objection_address: str
    issued_on: date
    period_days: int = 7
    notice_no: str = ""

    @property
    def end(self) -> date:
        """Last day of the posting period (inclusive)."""
        return self.start + timedelta(days=self.period_days - 1)


@dataclass(frozen=True)
class ConfirmationAnnouncement:
    """审核确认公告 posted at both the residence and the registration office."""

    residence_office: Office
    hukou_office: Office
    community: str
    decision_date: date
    start: date
    rows: tuple[NoticeRow, ...]
    objection_phone: str
    period_days: int = 7
    notice_no: str = ""

    @property
    def end(self) -> date:
        """Last day of the posting period (inclusive)."""
        return self.start + timedelta(days=self.period_days - 1)


# ---------------------------------------------------------------- flyer
@dataclass(frozen=True)
class StandardLine:
    """One amount of the current month's standards: label, amount, unit."""

    label: str
    amount: Decimal
    unit: str = "元/人·月"


@dataclass(frozen=True)
class Contact:
    """A hotline or a window: name, phone, address, opening hours."""

    name: str
    phone: str = ""
    address: str = ""
    hours: str = ""


@dataclass(frozen=True)
class PolicyFlyer:
    """明白纸: one page of plain-language policy text with a QR code."""

    title: str
    office: Office
    month: date
    standards: tuple[StandardLine, ...]
    who_qualifies: tuple[str, ...]
    what_to_bring: tuple[str, ...]
    hotlines: tuple[Contact, ...]
    windows: tuple[Contact, ...]
    qr_url: str
    qr_caption: str = "扫码查看政策原文、在线申请"
    intro: str = ""


# ---------------------------------------------------------------- letters
@dataclass(frozen=True)
class ApprovalLetter:
    """审核确认通知书 (approval): amount, start date, review cycle."""

    case: CaseRecord
    decision_date: date
    start_date: date
    review_months: int
    letter_no: str = ""
    basis: str = "《社会救助暂行办法》《天津市最低生活保障办法》"
    calculated_amount: Decimal | None = None
    """The amount the benefit rules gave, when the confirmed amount differs from it."""
    amount_basis: str = ""
    amount_approved_by: str = ""


@dataclass(frozen=True)
class RefusalLetter:
    """不予救助决定书: reasons and the rights of appeal with their deadlines."""

    case: CaseRecord
    decision_date: date
    reasons: tuple[str, ...]
    review_body: str  # 行政复议机关, e.g. 天津市河西区人民政府
    court: str  # 天津市河西区人民法院
    review_days: int = 60
    lawsuit_months: int = 6
    letter_no: str = ""


@dataclass(frozen=True)
class ChangeNotice:
    """增发/减发/停发 notice after a periodic review; kind is increase, decrease or stop."""

    case: CaseRecord
    kind: str
    old_amount: Decimal
    new_amount: Decimal
    effective: date
    reasons: tuple[str, ...]
    decision_date: date
    letter_no: str = ""


@dataclass(frozen=True)
class MissingItem:
    """A document the family still has to bring, with a note on where to get it."""

    name: str
    note: str = ""


@dataclass(frozen=True)
class MissingDocumentsNotice:
    """一次性告知书: every missing document listed at once, with a deadline."""

    applicant_name: str
    assistance_type: str
    received_on: date
    items: tuple[MissingItem, ...]
    deadline: date
    office: Office
    clerk: str = ""


# ---------------------------------------------------------------- forms
@dataclass(frozen=True)
class MoneyLine:
    """One income or asset item: what, whose, monthly or total amount, a note."""

    label: str
    amount: Decimal
    owner: str = ""
    note: str = ""


@dataclass(frozen=True)
class NeighbourVisit:
    """A neighbour interviewed during the home survey."""

    name: str
    relation: str  # 邻居 / 楼长 / 社区网格员
    statement: str


@dataclass(frozen=True)
class Signature:
    """A signature captured as an image (PNG/JPEG bytes) on the survey laptop."""

    signer: str
    role: str  # 调查人 / 家庭成员
    image: bytes


@dataclass(frozen=True)
class HomeSurvey:
    """入户调查表 filled from a case; at least two surveyors."""

    case: CaseRecord
    survey_date: date
    income: tuple[MoneyLine, ...]
    assets: tuple[MoneyLine, ...]
    housing: str
    living: str
    visits: tuple[NeighbourVisit, ...]
    surveyors: tuple[str, ...]
    present: tuple[str, ...]
    signatures: tuple[Signature, ...] = ()
    remarks: str = ""
    # What the surveyors wrote in their own words, printed under the matching section.
    income_note: str = ""
    assets_note: str = ""
    visits_note: str = ""
    findings: str = ""
    opinion: str = ""


@dataclass(frozen=True)
class CheckAuthorization:
    """家庭经济状况核对授权书 signed by every adult member."""

    case: CaseRecord
    signed_on: date
    scope: tuple[str, ...] = (
        "户籍、婚姻、殡葬等信息",
        "工资、社会保险、住房公积金缴存等收入信息",
        "银行存款、证券、保险等金融资产信息",
        "房产、车辆、工商登记、纳税等财产信息",
    )


@dataclass(frozen=True)
class AssessmentOutcome:
    """One programme of a self-assessment: may qualify or not, and why."""

    programme: str
    likely: bool
    note: str


@dataclass(frozen=True)
class SelfAssessment:
    """自助评估结果: what the resident entered and the programmes they may qualify for."""

    office: Office
    assessed_on: date
    family_size: int
    monthly_income: Decimal
    liquid_assets: Decimal
    standard: Decimal
    outcomes: tuple[AssessmentOutcome, ...]
    facts: tuple[str, ...] = ()


# ---------------------------------------------------------------- archive and roster
@dataclass(frozen=True)
class CalcLine:
    """A line of the benefit calculation sheet with its reason."""

    label: str
    amount: Decimal
    reason: str = ""


@dataclass(frozen=True)
class TimelineEvent:
    """One step of the case history."""

    on: date
    action: str
    actor: str
    note: str = ""


@dataclass(frozen=True)
class Attachment:
    """A scanned document or photo (PNG/JPEG bytes)."""

    title: str
    image: bytes


@dataclass(frozen=True)
class ArchiveCase:
    """Everything of one case that goes into its archive dossier."""

    case: CaseRecord
    archived_on: date
    calculation: tuple[CalcLine, ...]
    timeline: tuple[TimelineEvent, ...]
    approval: ApprovalLetter | None = None
    refusal: RefusalLetter | None = None
    survey: HomeSurvey | None = None
    authorization: CheckAuthorization | None = None
    attachments: tuple[Attachment, ...] = ()
    archivist: str = ""


@dataclass(frozen=True)
class RosterRow:
    """One payee of the monthly roster (the ID is masked when printed; the account is printed
    in full: the roster is the payer's internal document the bank pays from)."""

    name: str
    id_number: str
    family_size: int
    assistance_type: str
    amount: Decimal
    bank_account: str
    bank_name: str = ""
    account_holder: str = ""


@dataclass(frozen=True)
class PaymentRoster:
    """发放花名册 of one office for one month."""

    office: Office
    month: date
    rows: tuple[RosterRow, ...]
    prepared_by: str = ""
    checked_by: str = ""
    prepared_on: date | None = None
    extra_notes: tuple[str, ...] = field(default=())
