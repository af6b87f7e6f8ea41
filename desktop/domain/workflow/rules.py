"""Statutory time limits and counts of the workflow as one replaceable data object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeadlineRules:
    """Numbers from domain.md §2; the caller may pass its own (e.g. from a policy table).

    Working-day limits count with WorkCalendar (the N-th working day after the start date);
    ``notice_days`` and the month counts are calendar days / months.
    """

    survey_working_days: int = 3
    """入户调查: within 3 working days of acceptance [seed]."""
    notice_days: int = 7
    """公示: 7 calendar days at both offices [seed]."""
    confirm_working_days: int = 20
    """审核确认: within 20 working days of complete materials [N]."""
    confirm_long_working_days: int = 45
    """… 45 with objections, 人户分离 / filed elsewhere, or hard cases [N]."""
    refusal_letter_working_days: int = 3
    """不予救助 written reasons within 3 working days [N]."""
    tekun_investigation_working_days: int = 15
    """特困: investigation + 初审 within 15 working days of acceptance [N]."""
    tekun_confirm_working_days: int = 15
    """特困: confirmation within 15 working days [N]."""
    emergency_backfill_working_days: int = 10
    """临时救助急难型: back-fill paperwork after aid (local rule [U], pass the office's value)."""
    review_months_stable: int = 12
    """定期核查 for stable families (elderly, severely disabled, no work capacity)."""
    review_months_variable: int = 6
    """定期核查 for irregular income or members able to work."""
    death_review_months: int = 3
    """A death in the family → review within 3 months."""
    change_review_months: int = 1
    """Another change in the family (income, someone moving in or out) → review within 1
    month of its report [U]."""
    gradual_exit_max_months: int = 6
    """渐退: benefits continue up to 6 months [N] (Tianjin length [U])."""
    min_surveyors: int = 2
    """入户调查 needs at least 2 surveyors."""


DEFAULT_RULES = DeadlineRules()
