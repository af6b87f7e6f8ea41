"""policy store: dated policy rows (seeded), benefit runs and changes, policy facts columns

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

The seed rows are written here literally (frozen as of this revision): later edits to
desktop/domain/policy/defaults.py never change what this migration inserts. Columns are added
with plain ADD COLUMN (no table rebuild), so the persons search triggers of 0002 survive.
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (key, value, effective_from, effective_to, source) — city-wide rows (district NULL).
SEED_ROWS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("dibao.standard", "1010", "2020-09-01", "2025-08-31", "[TJ] domain.md §5"),
    ("imputed.min_wage", "2180", "2020-09-01", "2025-08-31", "[U] Tianjin monthly minimum wage, to be confirmed"),
    ("gangxing.disposable_income_annual", "42404", "2020-09-01", "2025-08-31", "[U] Tianjin per-capita disposable income of the previous year, to be confirmed"),
    ("dibao.asset_months", "24", "2020-09-01", "2025-08-31", "[U] domain.md §4: liquid assets ≤ 24× standard per person"),
    ("bianyuan.income_multiplier", "1.5", "2020-09-01", "2025-08-31", "[TJ] domain.md §1"),
    ("bianyuan.asset_months", "36", "2020-09-01", "2025-08-31", "[TJ] domain.md §1/§4"),
    ("bianyuan.grant_share", "0.30", "2020-09-01", "2025-08-31", "[TJ] domain.md §5: 30% of the standard, half-up"),
    ("bianyuan.grant_rounding_unit", "yuan", "2020-09-01", "2025-08-31", "[TJ] domain.md §5: 313.5 → 314"),
    ("bianyuan.grant_elderly_age", "60", "2020-09-01", "2025-08-31", "[TJ] domain.md §5"),
    ("tekun.standard.urban", "1870", "2020-09-01", "2025-08-31", "[S]/[TJ] domain.md §5"),
    ("tekun.standard.rural_centralised", "1870", "2020-09-01", "2025-08-31", "[S]/[TJ] domain.md §5"),
    ("tekun.standard.rural_dispersed", "1530", "2020-09-01", "2025-08-31", "[S]/[TJ] domain.md §5"),
    ("tekun.care.partial", "400", "2020-09-01", "2025-08-31", "[S] domain.md §5"),
    ("tekun.care.full", "800", "2020-09-01", "2025-08-31", "[S] domain.md §5"),
    ("tekun.full_min_failed", "4", "2020-09-01", "2025-08-31", "[N] ≥4 of 6 activities failed = full loss"),
    ("tekun.elderly_age", "60", "2020-09-01", "2025-08-31", "[N] 特困人员认定办法"),
    ("tekun.minor_age", "16", "2020-09-01", "2025-08-31", "[N] 特困人员认定办法"),
    ("asset.exemption_extra_months", "12", "2020-09-01", "2025-08-31", "[U] seed: 货币财产超标豁免 for ill/disabled families; extra months of standard per person"),
    ("asset.city_avg_floor_area", "38", "2020-09-01", "2025-08-31", "[U] city average floor area per person, m²"),
    ("income.lookback_months", "3", "2020-09-01", "2025-08-31", "[S] urban look-back 3 months"),
    ("imputed.capable_share_min_wage", "0.90", "2020-09-01", "2025-08-31", "[S][U] 90% of the minimum wage"),
    ("imputed.older_share_standard", "1.00", "2020-09-01", "2025-08-31", "[S][U] men ≥50 / women ≥40: the standard"),
    ("imputed.partial_share_standard", "0.60", "2020-09-01", "2025-08-31", "[S][U] partial incapacity: 60% of standard"),
    ("imputed.older_age_male", "50", "2020-09-01", "2025-08-31", "[S][U]"),
    ("imputed.older_age_female", "40", "2020-09-01", "2025-08-31", "[S][U]"),
    ("imputed.working_age_min", "18", "2020-09-01", "2025-08-31", "[U] working age from 18"),
    ("imputed.retire_age_male", "60", "2020-09-01", "2025-08-31", "[U] statutory retirement age (men)"),
    ("imputed.retire_age_female", "55", "2020-09-01", "2025-08-31", "[U] statutory retirement age (women)"),
    ("employment.deduction_share", "0.20", "2020-09-01", "2025-08-31", "[seed][U] 就业成本扣减: 20% of earned income"),
    ("employment.deduction_cap", "500", "2020-09-01", "2025-08-31", "[seed][U] capped per employed member per month"),
    ("jiantui.months", "6", "2020-09-01", "2025-08-31", "[N] up to 6 months; Tianjin length [U]"),
    ("payment.start", "decision_date", "2020-09-01", "2025-08-31", "[seed] paid from the confirmation decision date"),
    ("rounding.rule", "half_up", "2020-09-01", "2025-08-31", "[U] default: to the fen, half-up"),
    ("rounding.unit", "fen", "2020-09-01", "2025-08-31", "[U] default: to the fen"),
    ("linshi.cap_months", "6", "2020-09-01", "2025-08-31", "[S] street office approves up to 6× standard; per district"),
    ("gangxing.threshold_share", "0.50", "2020-09-01", "2025-08-31", "[U] rigid spending over 50% of family income"),
    ("gangxing.asset_months", "36", "2020-09-01", "2025-08-31", "[U] same as the 边缘 asset limit"),
    ("review.months_stable", "12", "2020-09-01", "2025-08-31", "[N]"),
    ("review.months_irregular", "6", "2020-09-01", "2025-08-31", "[N]"),
    ("deduction.disability.visual.1", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.visual.2", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.visual.3", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.visual.4", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.hearing.1", "500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.hearing.2", "500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.hearing.3", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.hearing.4", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.speech.1", "500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.speech.2", "500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.speech.3", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.speech.4", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.physical.1", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.physical.2", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.physical.3", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.physical.4", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.intellectual.1", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.intellectual.2", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.intellectual.3", "500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.intellectual.4", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.mental.1", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.mental.2", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.mental.3", "500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.mental.4", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.multiple.1", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.multiple.2", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.multiple.3", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.multiple.4", "0", "2020-09-01", "2025-08-31", "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.illness.uremia", "1500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table"),
    ("deduction.illness.transplant", "1500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table"),
    ("deduction.illness.leukemia", "1500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table"),
    ("deduction.illness.malignant_tumor", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table"),
    ("deduction.illness.hemophilia", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table"),
    ("deduction.illness.aplastic_anemia", "1000", "2020-09-01", "2025-08-31", "[S] 2025 deduction table"),
    ("deduction.illness.chronic_listed", "500", "2020-09-01", "2025-08-31", "[S] 2025 deduction table"),
    ("dibao.standard", "1045", "2025-09-01", None, "[TJ] domain.md §5"),
    ("imputed.min_wage", "2320", "2025-09-01", None, "[U] Tianjin monthly minimum wage, to be confirmed"),
    ("gangxing.disposable_income_annual", "53581", "2025-09-01", None, "[U] Tianjin per-capita disposable income of the previous year, to be confirmed"),
    ("dibao.asset_months", "24", "2025-09-01", None, "[U] domain.md §4: liquid assets ≤ 24× standard per person"),
    ("bianyuan.income_multiplier", "1.5", "2025-09-01", None, "[TJ] domain.md §1"),
    ("bianyuan.asset_months", "36", "2025-09-01", None, "[TJ] domain.md §1/§4"),
    ("bianyuan.grant_share", "0.30", "2025-09-01", None, "[TJ] domain.md §5: 30% of the standard, half-up"),
    ("bianyuan.grant_rounding_unit", "yuan", "2025-09-01", None, "[TJ] domain.md §5: 313.5 → 314"),
    ("bianyuan.grant_elderly_age", "60", "2025-09-01", None, "[TJ] domain.md §5"),
    ("tekun.standard.urban", "1870", "2025-09-01", None, "[S]/[TJ] domain.md §5"),
    ("tekun.standard.rural_centralised", "1870", "2025-09-01", None, "[S]/[TJ] domain.md §5"),
    ("tekun.standard.rural_dispersed", "1530", "2025-09-01", None, "[S]/[TJ] domain.md §5"),
    ("tekun.care.partial", "400", "2025-09-01", None, "[S] domain.md §5"),
    ("tekun.care.full", "800", "2025-09-01", None, "[S] domain.md §5"),
    ("tekun.full_min_failed", "4", "2025-09-01", None, "[N] ≥4 of 6 activities failed = full loss"),
    ("tekun.elderly_age", "60", "2025-09-01", None, "[N] 特困人员认定办法"),
    ("tekun.minor_age", "16", "2025-09-01", None, "[N] 特困人员认定办法"),
    ("asset.exemption_extra_months", "12", "2025-09-01", None, "[U] seed: 货币财产超标豁免 for ill/disabled families; extra months of standard per person"),
    ("asset.city_avg_floor_area", "38", "2025-09-01", None, "[U] city average floor area per person, m²"),
    ("income.lookback_months", "3", "2025-09-01", None, "[S] urban look-back 3 months"),
    ("imputed.capable_share_min_wage", "0.90", "2025-09-01", None, "[S][U] 90% of the minimum wage"),
    ("imputed.older_share_standard", "1.00", "2025-09-01", None, "[S][U] men ≥50 / women ≥40: the standard"),
    ("imputed.partial_share_standard", "0.60", "2025-09-01", None, "[S][U] partial incapacity: 60% of standard"),
    ("imputed.older_age_male", "50", "2025-09-01", None, "[S][U]"),
    ("imputed.older_age_female", "40", "2025-09-01", None, "[S][U]"),
    ("imputed.working_age_min", "18", "2025-09-01", None, "[U] working age from 18"),
    ("imputed.retire_age_male", "60", "2025-09-01", None, "[U] statutory retirement age (men)"),
    ("imputed.retire_age_female", "55", "2025-09-01", None, "[U] statutory retirement age (women)"),
    ("employment.deduction_share", "0.20", "2025-09-01", None, "[seed][U] 就业成本扣减: 20% of earned income"),
    ("employment.deduction_cap", "500", "2025-09-01", None, "[seed][U] capped per employed member per month"),
    ("jiantui.months", "6", "2025-09-01", None, "[N] up to 6 months; Tianjin length [U]"),
    ("payment.start", "decision_date", "2025-09-01", None, "[seed] paid from the confirmation decision date"),
    ("rounding.rule", "half_up", "2025-09-01", None, "[U] default: to the fen, half-up"),
    ("rounding.unit", "fen", "2025-09-01", None, "[U] default: to the fen"),
    ("linshi.cap_months", "6", "2025-09-01", None, "[S] street office approves up to 6× standard; per district"),
    ("gangxing.threshold_share", "0.50", "2025-09-01", None, "[U] rigid spending over 50% of family income"),
    ("gangxing.asset_months", "36", "2025-09-01", None, "[U] same as the 边缘 asset limit"),
    ("review.months_stable", "12", "2025-09-01", None, "[N]"),
    ("review.months_irregular", "6", "2025-09-01", None, "[N]"),
    ("deduction.disability.visual.1", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.visual.2", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.visual.3", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.visual.4", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.hearing.1", "500", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.hearing.2", "500", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.hearing.3", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.hearing.4", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.speech.1", "500", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.speech.2", "500", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.speech.3", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.speech.4", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.physical.1", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.physical.2", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.physical.3", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.physical.4", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.intellectual.1", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.intellectual.2", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.intellectual.3", "500", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.intellectual.4", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.mental.1", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.mental.2", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.mental.3", "500", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.mental.4", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.multiple.1", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.multiple.2", "1000", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.multiple.3", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.disability.multiple.4", "0", "2025-09-01", None, "[S] 2025 deduction table (multiple = like the severe types [U])"),
    ("deduction.illness.uremia", "1500", "2025-09-01", None, "[S] 2025 deduction table"),
    ("deduction.illness.transplant", "1500", "2025-09-01", None, "[S] 2025 deduction table"),
    ("deduction.illness.leukemia", "1500", "2025-09-01", None, "[S] 2025 deduction table"),
    ("deduction.illness.malignant_tumor", "1000", "2025-09-01", None, "[S] 2025 deduction table"),
    ("deduction.illness.hemophilia", "1000", "2025-09-01", None, "[S] 2025 deduction table"),
    ("deduction.illness.aplastic_anemia", "1000", "2025-09-01", None, "[S] 2025 deduction table"),
    ("deduction.illness.chronic_listed", "500", "2025-09-01", None, "[S] 2025 deduction table"),
)

POLICY_VERSION_KEY = "policy_rows.version"


def _add_columns() -> None:
    op.add_column("persons", sa.Column("self_care_failed", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column("persons", sa.Column("supporter", sa.String(length=10), nullable=False, server_default="able"))
    op.add_column("persons", sa.Column("found_work_on", sa.Date(), nullable=True))
    op.add_column("households", sa.Column("setting", sa.String(length=20), nullable=False, server_default="urban"))
    for name in ("single_parent", "childless", "family_planning_support"):
        op.add_column("households", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.text("0")))
    op.add_column("households", sa.Column("rigid_spending", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column("applications", sa.Column("benefit_programme", sa.String(length=20), nullable=False, server_default=""))
    op.add_column("applications", sa.Column("hardship_requested", sa.Integer(), nullable=True))
    op.add_column("applications", sa.Column("assessment", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    op.add_column("applications", sa.Column("gradual_exit_since", sa.Date(), nullable=True))


def _create_tables() -> None:
    op.create_table(
        "policy_rows",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("district", sa.String(length=6), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_rows")),
    )
    op.create_index(op.f("ix_policy_rows_key"), "policy_rows", ["key"], unique=False)
    op.create_table(
        "benefit_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("supplementary", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("actor_name", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.String(length=36), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("total_old", sa.Integer(), nullable=False),
        sa.Column("total_new", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benefit_runs")),
    )
    op.create_index(op.f("ix_benefit_runs_month"), "benefit_runs", ["month"], unique=False)
    op.create_table(
        "benefit_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("old_amount", sa.Integer(), nullable=True),
        sa.Column("new_amount", sa.Integer(), nullable=False),
        sa.Column("gradual_exit_since", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["benefit_runs.id"], name=op.f("fk_benefit_changes_run_id_benefit_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benefit_changes")),
    )
    op.create_index(op.f("ix_benefit_changes_run_id"), "benefit_changes", ["run_id"], unique=False)
    op.create_index(op.f("ix_benefit_changes_application_id"), "benefit_changes", ["application_id"], unique=False)


def _seed() -> None:
    table = sa.table(
        "policy_rows",
        sa.column("id", sa.String),
        sa.column("key", sa.String),
        sa.column("value", sa.Text),
        sa.column("effective_from", sa.Date),
        sa.column("effective_to", sa.Date),
        sa.column("district", sa.String),
        sa.column("source", sa.Text),
        sa.column("created_at", sa.DateTime),
        sa.column("changed_by", sa.String),
    )
    now = datetime.now().replace(microsecond=0)
    op.bulk_insert(
        table,
        [
            {
                "id": str(uuid.uuid4()),
                "key": key,
                "value": value,
                "effective_from": date.fromisoformat(start),
                "effective_to": date.fromisoformat(end) if end else None,
                "district": None,
                "source": source,
                "created_at": now,
                "changed_by": "迁移 0004（初始政策数据）",
            }
            for key, value, start, end, source in SEED_ROWS
        ],
    )
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(settings, [{"key": POLICY_VERSION_KEY, "value": "1"}])


def upgrade() -> None:
    _add_columns()
    _create_tables()
    _seed()


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM settings WHERE key = '{POLICY_VERSION_KEY}'"))
    op.drop_table("benefit_changes")
    op.drop_table("benefit_runs")
    op.drop_table("policy_rows")
    for table, column in (
        ("applications", "gradual_exit_since"),
        ("applications", "assessment"),
        ("applications", "hardship_requested"),
        ("applications", "benefit_programme"),
        ("households", "rigid_spending"),
        ("households", "family_planning_support"),
        ("households", "childless"),
        ("households", "single_parent"),
        ("households", "setting"),
        ("persons", "found_work_on"),
        ("persons", "supporter"),
        ("persons", "self_care_failed"),
    ):
        op.drop_column(table, column)
