"""Which documents an application needs (一次性告知): nothing that shared data already provides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    shared_data: bool  # True: the office looks it up itself and never asks the family for it
    note: str = ""


DOCUMENT_KINDS: dict[str, DocumentKind] = {
    k.code: k
    for k in (
        DocumentKind("application_form", "社会救助申请书（申请人签字）", False),
        DocumentKind("check_authorisation", "家庭经济状况核对授权书（成年成员签字）", False),
        DocumentKind("income_statement", "家庭收入情况声明（无固定收入者）", False),
        DocumentKind("proxy_authorisation", "委托代办书及代办人身份证", False, "由他人代为申请时"),
        DocumentKind("medical_records", "诊断证明及近期病历", False, "家庭成员患重病时"),
        DocumentKind("expense_receipts", "医疗、教育等刚性支出票据", False, "支出型困难"),
        DocumentKind("student_certificate", "在校就读证明", False, "成年子女在校就读时"),
        DocumentKind("incident_proof", "突发事件、意外事故相关证明或说明", False, "急难型临时救助"),
        DocumentKind("id_card", "居民身份证", True, "经公安共享数据核验，不再收取"),
        DocumentKind("hukou_book", "户口簿", True, "经公安共享数据核验，不再收取"),
        DocumentKind("disability_certificate", "残疾人证", True, "经残联共享数据核验，不再收取"),
        DocumentKind("marriage_record", "婚姻登记信息", True, "经民政共享数据核验，不再收取"),
        DocumentKind("photo", "入户调查照片", False, "调查人员拍摄"),
        DocumentKind("signature", "签字", False, "调查表签字"),
        DocumentKind("other", "其他材料", False),
    )
}


@dataclass(frozen=True)
class ChecklistFacts:
    """The few facts that decide the checklist."""

    assistance_type: str
    has_proxy: bool = False
    has_serious_illness: bool = False
    has_adult_student: bool = False
    has_irregular_income: bool = True


def required_documents(facts: ChecklistFacts) -> list[DocumentKind]:
    """Every document the family must bring, asked for at once; shared-data items never appear."""
    codes = ["application_form", "check_authorisation"]
    if facts.assistance_type == "linshi_jinan":
        codes = ["application_form", "incident_proof"]
    else:
        if facts.has_irregular_income:
            codes.append("income_statement")
        if facts.has_adult_student:
            codes.append("student_certificate")
        if facts.assistance_type in ("linshi_zhichu", "gangxing"):
            codes.append("expense_receipts")
    if facts.has_serious_illness:
        codes.append("medical_records")
    if facts.has_proxy:
        codes.append("proxy_authorisation")
    return [DOCUMENT_KINDS[c] for c in codes]


def shared_data_items() -> list[DocumentKind]:
    """What the office checks through shared data instead of asking (shown on the notice)."""
    return [k for k in DOCUMENT_KINDS.values() if k.shared_data]


def missing_documents(
    required: Iterable[DocumentKind], received_codes: Iterable[str]
) -> list[DocumentKind]:
    have = set(received_codes)
    return [k for k in required if k.code not in have]
