"""自助评估 at the window or a kiosk (no login, nothing stored): which programmes a family may
qualify for under the policy in force, and one list of everything to bring."""

from __future__ import annotations

from datetime import date
from typing import Any

from desktop.domain.policy.selfcheck import self_assessment_of
from desktop.services.policy.policy_admin import load_policy
from desktop.store.store import Store


def self_assessment(
    doc: dict[str, Any], store: Store | None = None, today: date | None = None
) -> dict[str, Any]:
    """Self-assessment of one household in the policy input format (docs/policy-input.md).

    ``benefit_month`` defaults to the current month. The policy comes from the store's policy
    table (the defaults when there is no store). The result adds ``bring``: the documents of
    every programme the family may qualify for, each once, in order.
    """
    policy = load_policy(store) if store is not None else None
    return self_assessment_of(doc, policy, today)
