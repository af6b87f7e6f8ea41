"""Demo rows of the support beyond the cash benefit: a policy menu, partners, a 河北-style
insurance programme with its reviewed roster, holiday relief, a purchased survey service with
its provider's families, and a referral and service records on a few families."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from desktop.services.base import Actor
from desktop.services.support.common import PAYING_CODES
from desktop.services.support.policy_menu import PolicyInput, save_policy
from desktop.services.support.programmes import (
    ProgrammeInput,
    generate_roster,
    review_roster,
    save_programme,
)
from desktop.services.support.purchased import (
    ServiceInput,
    add_service_record,
    assign_provider_households,
    save_service,
)
from desktop.services.support.referrals import (
    PartnerInput,
    make_referral,
    record_referral_outcome,
    save_partner,
)
from desktop.store.models import Application, User
from desktop.store.store import Store

DEMO_POLICIES = (
    PolicyInput("区教育局", "困难家庭学生资助", "学前至高中免除保育教育费、发放国家助学金", "户口簿、救助证、学生证",
                "区教育局资助中心 022-23000001", date(2025, 1, 1), None, (("救助类别", "包含", "低保"), ("有在校学生", "=", "是"))),
    PolicyInput("区医保局", "城乡居民医保个人缴费资助", "个人缴费部分全额资助", "身份证、救助证",
                "区医保局 022-23000002", date(2025, 1, 1), None, (("救助类别", "包含", "低保"),)),
    PolicyInput("区残联", "困难残疾人生活补贴", "每人每月补贴", "残疾人证、救助证", "区残联 022-23000003",
                date(2025, 1, 1), None, (("有残疾成员", "=", "是"),)),
    PolicyInput("区残联", "重度残疾人护理补贴", "一、二级及三、四级智力精神残疾人每月护理补贴", "残疾人证",
                "区残联 022-23000003", date(2025, 1, 1), None, (("有重度残疾成员", "=", "是"),)),
    PolicyInput("区人社局", "就业困难人员援助", "公益性岗位安置、职业培训补贴", "身份证、就业失业登记证",
                "区人社局就业服务中心 022-23000004", date(2025, 1, 1), None, (("有失业成员", "=", "是"),)),
    PolicyInput("区住建委", "公租房实物配租", "优先配租公共租赁住房", "户口簿、救助证、无房证明",
                "区住房保障中心 022-23000005", date(2025, 1, 1), None, (("无自有住房", "=", "是"), ("家庭人口", ">=", "2"))),
    PolicyInput("区民政局", "高龄老人居家养老服务", "每月居家养老服务补贴", "身份证", "街道民政科",
                date(2025, 1, 1), None, (("有60岁以上老人", "=", "是"),)),
)  # fmt: skip
DEMO_PARTNERS = (
    PartnerInput("medical", "区医保局医疗救助科", "刘科长", "022-23000002", "门诊和住院医疗救助"),
    PartnerInput("education", "区教育局资助中心", "陈老师", "022-23000001", "学生资助"),
    PartnerInput("housing", "区住房保障中心", "孙主任", "022-23000005", "公租房、租房补贴"),
    PartnerInput("employment", "区就业服务中心", "周老师", "022-23000004", "岗位推荐、技能培训"),
    PartnerInput("charity", "区慈善协会", "吴会长", "022-23000006", "节日慰问、大病救助"),
    PartnerInput("social_org", "友谊社工服务中心", "郑社工", "022-23000007", "心理疏导、个案服务"),
    PartnerInput("volunteer", "时间银行志愿服务队", "王队长", "022-23000008", "助老助残、陪诊"),
)  # fmt: skip
PROVIDER_USERNAME = "provider"


def seed_support(store: Store, admin: Actor) -> None:
    """The demo office's support rows (every write through the services, audited)."""
    today = date.today()
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    for policy in DEMO_POLICIES:
        save_policy(store, admin, policy)
    partners = [save_partner(store, admin, p) for p in DEMO_PARTNERS]
    insurance = save_programme(store, admin, ProgrammeInput(
        "insurance", f"困难群众商业医疗保险（{today.year}年）", "住院医疗补充保险（特困人员含住院护理）",
        "中国人寿天津分公司", "区财政", year_start, year_end,
        {"adult": "30", "child": "150", "tekun": "150"}))  # fmt: skip
    relief = save_programme(store, admin, ProgrammeInput(
        "relief", f"春节慰问（{today.year}年）", "", "区慈善协会", "区慈善协会慈善资金",
        year_start, year_end, {"adult": "1000", "child": "1000", "tekun": "1000"}))  # fmt: skip
    for programme in (insurance, relief):
        try:
            roster = generate_roster(store, admin, programme.id, today)
        except Exception:  # a demo without families in payment has no roster
            continue
        review_roster(store, admin, roster.id, today)
    survey = save_service(
        store,
        admin,
        ServiceInput(
            "survey", "津南社工服务中心（第三方入户调查）", year_start, year_end, "120000"
        ),
    )
    care = save_service(
        store, admin, ServiceInput("care", "友谊社工服务中心", year_start, year_end, "80000")
    )
    with store.sessions.read() as s:
        paying = list(s.scalars(
            select(Application.household_id).where(Application.state.in_(PAYING_CODES), Application.deleted.is_(False),
                Application.hukou_office_id == admin.office_id)
            .order_by(Application.number)
        ))  # fmt: skip
        open_cases = list(s.scalars(
            select(Application.household_id).where(Application.state.in_(("accepted", "investigating")), Application.deleted.is_(False),
                Application.residence_office_id == admin.office_id)
            .order_by(Application.number).limit(3)
        ))  # fmt: skip
        provider = s.scalars(select(User.id).where(User.username == PROVIDER_USERNAME)).first()
    if provider is not None and open_cases:
        assign_provider_households(store, admin, provider, open_cases, survey.id)
    for i, hid in enumerate(paying[:3]):
        referral = make_referral(
            store,
            admin,
            hid,
            partners[i % 2].id,
            "住院费用自付部分较高，申请医疗救助" if i % 2 == 0 else "子女上学费用，申请教育资助",
            today - timedelta(days=20 + i),
        )
        if i == 0:
            record_referral_outcome(
                store,
                admin,
                hid,
                referral.id,
                "given",
                today - timedelta(days=5),
                amount="3200",
                service_given="医疗救助金",
            )
        add_service_record(
            store,
            admin,
            hid,
            care.id,
            today - timedelta(days=3 + i),
            hours="2",
            value="60",
            note="上门生活照料：打扫、助浴",
        )
