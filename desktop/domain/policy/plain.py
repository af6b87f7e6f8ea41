"""The policy in plain words (明白纸, 码上知): standards of a month, who qualifies, what to
bring — one text for the printed flyer and the public page, built from the policy rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.domain.policy.codes import PROGRAMMES
from desktop.domain.policy.tables import MonthPolicy


@dataclass(frozen=True, slots=True)
class PlainStandard:
    """One amount of the month's standards: label, amount, unit."""

    label: str
    amount: Decimal
    unit: str = "元/人·月"


@dataclass(frozen=True, slots=True)
class PlainPolicy:
    """What a resident needs to know of the policy in force."""

    intro: str
    standards: tuple[PlainStandard, ...]
    who_qualifies: tuple[str, ...]
    what_to_bring: tuple[str, ...]


INTRO = "家里遇到困难，可以到居住地或户籍地的街道社会救助窗口申请（一城通办）。"
BRING = (
    "申请人身份证、户口簿（能通过共享数据查询的不用带）。",
    "残疾人证、病历等证明材料（如有）。",
    "家庭经济状况核对授权书（窗口现场签字）。",
)


def _plain(amount: Decimal) -> str:
    """An amount in running text without trailing zeros (1045, 1567.5)."""
    return f"{amount.normalize():f}"


def plain_policy(mp: MonthPolicy) -> PlainPolicy:
    """The month's policy in plain words, every number from the policy rows."""
    std, upper = _plain(mp.standard), _plain(mp.bianyuan_upper)
    standards = (
        PlainStandard("城乡低保标准", mp.standard),
        PlainStandard("低保边缘家庭收入上限", mp.bianyuan_upper),
        PlainStandard("低保边缘家庭生活补贴", mp.bianyuan_grant, "元/户·月"),
        PlainStandard("特困人员基本生活标准（城市）", mp.tekun_standard["urban"]),
        PlainStandard("特困人员照料护理补贴（部分护理）", mp.care_partial),
        PlainStandard("特困人员照料护理补贴（全护理）", mp.care_full),
    )
    who = (
        f"共同生活的家庭成员月人均收入低于 {std} 元，且财产符合规定的，可以申请{PROGRAMMES['dibao']}。",
        f"月人均收入在 {std} 元至 {upper} 元之间，可以申请低保边缘家庭认定。",
        "无劳动能力、无生活来源、无法定赡养抚养扶养义务人的老年人、残疾人、未成年人，可以申请特困供养。",
        "因火灾、交通事故、突发重病等导致基本生活暂时困难的，可以申请临时救助，急难情况先救助后补手续。",
    )
    return PlainPolicy(INTRO, standards, who, BRING)
