"""Result types of an assessment: reasons naming rule and numbers, per-programme outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desktop.money import FEN


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule applied: ``rule`` is a stable code, ``text`` Chinese with the numbers used,
    ``ok`` whether the condition was met (None when the line only informs)."""

    rule: str
    text: str
    ok: bool | None = None


@dataclass(frozen=True, slots=True)
class PersonResult:
    """A per-person outcome (特困, 单人保): who, eligible, amount and why."""

    member_id: str
    eligible: bool
    amount: Decimal
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class ProgrammeResult:
    """The outcome of one programme for the household and benefit month."""

    programme: str
    eligible: bool
    amount: Decimal
    reasons: tuple[Reason, ...]
    flags: tuple[str, ...] = ()
    persons: tuple[PersonResult, ...] = ()
    first_month_amount: Decimal | None = None
    payment_start: date | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """All programmes for one household and month, plus the income figures they share."""

    month: date
    district: str | None
    size: int
    income_total: Decimal
    income_per_capita: Decimal
    standard: Decimal
    programmes: dict[str, ProgrammeResult] = field(default_factory=dict)
    income_reasons: tuple[Reason, ...] = ()

    @property
    def needs_review(self) -> bool:
        """Whether any programme carries a flag for a person to decide."""
        return any(p.flags for p in self.programmes.values())


def yuan(amount: Decimal) -> str:
    """Amount as ``1045.00`` for reason texts."""
    return f"{amount.quantize(FEN)}"
