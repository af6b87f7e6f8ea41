"""自助评估 at the window or a kiosk (no login, nothing stored): which programmes a family may
qualify for under the policy in force, and one list of everything to bring."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.domain.policy.selfcheck import COMMON_DOCUMENTS, NOTE, self_assess_doc
from desktop.errors import ValidationError
from desktop.services.policy_admin import load_policy
from desktop.store.store import Store


def self_assessment(
    doc: dict[str, Any], store: Store | None = None, today: date | None = None
) -> dict[str, Any]:
    """Self-assessment of one household in the policy input format (docs/policy-input.md).

    ``benefit_month`` defaults to the current month. The policy comes from the store's policy
    table (the defaults when there is no store). The result adds ``bring``: the documents of
    every programme the family may qualify for, each once, in order.
    """
    if not isinstance(doc, dict):
        raise ValidationError("自助评估输入", "应为一个家庭的情况（JSON 对象）", "invalid")
    if "households" in doc:
        raise ValidationError("自助评估输入", "一次只能评估一个家庭", "invalid")
    month = (today or date.today()).strftime("%Y-%m")
    filled = {"benefit_month": month, **doc}
    policy = load_policy(store) if store is not None else None
    out = self_assess_doc(filled, policy)
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
