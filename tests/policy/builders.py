"""Shared builders for the policy tests: compact household makers and the benefit months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.domain.policy import (
    DEFAULT_POLICY_ROWS,
    Household,
    IncomeItem,
    Member,
    PolicyRow,
    PolicySet,
)

SEP_2025 = date(2025, 9, 1)
AUG_2025 = date(2025, 8, 1)
LOOKBACK = (date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1))


def member(mid: str = "m1", **kw: object) -> Member:
    """A member; the first one is the applicant unless ``relation`` says otherwise."""
    kw.setdefault("relation", "applicant" if mid == "m1" else "child")
    if "birth_date" not in kw:
        kw.setdefault("age", 40)
    return Member(id=mid, **kw)  # type: ignore[arg-type]


def monthly(mid: str, amount: str, kind: str = "transfer") -> tuple[IncomeItem, ...]:
    """The same income in each of the 3 look-back months before 2025-09 (also fits 2025-08
    when given as a monthly figure with month None)."""
    return (IncomeItem(mid, None, kind, Decimal(amount)),)


def family(*members: Member, incomes: tuple[IncomeItem, ...] = (), **kw: object) -> Household:
    return Household(members=tuple(members), incomes=incomes, **kw)  # type: ignore[arg-type]


def D(text: str) -> Decimal:  # noqa: N802
    return Decimal(text)


def policy_with(overrides: dict[str, str], district: str | None = None) -> PolicySet:
    """The default rows with some keys replaced in the 2025-09-01 period (or, with a
    ``district``, added as that district's own rows)."""
    rows = list(DEFAULT_POLICY_ROWS)
    if district is not None:
        rows += [PolicyRow(k, v, date(2025, 9, 1), None, district) for k, v in overrides.items()]
        return PolicySet.from_rows(rows)
    out = []
    for r in rows:
        if r.key in overrides and r.effective_from == date(2025, 9, 1):
            r = PolicyRow(r.key, overrides[r.key], r.effective_from, r.effective_to, r.district)
        out.append(r)
    return PolicySet.from_rows(out)
