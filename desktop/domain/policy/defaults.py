"""Default policy rows (2020-09-01 and 2025-09-01) that the database migration imports.

Tags follow docs/domain.md: [TJ] Tianjin notice, [S] secondary report, [N] national rule,
[U] unverified default that an administrator must confirm and may change as a new row.
"""

from __future__ import annotations

from datetime import date

from desktop.domain.policy.codes import (
    DISABILITY_LEVELS,
    DISABILITY_TYPES,
    PROBLEM_DEADLINE_DAYS,
    REQUEST_REPLY_DAYS,
    VISIT_FREQUENCY_DAYS,
)
from desktop.domain.policy.tables import PolicyRow

PERIODS: tuple[tuple[date, date | None], ...] = (
    (date(2020, 9, 1), date(2025, 8, 31)),
    (date(2025, 9, 1), None),
)

# Values that differ between the two periods: (2020-09-01 row, 2025-09-01 row, source).
_BY_PERIOD: dict[str, tuple[str, str, str]] = {
    "dibao.standard": ("1010", "1045", "[TJ] domain.md §5"),
    "imputed.min_wage": ("2180", "2320", "[U] Tianjin monthly minimum wage, to be confirmed"),
    "gangxing.disposable_income_annual": (
        "42404",
        "53581",
        "[U] Tianjin per-capita disposable income of the previous year, to be confirmed",
    ),
}

_COMMON: dict[str, tuple[str, str]] = {
    "dibao.asset_months": ("24", "[U] domain.md §4: liquid assets ≤ 24× standard per person"),
    "bianyuan.income_multiplier": ("1.5", "[TJ] domain.md §1"),
    "bianyuan.asset_months": ("36", "[TJ] domain.md §1/§4"),
    "bianyuan.grant_share": ("0.30", "[TJ] domain.md §5: 30% of the standard, half-up"),
    "bianyuan.grant_rounding_unit": ("yuan", "[TJ] domain.md §5: 313.5 → 314"),
    "bianyuan.grant_elderly_age": ("60", "[TJ] domain.md §5"),
    "tekun.standard.urban": ("1870", "[S]/[TJ] domain.md §5"),
    "tekun.standard.rural_centralised": ("1870", "[S]/[TJ] domain.md §5"),
    "tekun.standard.rural_dispersed": ("1530", "[S]/[TJ] domain.md §5"),
    "tekun.care.partial": ("400", "[S] domain.md §5"),
    "tekun.care.full": ("800", "[S] domain.md §5"),
    "tekun.full_min_failed": ("4", "[N] ≥4 of 6 activities failed = full loss"),
    "tekun.elderly_age": ("60", "[N] 特困人员认定办法"),
    "tekun.minor_age": ("16", "[N] 特困人员认定办法"),
    "asset.exemption_extra_months": (
        "12",
        "[U] seed: 货币财产超标豁免 for ill/disabled families; extra months of standard per person",
    ),
    "asset.city_avg_floor_area": ("38", "[U] city average floor area per person, m²"),
    "income.lookback_months": ("3", "[S] urban look-back 3 months"),
    "imputed.capable_share_min_wage": ("0.90", "[S][U] 90% of the minimum wage"),
    "imputed.older_share_standard": ("1.00", "[S][U] men ≥50 / women ≥40: the standard"),
    "imputed.partial_share_standard": ("0.60", "[S][U] partial incapacity: 60% of standard"),
    "imputed.older_age_male": ("50", "[S][U]"),
    "imputed.older_age_female": ("40", "[S][U]"),
    "imputed.working_age_min": ("18", "[U] working age from 18"),
    "imputed.retire_age_male": ("60", "[U] statutory retirement age (men)"),
    "imputed.retire_age_female": ("55", "[U] statutory retirement age (women)"),
    "employment.deduction_share": ("0.20", "[seed][U] 就业成本扣减: 20% of earned income"),
    "employment.deduction_cap": ("500", "[seed][U] capped per employed member per month"),
    "jiantui.months": ("6", "[N] up to 6 months; Tianjin length [U]"),
    "payment.start": ("decision_date", "[seed] paid from the confirmation decision date"),
    "rounding.rule": ("half_up", "[U] default: to the fen, half-up"),
    "rounding.unit": ("fen", "[U] default: to the fen"),
    "linshi.cap_months": ("6", "[S] street office approves up to 6× standard; per district"),
    "check.tolerance": ("100", "[U] check report over the declared money by more: a finding"),
    "gangxing.threshold_share": ("0.50", "[U] rigid spending over 50% of family income"),
    "gangxing.asset_months": ("36", "[U] same as the 边缘 asset limit"),
    "review.months_stable": ("12", "[N]"),
    "review.months_irregular": ("6", "[N]"),
}

# Deductions per affected person per month [S, 2025]; applied to both periods (no other data).
_SEVERE_TYPES = ("visual", "physical", "intellectual", "mental", "multiple")
_ILLNESS = {
    "uremia": "1500",
    "transplant": "1500",
    "leukemia": "1500",
    "malignant_tumor": "1000",
    "hemophilia": "1000",
    "aplastic_anemia": "1000",
    "chronic_listed": "500",
}


_REPLY_SOURCE = "[U] reply deadline of a request in working days, per channel"
_VISIT_SOURCE = "[U] days between visits (巡访) of a household, per category"
_PROBLEM_SOURCE = "[U] working days to handle a problem found on a visit, per urgency"


def _disability_amount(kind: str, level: int) -> str:
    if level <= 2:
        return "1000" if kind in _SEVERE_TYPES else "500"
    if level == 3 and kind in ("intellectual", "mental"):
        return "500"
    return "0"


def _period_rows(index: int, start: date, end: date | None) -> list[PolicyRow]:
    rows = [
        PolicyRow(key, values[index], start, end, None, values[2])
        for key, values in _BY_PERIOD.items()
    ]
    rows += [PolicyRow(k, v, start, end, None, src) for k, (v, src) in _COMMON.items()]
    rows += [
        PolicyRow(
            f"deduction.disability.{kind}.{level}",
            _disability_amount(kind, level),
            start,
            end,
            None,
            "[S] 2025 deduction table (multiple = like the severe types [U])",
        )
        for kind in DISABILITY_TYPES
        for level in DISABILITY_LEVELS
    ]
    rows += [
        PolicyRow(f"request.reply_days.{c}", str(days), start, end, None, _REPLY_SOURCE)
        for c, days in REQUEST_REPLY_DAYS.items()
    ]
    rows += [
        PolicyRow(f"visit.frequency_days.{c}", str(days), start, end, None, _VISIT_SOURCE)
        for c, days in VISIT_FREQUENCY_DAYS.items()
    ]
    rows += [
        PolicyRow(f"visit.problem_days.{c}", str(days), start, end, None, _PROBLEM_SOURCE)
        for c, days in PROBLEM_DEADLINE_DAYS.items()
    ]
    rows += [
        PolicyRow(f"deduction.illness.{c}", v, start, end, None, "[S] 2025 deduction table")
        for c, v in _ILLNESS.items()
    ]
    return rows


DEFAULT_POLICY_ROWS: tuple[PolicyRow, ...] = tuple(
    row for i, (start, end) in enumerate(PERIODS) for row in _period_rows(i, start, end)
)
