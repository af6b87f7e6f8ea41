"""Default policy rows (2020-09-01 and 2025-09-01) that the database migration imports.

Each row's source (依据来源, shown on the policy page) opens with its tag in Chinese, after the
tags of docs/domain.md: 〔天津市文件〕 a Tianjin notice [TJ], 〔二手资料〕 a secondary report [S],
〔国家规定〕 a national rule [N], 〔报道原文〕 the source article [seed], 〔待核实〕 an
unverified default that an administrator must confirm and may change as a new row [U].
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
    "dibao.standard": ("1010", "1045", "〔天津市文件〕救助标准"),
    "imputed.min_wage": ("2180", "2320", "〔待核实〕天津市月最低工资标准"),
    "gangxing.disposable_income_annual": (
        "42404",
        "53581",
        "〔待核实〕天津市上年度居民人均可支配收入",
    ),
}

_COMMON: dict[str, tuple[str, str]] = {
    "dibao.asset_months": ("24", "〔待核实〕人均货币财产不超过低保标准的 24 倍"),
    "bianyuan.income_multiplier": ("1.5", "〔天津市文件〕低保边缘家庭认定"),
    "bianyuan.asset_months": ("36", "〔天津市文件〕低保边缘家庭财产认定"),
    "bianyuan.grant_share": ("0.30", "〔天津市文件〕按低保标准的 30%，四舍五入"),
    "bianyuan.grant_rounding_unit": ("yuan", "〔天津市文件〕取整到元（313.5 元计 314 元）"),
    "bianyuan.grant_elderly_age": ("60", "〔天津市文件〕救助标准"),
    "tekun.standard.urban": ("1870", "〔二手资料／天津市文件〕特困人员基本生活标准"),
    "tekun.standard.rural_centralised": ("1870", "〔二手资料／天津市文件〕特困人员基本生活标准"),
    "tekun.standard.rural_dispersed": ("1530", "〔二手资料／天津市文件〕特困人员基本生活标准"),
    "tekun.care.partial": ("400", "〔二手资料〕特困人员照料护理标准"),
    "tekun.care.full": ("800", "〔二手资料〕特困人员照料护理标准"),
    "tekun.full_min_failed": ("4", "〔国家规定〕6 项日常生活活动中 4 项及以上不能自理为完全丧失"),
    "tekun.elderly_age": ("60", "〔国家规定〕特困人员认定办法"),
    "tekun.minor_age": ("16", "〔国家规定〕特困人员认定办法"),
    "asset.exemption_extra_months": (
        "12",
        "〔待核实〕报道原文：重病、重残家庭货币财产超标豁免，人均另加的低保标准月数",
    ),
    "asset.city_avg_floor_area": ("38", "〔待核实〕本市人均住房建筑面积（平方米）"),
    "income.lookback_months": ("3", "〔二手资料〕城市家庭按前 3 个月收入计算"),
    "imputed.capable_share_min_wage": ("0.90", "〔二手资料，待核实〕按最低工资标准的 90%"),
    "imputed.older_share_standard": (
        "1.00",
        "〔二手资料，待核实〕男 50 周岁、女 40 周岁及以上按低保标准",
    ),
    "imputed.partial_share_standard": (
        "0.60",
        "〔二手资料，待核实〕部分丧失劳动能力按低保标准的 60%",
    ),
    "imputed.older_age_male": ("50", "〔二手资料，待核实〕"),
    "imputed.older_age_female": ("40", "〔二手资料，待核实〕"),
    "imputed.working_age_min": ("18", "〔待核实〕劳动年龄自 18 周岁起"),
    "imputed.retire_age_male": ("60", "〔待核实〕法定退休年龄（男）"),
    "imputed.retire_age_female": ("55", "〔待核实〕法定退休年龄（女）"),
    "employment.deduction_share": ("0.20", "〔报道原文，待核实〕就业成本扣减：工资性收入的 20%"),
    "employment.deduction_cap": ("500", "〔报道原文，待核实〕每名就业成员每月扣减上限"),
    "jiantui.months": ("6", "〔国家规定〕最长 6 个月；本市期限待核实"),
    "payment.start": ("decision_date", "〔报道原文〕自确认决定之日起发放"),
    "rounding.rule": ("half_up", "〔待核实〕默认精确到分，四舍五入"),
    "rounding.unit": ("fen", "〔待核实〕默认精确到分"),
    "linshi.cap_months": ("6", "〔二手资料〕街道可审批至低保标准的 6 倍，各区不同"),
    "check.tolerance": ("100", "〔待核实〕核对结果超出申报金额多于此数即列为发现问题"),
    "gangxing.threshold_share": ("0.50", "〔待核实〕刚性支出超过家庭收入的 50%"),
    "gangxing.asset_months": ("36", "〔待核实〕与低保边缘家庭财产标准相同"),
    "review.months_stable": ("12", "〔国家规定〕"),
    "review.months_irregular": ("6", "〔国家规定〕"),
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


_REPLY_SOURCE = "〔待核实〕各渠道诉求的答复期限（工作日）"
_VISIT_SOURCE = "〔待核实〕各类对象两次巡访之间的天数"
_PROBLEM_SOURCE = "〔待核实〕巡访发现问题的办理期限（工作日），按紧急程度"


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
            "〔二手资料〕2025 年扣减标准表（多重残疾按重度类别，待核实）",
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
        PolicyRow(f"deduction.illness.{c}", v, start, end, None, "〔二手资料〕2025 年扣减标准表")
        for c, v in _ILLNESS.items()
    ]
    return rows


DEFAULT_POLICY_ROWS: tuple[PolicyRow, ...] = tuple(
    row for i, (start, end) in enumerate(PERIODS) for row in _period_rows(i, start, end)
)
