"""河北区自助评估: from the few facts a resident knows, which programmes the family may qualify
for and what to bring (a document checklist per programme). No login, nothing stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.domain.policy.assess import assess
from desktop.domain.policy.codes import PROGRAMMES
from desktop.domain.policy.household import Household
from desktop.domain.policy.jsonio import household_from_dict, validate_doc
from desktop.domain.policy.tables import PolicySet
from desktop.errors import ValidationError

NOTE = "本结果仅供参考，是否符合条件以街道（乡镇）审核确认为准。"
COMMON_DOCUMENTS = (
    "申请人及家庭成员身份证、户口簿",
    "家庭经济状况核对授权书（全体成年成员签字）",
    "近 3 个月收入情况（工资流水、养老金等）",
    "银行存款、有价证券等货币财产情况",
)
PROGRAMME_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "dibao": ("最低生活保障申请书",),
    "dibao_single": ("最低生活保障申请书", "残疾人证或重病诊断证明（单独纳入依据）"),
    "bianyuan": ("低保边缘家庭认定申请书",),
    "tekun": ("特困人员救助供养申请书", "生活自理能力评估表", "法定义务人无履行能力的证明"),
    "gangxing": ("刚性支出困难家庭申请书", "近 12 个月医疗、教育等支出票据"),
    "linshi": ("临时救助申请书", "急难或支出事由说明及相关票据"),
}


@dataclass(frozen=True, slots=True)
class SelfCheckItem:
    """One programme in the self-assessment result."""

    programme: str
    name: str
    may_qualify: bool
    estimate: Decimal
    why: tuple[str, ...]
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SelfCheckResult:
    """Programmes the family may qualify for first, then the others, with the note."""

    month: date
    items: tuple[SelfCheckItem, ...]
    note: str = NOTE
    income_total: Decimal = Decimal("0")
    income_per_capita: Decimal = Decimal("0")
    #: How the income counted was reached (averaging, deductions, imputed income), in Chinese.
    income_explained: tuple[str, ...] = ()

    @property
    def likely(self) -> tuple[str, ...]:
        """Codes of the programmes the family may qualify for."""
        return tuple(i.programme for i in self.items if i.may_qualify)


def situation_documents(h: Household) -> tuple[str, ...]:
    """Extra documents that follow from the members' situations."""
    docs = []
    if any(m.disability_type for m in h.members):
        docs.append("残疾人证")
    if any(m.illness for m in h.members):
        docs.append("二级以上医院诊断证明（重病、慢性病）")
    if any(m.student != "none" for m in h.members):
        docs.append("在校学生的在学证明")
    if any(m.employment in ("employed", "self_employed") for m in h.members):
        docs.append("劳动合同或收入证明")
    if any(v.purpose == "treatment" for v in h.vehicles):
        docs.append("车辆用于治疗康复的说明及病历")
    if h.single_parent:
        docs.append("离婚证或配偶死亡证明（单亲家庭）")
    return tuple(docs)


def self_assess(
    household: Household, month: date, policy: PolicySet | None = None
) -> SelfCheckResult:
    """Which programmes the family may qualify for in ``month`` and what to bring."""
    a = assess(household, month, policy)
    extra = situation_documents(household)
    items = []
    for code, p in a.programmes.items():
        why = tuple(r.text for r in p.reasons if r.ok is not None)
        docs = (*COMMON_DOCUMENTS, *PROGRAMME_DOCUMENTS[code], *extra) if p.eligible else ()
        items.append(SelfCheckItem(code, PROGRAMMES[code], p.eligible, p.amount, why, docs))
    items.sort(key=lambda i: not i.may_qualify)
    explained = tuple(r.text for r in a.income_reasons)
    return SelfCheckResult(
        a.month, tuple(items), NOTE, a.income_total, a.income_per_capita, explained
    )


def self_assess_doc(doc: Any, policy: PolicySet | None = None) -> dict[str, Any]:
    """Self-assessment from one household in the JSON input format, as a JSON-ready dict."""
    (item,) = validate_doc(doc)[:1]
    household, month = household_from_dict(item)
    result = self_assess(household, month, policy)
    return {
        "benefit_month": result.month.strftime("%Y-%m"),
        "may_qualify": list(result.likely),
        "programmes": [
            {
                "programme": i.programme,
                "name": i.name,
                "may_qualify": i.may_qualify,
                "estimate": str(i.estimate),
                "why": list(i.why),
                "documents": list(i.documents),
            }
            for i in result.items
        ],
        "income": {
            "total": str(result.income_total),
            "per_capita": str(result.income_per_capita),
            "explained": list(result.income_explained),
        },
        "note": result.note,
    }


def self_assessment_of(doc: Any, policy: Any = None, today: date | None = None) -> dict[str, Any]:
    """Self-assessment of one household in the policy input format (docs/policy-input.md).

    ``benefit_month`` defaults to the month of ``today``; ``policy`` defaults to the built-in
    tables. The result adds ``bring``: the documents of every programme the family may qualify
    for, each once, in order (the desk's screen and the hub's public page both show this).
    """
    if not isinstance(doc, dict):
        raise ValidationError("自助评估输入", "应为一个家庭的情况（JSON 对象）", "invalid")
    if "households" in doc:
        raise ValidationError("自助评估输入", "一次只能评估一个家庭", "invalid")
    month = (today or date.today()).strftime("%Y-%m")
    out = self_assess_doc({"benefit_month": month, **doc}, policy)
    bring: list[str] = []
    for item in out["programmes"]:
        for document in item["documents"]:
            if document not in bring:
                bring.append(document)
    out["bring"] = bring
    if not bring:
        out["bring_note"] = (
            "按所填情况暂不符合各项救助条件；如情况有变化或有特殊困难，可携带 "
            + "、".join(COMMON_DOCUMENTS[:1])
            + " 到街道（乡镇）社会救助窗口咨询。"
        )
    out["note"] = NOTE
    return out
