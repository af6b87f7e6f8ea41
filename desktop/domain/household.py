"""Household membership rules (domain.md §4) and the keys used to spot duplicate households."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desktop.domain.policy import codes

# One vocabulary with the policy engine: the store keeps the engine's codes, with "" for "none".
RELATIONS: dict[str, str] = dict(codes.RELATIONS)

# Reasons a person living in the household does not count as a member.
NON_MEMBER_REASONS: dict[str, str] = {
    "religious": "宗教教职人员（连续三年以上脱离家庭独立生活）",
    "prisoner": "在监狱服刑人员",
    "rehab": "强制隔离戒毒人员",
    "missing": "宣告失踪人员",
    "conscript": "在服义务兵役人员",
}

STUDENT_LEVELS: dict[str, str] = {
    "": codes.STUDENT["none"],
    **{k: v for k, v in codes.STUDENT.items() if k != "none"},
}
WORK_CAPACITY: dict[str, str] = dict(codes.WORK_CAPACITY)
DISABILITY_TYPES: dict[str, str] = {"": "无", **codes.DISABILITY_TYPES}
ILLNESS_CLASSES: dict[str, str] = {"": "无", **codes.ILLNESS_CLASSES}
EMPLOYMENT: dict[str, str] = {"": "未填写", **codes.EMPLOYMENT}


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
