"""Household membership rules (domain.md §4) and the keys used to spot duplicate households."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

RELATIONS: dict[str, str] = {
    "applicant": "申请人本人",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandparent": "祖父母/外祖父母",
    "grandchild": "孙子女/外孙子女",
    "sibling": "兄弟姐妹",
    "other": "其他共同生活人员",
}

# Reasons a person living in the household does not count as a member.
NON_MEMBER_REASONS: dict[str, str] = {
    "religious": "宗教教职人员（连续三年以上脱离家庭独立生活）",
    "prisoner": "在监狱服刑人员",
    "rehab": "强制隔离戒毒人员",
    "missing": "宣告失踪人员",
    "conscript": "在服义务兵役人员",
}

STUDENT_LEVELS: dict[str, str] = {
    "": "非在校",
    "primary": "小学",
    "junior": "初中",
    "senior": "高中/中职",
    "college": "大专",
    "bachelor": "本科",
    "postgraduate": "研究生",
}

WORK_CAPACITY: dict[str, str] = {
    "full": "有劳动能力",
    "partial": "部分丧失劳动能力",
    "none": "无劳动能力",
}

DISABILITY_TYPES: dict[str, str] = {
    "": "无",
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
}

ILLNESS_CLASSES: dict[str, str] = {
    "": "无",
    "uremia": "尿毒症",
    "transplant": "器官移植术后",
    "leukemia": "白血病",
    "malignant_tumor": "恶性肿瘤",
    "hemophilia": "血友病",
    "aplastic_anemia": "再生障碍性贫血",
    "chronic_listed": "规定慢性病",
}


@dataclass(frozen=True)
class MemberFacts:
    """What the membership rule needs to know about one person."""

    relation: str
    birth_date: date
    lives_with_family: bool = True
    student_level: str = ""
    work_capacity: str = "full"
    non_member_reason: str = ""


def membership(person: MemberFacts, on: date) -> tuple[bool, str]:
    """Decide whether a person counts as a household member; returns (is_member, Chinese reason)."""
    if person.non_member_reason:
        label = NON_MEMBER_REASONS.get(person.non_member_reason, person.non_member_reason)
        return False, f"{label}，不计入家庭成员"
    if person.relation in ("applicant", "spouse"):
        return True, f"{RELATIONS[person.relation]}，计入家庭成员"
    age = (
        on.year
        - person.birth_date.year
        - ((on.month, on.day) < (person.birth_date.month, person.birth_date.day))
    )
    if person.relation == "child":
        if age < 18:
            return True, "未成年子女，计入家庭成员"
        if person.student_level in ("college", "bachelor"):
            return True, "在校就读本科及以下学历的成年子女，计入家庭成员"
        if person.work_capacity != "full" and person.lives_with_family:
            return True, "不能独立生活的成年子女，计入家庭成员"
        if person.lives_with_family:
            return True, "共同生活的成年子女（负有赡养扶养抚养义务），计入家庭成员"
        return False, "不共同生活且能独立生活的成年子女，不计入家庭成员"
    if person.lives_with_family:
        return True, "负有赡养、扶养或抚养义务且长期共同生活，计入家庭成员"
    return False, "未共同生活，不计入家庭成员"


_ADDR_NOISE = re.compile(r"[\s,，。.·\-－—_/（）()号室楼单元门栋]")
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def address_key(address: str) -> str:
    """A normalised address for duplicate detection: no spaces, punctuation or unit words."""
    text = address.translate(_FULLWIDTH)
    text = text.replace("天津市", "").replace("天津", "")
    return _ADDR_NOISE.sub("", text)[:200]
