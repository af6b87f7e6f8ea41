"""Pure policy engine: dated policy tables, eligibility, amounts, reasons, monthly run.

Other parts call the names re-exported here; nothing in this package touches a database or Qt.
"""

from desktop.domain.policy.assess import assess, assess_with, default_policy
from desktop.domain.policy.codes import PROGRAMMES
from desktop.domain.policy.defaults import DEFAULT_POLICY_ROWS
from desktop.domain.policy.household import (
    Dwelling,
    Hardship,
    Household,
    IncomeItem,
    Member,
    Vehicle,
    validate_household,
)
from desktop.domain.policy.income import IncomeBreakdown, compute_income
from desktop.domain.policy.monthly import (
    ActiveCase,
    BenefitChange,
    changed_only,
    monthly_run,
    review_case,
)
from desktop.domain.policy.payment import first_month_payment, gradual_exit_schedule, round_benefit
from desktop.domain.policy.result import Assessment, PersonResult, ProgrammeResult, Reason
from desktop.domain.policy.tables import MonthPolicy, PolicyRow, PolicySet

__all__ = [
    "DEFAULT_POLICY_ROWS",
    "PROGRAMMES",
    "ActiveCase",
    "Assessment",
    "BenefitChange",
    "Dwelling",
    "Hardship",
    "Household",
    "IncomeBreakdown",
    "IncomeItem",
    "Member",
    "MonthPolicy",
    "PersonResult",
    "PolicyRow",
    "PolicySet",
    "ProgrammeResult",
    "Reason",
    "Vehicle",
    "assess",
    "assess_with",
    "changed_only",
    "compute_income",
    "default_policy",
    "first_month_payment",
    "gradual_exit_schedule",
    "monthly_run",
    "review_case",
    "round_benefit",
    "validate_household",
]
