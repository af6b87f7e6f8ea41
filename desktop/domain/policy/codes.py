"""English codes of the policy engine with their Chinese labels (programmes, classes, kinds)."""

from __future__ import annotations

PROGRAMMES: dict[str, str] = {
    "dibao": "最低生活保障（低保）",
    "dibao_single": "单人保（单独纳入低保）",
    "bianyuan": "低保边缘家庭",
    "tekun": "特困人员救助供养",
    "gangxing": "刚性支出困难家庭",
    "linshi": "临时救助",
}

DISABILITY_TYPES: dict[str, str] = {
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
}
DISABILITY_LEVELS = (1, 2, 3, 4)

ILLNESS_CLASSES: dict[str, str] = {
    "uremia": "尿毒症",
    "transplant": "器官移植",
    "leukemia": "白血病",
    "malignant_tumor": "恶性肿瘤",
    "hemophilia": "血友病",
    "aplastic_anemia": "再生障碍性贫血",
    "chronic_listed": "规定慢性病",
}
# Classes counted as a "serious illness" (重病) for 单人保 and the 边缘 grant; the listed
# chronic diseases only give an income deduction.
SERIOUS_ILLNESSES = frozenset(ILLNESS_CLASSES) - {"chronic_listed"}

RELATIONS: dict[str, str] = {
    "applicant": "申请人",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "grandparent": "祖父母",
    "sibling": "兄弟姐妹",
    "other": "其他共同生活成员",
}
SEXES: dict[str, str] = {"male": "男", "female": "女"}
WORK_CAPACITY: dict[str, str] = {
    "full": "有劳动能力",
    "partial": "部分丧失劳动能力",
    "none": "无劳动能力",
}
STUDENT: dict[str, str] = {
    "none": "非在校生",
    "school": "中小学在校生",
    "vocational": "中职/高中在校生",
    "college": "大专在校生",
    "bachelor": "本科在校生",
}
EMPLOYMENT: dict[str, str] = {
    "employed": "就业",
    "self_employed": "灵活就业/个体经营",
    "unemployed": "无业",
    "retired": "退休",
}
SUPPORTER: dict[str, str] = {
    "able": "有履行能力的法定义务人",
    "unable": "法定义务人无履行能力",
    "none": "无法定义务人",
}
SELF_CARE_ACTIVITIES: dict[str, str] = {
    "eat": "进食",
    "dress": "穿衣",
    "bed": "上下床",
    "toilet": "如厕",
    "walk": "室内行走",
    "bathe": "洗澡",
}
SETTINGS: dict[str, str] = {
    "urban": "城市",
    "rural_centralised": "农村集中供养",
    "rural_dispersed": "农村分散供养",
}
# Income kinds: counted ones first, then the ones the rules exclude.
INCOME_COUNTED: dict[str, str] = {
    "wage": "工资性收入",
    "business": "经营净收入",
    "property": "财产净收入",
    "transfer": "转移净收入（养老金、赡养费等）",
}
INCOME_EXCLUDED: dict[str, str] = {
    "veterans_benefit": "优抚金",
    "family_planning_award": "计划生育奖励与扶助金",
    "scholarship": "奖学金、助学金",
    "bravery_award": "见义勇为奖励",
    "assistance": "社会救助金",
}
INCOME_KINDS: dict[str, str] = {**INCOME_COUNTED, **INCOME_EXCLUDED}
EARNED_KINDS = frozenset({"wage", "business"})
LIQUID_KINDS: dict[str, str] = {"cash": "现金", "deposit": "存款", "securities": "有价证券"}
VEHICLE_PURPOSES: dict[str, str] = {
    "disabled_mobility": "残疾人功能性代步车",
    "treatment": "治疗康复必需车辆",
    "other": "机动车辆",
}
RIGID_KINDS: dict[str, str] = {
    "medical": "医疗支出",
    "education": "教育支出",
    "other": "其他刚性支出",
}
HARDSHIP_KINDS: dict[str, str] = {"emergency": "急难型", "expenditure": "支出型"}

#: Channels a request (诉求) reaches an office through; each has its reply deadline as policy.
REQUEST_CHANNELS: dict[str, str] = {
    "hotline": "救助热线",
    "12345": "12345",
    "wechat": "直通车微信码",
    "portal": "津心办",
    "qr": "码上办",
    "visit": "来访",
    "patrol": "巡访发现",
    "warning": "预警",
}
#: Working days to reply, per channel (the defaults; rows with effective dates decide).
REQUEST_REPLY_DAYS: dict[str, int] = {
    "hotline": 3,
    "12345": 3,
    "wechat": 3,
    "portal": 3,
    "qr": 3,
    "visit": 5,
    "patrol": 5,
    "warning": 5,
}

#: Who is visited regularly (巡访对象): the categories a household's cases and members put it
#: in, most frequent first; each has its visit frequency as policy (``visit.frequency_days.*``).
VISIT_CATEGORIES: dict[str, str] = {
    "tekun_dispersed": "分散供养特困人员",
    "elderly_alone": "独居老年人",
    "severe_disability": "重度残疾人",
    "child_hardship": "困境儿童",
    "dibao": "低保家庭",
    "bianyuan": "低保边缘家庭",
    "after_stop": "停发后跟踪家庭",
}
#: Days between visits, per category (the defaults; rows with effective dates decide) [U].
VISIT_FREQUENCY_DAYS: dict[str, int] = {
    "tekun_dispersed": 30,
    "elderly_alone": 30,
    "severe_disability": 30,
    "child_hardship": 30,
    "dibao": 90,
    "bianyuan": 90,
    "after_stop": 90,
}
#: Urgency of a problem found on a visit; working days to handle it, per urgency [U].
PROBLEM_URGENCIES: dict[str, str] = {"urgent": "紧急", "normal": "一般"}
PROBLEM_DEADLINE_DAYS: dict[str, int] = {"urgent": 3, "normal": 10}
