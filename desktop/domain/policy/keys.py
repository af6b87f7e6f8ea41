"""The registry of policy keys: value kind and Chinese label of every row the tables may hold."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.domain.policy.codes import (
    DISABILITY_LEVELS,
    DISABILITY_TYPES,
    ILLNESS_CLASSES,
    PROBLEM_URGENCIES,
    REQUEST_CHANNELS,
    VISIT_CATEGORIES,
)


@dataclass(frozen=True, slots=True)
class KeySpec:
    """How a policy key's text value is parsed: ``money``, ``decimal``, ``int`` or a choice."""

    kind: str
    label: str
    choices: tuple[str, ...] = ()


def _build() -> dict[str, KeySpec]:
    m, d, i = "money", "decimal", "int"
    specs: dict[str, KeySpec] = {
        "dibao.standard": KeySpec(m, "低保标准（元/人·月）"),
        "dibao.asset_months": KeySpec(d, "低保货币财产上限（标准的月数）"),
        "bianyuan.income_multiplier": KeySpec(d, "低保边缘收入上限倍数"),
        "bianyuan.asset_months": KeySpec(d, "低保边缘货币财产上限（标准的月数）"),
        "bianyuan.grant_share": KeySpec(d, "低保边缘补助占标准比例"),
        "bianyuan.grant_rounding_unit": KeySpec("choice", "边缘补助取整单位", ("fen", "yuan")),
        "bianyuan.grant_elderly_age": KeySpec(i, "边缘补助老年户年龄"),
        "tekun.standard.urban": KeySpec(m, "特困供养标准（城市）"),
        "tekun.standard.rural_centralised": KeySpec(m, "特困供养标准（农村集中）"),
        "tekun.standard.rural_dispersed": KeySpec(m, "特困供养标准（农村分散）"),
        "tekun.care.partial": KeySpec(m, "护理补贴（部分丧失生活自理能力）"),
        "tekun.care.full": KeySpec(m, "护理补贴（完全丧失生活自理能力）"),
        "tekun.full_min_failed": KeySpec(i, "完全丧失自理的不能完成项数下限"),
        "tekun.elderly_age": KeySpec(i, "特困老年人年龄"),
        "tekun.minor_age": KeySpec(i, "特困未成年人年龄上限"),
        "asset.exemption_extra_months": KeySpec(d, "患病残疾家庭货币财产豁免额度（标准的月数）"),
        "asset.city_avg_floor_area": KeySpec(d, "本市人均住房建筑面积（平方米）"),
        "income.lookback_months": KeySpec(i, "收入计算追溯月数"),
        "imputed.min_wage": KeySpec(m, "最低工资标准（元/月）"),
        "imputed.capable_share_min_wage": KeySpec(d, "有劳动能力者推定收入占最低工资比例"),
        "imputed.older_share_standard": KeySpec(d, "大龄劳动力推定收入占低保标准比例"),
        "imputed.partial_share_standard": KeySpec(d, "部分丧失劳动能力者推定收入占低保标准比例"),
        "imputed.older_age_male": KeySpec(i, "大龄劳动力年龄（男）"),
        "imputed.older_age_female": KeySpec(i, "大龄劳动力年龄（女）"),
        "imputed.working_age_min": KeySpec(i, "劳动年龄下限"),
        "imputed.retire_age_male": KeySpec(i, "劳动年龄上限（男）"),
        "imputed.retire_age_female": KeySpec(i, "劳动年龄上限（女）"),
        "employment.deduction_share": KeySpec(d, "就业成本扣减比例"),
        "employment.deduction_cap": KeySpec(m, "就业成本扣减上限（元/人·月）"),
        "jiantui.months": KeySpec(i, "渐退期（月）"),
        "payment.start": KeySpec("choice", "救助金起发规则", ("decision_date", "next_month")),
        "rounding.rule": KeySpec("choice", "救助金取整方式", ("half_up", "up", "down")),
        "rounding.unit": KeySpec("choice", "救助金取整单位", ("fen", "yuan")),
        "linshi.cap_months": KeySpec(d, "临时救助街道审批上限（标准的月数）"),
        "check.tolerance": KeySpec(m, "核对报告与申报差异容差（元）"),
        "gangxing.disposable_income_annual": KeySpec(m, "上年度居民人均可支配收入（元/年）"),
        "gangxing.threshold_share": KeySpec(d, "刚性支出占家庭收入比例门槛"),
        "gangxing.asset_months": KeySpec(d, "刚性支出家庭货币财产上限（标准的月数）"),
        "review.months_stable": KeySpec(i, "定期核查周期（稳定家庭，月）"),
        "review.months_irregular": KeySpec(i, "定期核查周期（收入不稳定家庭，月）"),
    }
    for code, label in REQUEST_CHANNELS.items():
        specs[f"request.reply_days.{code}"] = KeySpec(i, f"诉求答复时限（{label}，工作日）")
    for code, label in VISIT_CATEGORIES.items():
        specs[f"visit.frequency_days.{code}"] = KeySpec(i, f"走访周期（{label}，天）")
    for code, label in PROBLEM_URGENCIES.items():
        specs[f"visit.problem_days.{code}"] = KeySpec(i, f"走访发现问题办理时限（{label}，工作日）")
    for code, label in DISABILITY_TYPES.items():
        for level in DISABILITY_LEVELS:
            specs[f"deduction.disability.{code}.{level}"] = KeySpec(m, f"{label}{level}级扣减额")
    for code, label in ILLNESS_CLASSES.items():
        specs[f"deduction.illness.{code}"] = KeySpec(m, f"{label}扣减额")
    return specs


KEYS: dict[str, KeySpec] = _build()

#: Chinese names of the choice values; the table stores the code, people read and may type these
CHOICE_LABELS: dict[str, str] = {
    "fen": "分",
    "yuan": "元",
    "half_up": "四舍五入",
    "up": "向上取整",
    "down": "向下舍去",
    "decision_date": "自确认决定之日起",
    "next_month": "自次月起",
}


def _choices(key: str) -> tuple[str, ...]:
    spec = KEYS.get(key)
    return spec.choices if spec is not None and spec.kind == "choice" else ()


def choice_names(key: str) -> list[str]:
    """The Chinese names of a choice key's values, in order ([] for other keys)."""
    return [CHOICE_LABELS.get(c, c) for c in _choices(key)]


def value_text(key: str, raw: str) -> str:
    """A row's value as people read it: a choice by its Chinese name, anything else as stored."""
    return CHOICE_LABELS.get(raw, raw) if _choices(key) else raw


def choice_code(key: str, text: str) -> str:
    """The stored code of a choice key's value typed as its code or its Chinese name (other
    keys' values, and unknown names, come back as typed for the value check to judge)."""
    typed = text.strip()
    for code in _choices(key):
        if typed in (code, CHOICE_LABELS.get(code)):
            return code
    return typed


def value_hint(key: str) -> str:
    """What the value box of ``key`` accepts, for its placeholder ("" for numbers)."""
    names = choice_names(key)
    return "可填：" + " / ".join(names) if names else ""


def key_label(key: str) -> str:
    """The Chinese label of a policy key, or the key itself when unknown."""
    spec = KEYS.get(key)
    return f"{spec.label}（{key}）" if spec else key
