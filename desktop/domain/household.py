"""Household membership and relationship rules (domain.md §4), the review-cycle family type
(domain.md §2.7), the 一城通办 office rule and the keys used to spot duplicate households."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from desktop.domain.policy import codes
from desktop.errors import ValidationError

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


# ---------------------------------------------------------------- relationships (domain.md §4)
# These numbers are law or plain plausibility, not local policy, so they are constants:
# 民法典 第1047条: a man may marry at 22 full years, a woman at 20. A spouse younger than that
# (or an applicant younger than that with a spouse) is certainly a typing error.
MARRIAGE_AGE = {"M": 22, "F": 20}
# A parent is at least this many years older than the child. Below 12 parenthood is not
# plausible; step- and adoptive relations closer in age are recorded as 其他共同生活成员.
GENERATION_GAP = 12
# How many generations older (+) or younger (−) than the applicant each relation is; the
# age of the member must differ from the applicant's by at least GENERATION_GAP per generation.
GENERATIONS = {"child": -1, "grandchild": -2, "parent": 1, "grandparent": 2}
# Relations of which an applicant has at most this many (a second 配偶 is refused).
AT_MOST = {"applicant": 1, "spouse": 1, "parent": 2, "grandparent": 4}


@dataclass(frozen=True)
class Kin:
    """One person as the relationship rules see them; ``label`` prefixes the field name."""

    relation: str
    sex: str  # "M" or "F" (from the ID number)
    birth_date: date
    label: str = ""


def age_on(born: date, on: date) -> int:
    """Completed years of age on ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_relations(members: Sequence[Kin], on: date, *, complete: bool = True) -> None:
    """Refuse a family whose relations to the applicant cannot be true (ValidationError naming
    the member's 与申请人关系). ``complete=False`` while the list is still being typed: a
    missing applicant is then not yet an error."""
    for relation, limit in AT_MOST.items():
        holders = [m for m in members if m.relation == relation]
        if len(holders) > limit:
            name = RELATIONS[relation]
            what = "“申请人本人”" if relation == "applicant" else f"{limit}位{name}"
            raise ValidationError(
                f"{holders[limit].label}与申请人关系", f"本户已有{what}，不能再登记{name}"
            )
    applicants = [m for m in members if m.relation == "applicant"]
    if not applicants:
        if complete:
            raise ValidationError("与申请人关系", "须有且只有一位“申请人本人”")
        return
    applicant = applicants[0]
    own_age = age_on(applicant.birth_date, on)
    for m in members:
        if m.relation == "spouse":
            for who, person in (("配偶", m), ("申请人", applicant)):
                minimum = MARRIAGE_AGE.get(person.sex, max(MARRIAGE_AGE.values()))
                age = age_on(person.birth_date, on)
                if age < minimum:
                    sex = "男" if person.sex == "M" else "女"
                    raise ValidationError(
                        f"{m.label}与申请人关系",
                        f"{who}{age}岁，未到法定婚龄（{sex}性{minimum}周岁），不能登记为配偶",
                    )
        generations = GENERATIONS.get(m.relation)
        if generations is None:
            continue
        gap = age_on(m.birth_date, on) - own_age
        need = GENERATION_GAP * abs(generations)
        if generations < 0 and -gap < need:
            raise ValidationError(
                f"{m.label}与申请人关系",
                f"{RELATIONS[m.relation]}应比申请人至少小{need}岁（现相差{gap}岁），请核对关系或身份证号",
            )
        if generations > 0 and gap < need:
            raise ValidationError(
                f"{m.label}与申请人关系",
                f"{RELATIONS[m.relation]}应比申请人至少大{need}岁（现相差{gap}岁），请核对关系或身份证号",
            )


# ---------------------------------------------------------------- review cycle (domain.md §2.7)
@dataclass(frozen=True)
class WorkFacts:
    """What the family-type rule needs of one counted member."""

    sex: str  # "M" or "F"
    birth_date: date
    work_capacity: str = "full"
    student_level: str = ""
    employment: str = ""


@dataclass(frozen=True)
class WorkingAge:
    """The working-age band of the policy table (imputed.working_age_min / retire ages)."""

    minimum: int = 18
    retire_male: int = 60
    retire_female: int = 55


DEFAULT_WORKING_AGE = WorkingAge()


def able_to_work(m: WorkFacts, on: date, band: WorkingAge) -> bool:
    """Of working age, with full work capacity, not at school and not retired."""
    if m.work_capacity != "full" or m.student_level or m.employment == "retired":
        return False
    retire = band.retire_male if m.sex == "M" else band.retire_female
    return band.minimum <= age_on(m.birth_date, on) < retire


def family_stability(
    members: Sequence[WorkFacts], on: date, band: WorkingAge = DEFAULT_WORKING_AGE
) -> str:
    """``stable`` (12-month review) only when no counted member can work and nobody earns an
    irregular income; ``variable`` (6 months) otherwise. The default the confirmation offers."""
    if any(able_to_work(m, on, band) for m in members):
        return "variable"
    if any(m.employment in ("employed", "self_employed") for m in members):
        return "variable"
    return "stable"


# ---------------------------------------------------------------- 一城通办
def in_office_scope(office_id: str, residence_office_id: str, hukou_office_id: str) -> bool:
    """一城通办: an office acts for a family only where it lives (居住地) or is registered (户籍地)."""
    return office_id in (residence_office_id, hukou_office_id)


def check_office_scope(office_id: str, residence_office_id: str, hukou_office_id: str) -> None:
    """The 一城通办 rule on an entered household (the offices chosen on the form)."""
    if not in_office_scope(office_id, residence_office_id, hukou_office_id):
        raise ValidationError(
            "居住地街道", "本街道既不是该家庭的居住地也不是户籍地，不能受理（一城通办）"
        )
