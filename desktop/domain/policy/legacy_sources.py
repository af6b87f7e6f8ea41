"""The source notes (依据来源) the releases up to desk migration 0022 seeded in English, and the
Chinese notes that replace them (``desktop.domain.policy.defaults`` seeds the Chinese ones).

Frozen data: desk migration 0023 and hub step 14 rewrite stored rows whose source is still
exactly one of these notes, so an entry here is never changed once released.
"""

from __future__ import annotations

# ruff: noqa: E501
LEGACY_SOURCES: dict[str, str] = {
    "[N]": "〔国家规定〕",
    "[N] up to 6 months; Tianjin length [U]": "〔国家规定〕最长 6 个月；本市期限待核实",
    "[N] ≥4 of 6 activities failed = full loss": "〔国家规定〕6 项日常生活活动中 4 项及以上不能自理为完全丧失",
    "[N] 特困人员认定办法": "〔国家规定〕特困人员认定办法",
    "[S] 2025 deduction table": "〔二手资料〕2025 年扣减标准表",
    "[S] 2025 deduction table (multiple = like the severe types [U])": "〔二手资料〕2025 年扣减标准表（多重残疾按重度类别，待核实）",
    "[S] domain.md §5": "〔二手资料〕特困人员照料护理标准",
    "[S] street office approves up to 6× standard; per district": "〔二手资料〕街道可审批至低保标准的 6 倍，各区不同",
    "[S] urban look-back 3 months": "〔二手资料〕城市家庭按前 3 个月收入计算",
    "[S]/[TJ] domain.md §5": "〔二手资料／天津市文件〕特困人员基本生活标准",
    "[S][U]": "〔二手资料，待核实〕",
    "[S][U] 90% of the minimum wage": "〔二手资料，待核实〕按最低工资标准的 90%",
    "[S][U] men ≥50 / women ≥40: the standard": "〔二手资料，待核实〕男 50 周岁、女 40 周岁及以上按低保标准",
    "[S][U] partial incapacity: 60% of standard": "〔二手资料，待核实〕部分丧失劳动能力按低保标准的 60%",
    "[TJ] domain.md §1": "〔天津市文件〕低保边缘家庭认定",
    "[TJ] domain.md §1/§4": "〔天津市文件〕低保边缘家庭财产认定",
    "[TJ] domain.md §5": "〔天津市文件〕救助标准",
    "[TJ] domain.md §5: 30% of the standard, half-up": "〔天津市文件〕按低保标准的 30%，四舍五入",
    "[TJ] domain.md §5: 313.5 → 314": "〔天津市文件〕取整到元（313.5 元计 314 元）",
    "[U] Tianjin monthly minimum wage, to be confirmed": "〔待核实〕天津市月最低工资标准",
    "[U] Tianjin per-capita disposable income of the previous year, to be confirmed": "〔待核实〕天津市上年度居民人均可支配收入",
    "[U] check report over the declared money by more: a finding": "〔待核实〕核对结果超出申报金额多于此数即列为发现问题",
    "[U] city average floor area per person, m²": "〔待核实〕本市人均住房建筑面积（平方米）",
    "[U] days between visits (巡访) of a household, per category": "〔待核实〕各类对象两次巡访之间的天数",
    "[U] default: to the fen": "〔待核实〕默认精确到分",
    "[U] default: to the fen, half-up": "〔待核实〕默认精确到分，四舍五入",
    "[U] domain.md §4: liquid assets ≤ 24× standard per person": "〔待核实〕人均货币财产不超过低保标准的 24 倍",
    "[U] reply deadline of a request in working days, per channel": "〔待核实〕各渠道诉求的答复期限（工作日）",
    "[U] rigid spending over 50% of family income": "〔待核实〕刚性支出超过家庭收入的 50%",
    "[U] same as the 边缘 asset limit": "〔待核实〕与低保边缘家庭财产标准相同",
    "[U] seed: 货币财产超标豁免 for ill/disabled families; extra months of standard per person": "〔待核实〕报道原文：重病、重残家庭货币财产超标豁免，人均另加的低保标准月数",
    "[U] statutory retirement age (men)": "〔待核实〕法定退休年龄（男）",
    "[U] statutory retirement age (women)": "〔待核实〕法定退休年龄（女）",
    "[U] working age from 18": "〔待核实〕劳动年龄自 18 周岁起",
    "[U] working days to handle a problem found on a visit, per urgency": "〔待核实〕巡访发现问题的办理期限（工作日），按紧急程度",
    "[seed] paid from the confirmation decision date": "〔报道原文〕自确认决定之日起发放",
    "[seed][U] capped per employed member per month": "〔报道原文，待核实〕每名就业成员每月扣减上限",
    "[seed][U] 就业成本扣减: 20% of earned income": "〔报道原文，待核实〕就业成本扣减：工资性收入的 20%",
}
