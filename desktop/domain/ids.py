"""Resident ID numbers (GB 11643-1999): validation, 15→18 conversion, birth date, sex, region."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desktop.errors import ValidationError

FIELD = "身份证号"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_RE18 = re.compile(r"^\d{17}[\dX]$")
_RE15 = re.compile(r"^\d{15}$")

# Tianjin district codes, current and historical (older prefixes still appear on cards).
TIANJIN_REGIONS: dict[str, str] = {
    "120101": "和平区",
    "120102": "河东区",
    "120103": "河西区",
    "120104": "南开区",
    "120105": "河北区",
    "120106": "红桥区",
    "120110": "东丽区",
    "120111": "西青区",
    "120112": "津南区",
    "120113": "北辰区",
    "120114": "武清区",
    "120115": "宝坻区",
    "120116": "滨海新区",
    "120117": "宁河区",
    "120118": "静海区",
    "120119": "蓟州区",
    # historical codes
    "120107": "塘沽区（已撤销，今滨海新区）",
    "120108": "汉沽区（已撤销，今滨海新区）",
    "120109": "大港区（已撤销，今滨海新区）",
    "120221": "宁河县（今宁河区）",
    "120222": "武清县（今武清区）",
    "120223": "静海县（今静海区）",
    "120224": "宝坻县（今宝坻区）",
    "120225": "蓟县（今蓟州区）",
}

_PROVINCES = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}


@dataclass(frozen=True)
class IdInfo:
    """What an ID number tells: the normalised 18-character number and its parts."""

    number: str
    region_code: str
    region_name: str
    birth_date: date
    sex: str  # "M" or "F"

    @property
    def sex_cn(self) -> str:
        return "男" if self.sex == "M" else "女"

    def age_on(self, day: date) -> int:
        """Completed years of age on ``day``."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalise(raw: str) -> str:
    """Strip spaces, full-width characters and a lower-case x."""
    table = str.maketrans("０１２３４５６７８９ｘＸx", "0123456789" + "X" * 3)
    return raw.strip().replace(" ", "").translate(table)


def convert_15_to_18(number15: str) -> str:
    """Convert a legacy 15-digit number by inserting '19' and appending the check character."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_char(first17)


def region_name(code: str) -> str:
    """Chinese name of a 6-digit region code (Tianjin districts in detail, else the province)."""
    if code in TIANJIN_REGIONS:
        return TIANJIN_REGIONS[code]
    return _PROVINCES.get(code[:2], "未知地区")


def parse_id(raw: str, *, field: str = FIELD, today: date | None = None) -> IdInfo:
    """Validate and parse an ID number; raise ValidationError with a Chinese reason."""
    number = normalise(raw or "")
    if not number:
        raise ValidationError(field, "不能为空", code="required")
    if _RE15.match(number):
        number = convert_15_to_18(number)
    elif len(number) != 18:
        raise ValidationError(field, f"应为18位（当前{len(number)}位）", code="length")
    if not _RE18.match(number):
        raise ValidationError(field, "只能包含数字，最后一位可以是X", code="chars")
    if number[:2] not in _PROVINCES:
        raise ValidationError(field, f"地区代码“{number[:6]}”无效", code="region")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(field, f"出生日期“{number[6:14]}”不存在", code="birth_date") from None
    today = today or date.today()
    if born > today or born.year < 1890:
        raise ValidationError(field, f"出生日期“{number[6:14]}”不合理", code="birth_date")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(field, "校验位错误，请核对号码是否抄错", code="check_char")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdInfo(number, number[:6], region_name(number[:6]), born, sex)


def id_error(raw: str) -> str | None:
    """Validator for forms: None when valid, else the Chinese message."""
    try:
        parse_id(raw)
    except ValidationError as exc:
        return exc.detail
    return None


def mask_id(number: str | None) -> str:
    """First 6 + last 4 characters visible, the rest as '*': ``120101********1239`` (the one
    masking of ID numbers, for screens, exports and printed pages alike)."""
    raw = "".join((number or "").split()).upper()
    if not raw:
        return ""
    if len(raw) <= 10:
        return "*" * len(raw)
    return raw[:6] + "*" * (len(raw) - 10) + raw[-4:]


def mask_phone(phone: str | None) -> str:
    """Mobile ``138****5678``; a landline keeps its area code and last 4: ``022-****1234``;
    other numbers keep the last 4 (the one masking of phone numbers)."""
    raw = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "-")
    digits = raw.replace("-", "")
    if len(digits) < 7:
        return "*" * len(digits)
    if "-" in raw:
        area, _, local = raw.partition("-")
        local = local.replace("-", "")
        return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(digits) == 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * (len(digits) - 4) + digits[-4:]
