"""Demo seeding: every demo case confirmed for a monthly benefit is confirmed at the policy
engine's calculation for its decision month (saved as its assessment, as 资格测算 would), so
the decision letter, the dossier's calculation sheet and the engine agree."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from desktop.domain.policy import assess
from desktop.domain.policy.household import Household
from desktop.domain.policy.tables import PolicySet
from desktop.errors import DeskError
from desktop.services.base import Actor, Role
from desktop.services.cases.assessment import summary_of
from desktop.services.family.household_facts import household_facts

# Application type → engine programme of the monthly benefits the demo decides.
MONTHLY = {"dibao": "dibao", "bianyuan": "bianyuan", "tekun": "tekun"}
DEMO_ASSESSOR = Actor("", "demo", "资格测算（演示数据）", Role.SUPERVISOR, "", "", "")

Rewalk = Callable[[random.Random, Decimal], tuple[dict[str, Any], list[dict[str, Any]]]]
Found = tuple[Decimal, dict[str, Any]]


def at_engine(
    facts: Callable[[], Household], month: date, policy: PolicySet, programme: str
) -> Found | None:
    """The engine's amount and assessment summary for ``programme`` in ``month`` from the
    family's facts; None when the facts cannot be read or the family does not qualify."""
    try:
        result = assess(facts(), month, policy)
    except DeskError:
        return None
    p = result.programmes[programme]
    if not p.eligible:
        return None
    return p.amount, summary_of(result, programme, "", DEMO_ASSESSOR)


def engine_amount(session: Session, policy: PolicySet, app: dict[str, Any]) -> Found | None:
    """The engine's monthly amount and assessment summary for a demo application at its
    decision month; None when the case was not confirmed, is not a monthly benefit, or the
    family does not qualify then (the case keeps its walked amount)."""
    programme = MONTHLY.get(app["assistance_type"])
    decided = (app.get("workflow") or {}).get("decision_on")
    if programme is None or not decided or app["workflow"].get("approved_amount") is None:
        return None
    month = date.fromisoformat(decided).replace(day=1)
    return at_engine(
        lambda: household_facts(session, app["household_id"], month), month, policy, programme
    )


def confirm_at_engine_amounts(
    session: Session,
    policy: PolicySet,
    applications: list[dict[str, Any]],
    events: list[dict[str, Any]],
    rewalks: dict[str, tuple[Any, Rewalk]],
) -> list[dict[str, Any]]:
    """Walk every confirmed monthly case again from its saved random state, confirming the
    engine's amount (the same dates and steps follow); returns the events with theirs
    replaced, in the same order. ``rewalks``: application id → (random state before its
    walk, re-walk)."""
    redone: dict[str, list[dict[str, Any]]] = {}
    for app in applications:
        found = engine_amount(session, policy, app)
        if found is None or app["id"] not in rewalks:
            continue
        amount, summary = found
        state, rewalk = rewalks[app["id"]]
        rng = random.Random()
        rng.setstate(state)
        try:
            cols, rows = rewalk(rng, amount)
        except DeskError:  # e.g. nothing to pay where the type requires a cash amount
            continue
        app.update(cols)
        app["assessment"] = summary
        redone[app["id"]] = rows
    out: list[dict[str, Any]] = []
    written: set[str] = set()
    for e in events:  # a case's events are contiguous: its new ones take the place of the old
        new = redone.get(e["application_id"])
        if new is None:
            out.append(e)
        elif e["application_id"] not in written:
            written.add(e["application_id"])
            out.extend(new)
    return out
