"""The Chinese name of every action the audit trail records (操作日志的“操作”一栏)."""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    # accounts and the desk
    "first_run": "创建数据库",
    "login": "登录",
    "unlock": "解除锁屏",
    "change_password": "修改密码",
    "create_user": "新增用户",
    "set_user_active": "启用/停用用户",
    "create_office": "新增街道",
    "assign_communities": "分配负责社区",
    "update_settings": "修改设置",
    "register_device": "登记本机",
    "resolve_conflict": "处理同步冲突",
    # families
    "create_household": "新建家庭",
    "update_household": "修改家庭信息",
    "add_person": "添加家庭成员",
    "update_person": "修改成员信息",
    "remove_person": "移除家庭成员",
    "add_income": "登记收入",
    "add_asset": "登记财产",
    "remove_finance_item": "删除收入/财产",
    "record_hardship": "登记困难情形",
    "record_household_facts": "登记家庭情况",
    "record_person_facts": "登记成员情况",
    "set_bank_account": "登记发放账户",
    "read_household": "查看家庭档案",
    "attach_document": "收取材料",
    "require_document": "列入应交材料",
    "set_document_status": "更改材料状态",
    "read_attachment": "查看附件",
    # cases
    "create_application": "受理申请",
    "renumber_case": "更正案件编号",
    "request_economic_check": "发起经济状况核对",
    "resolve_check_finding": "处理核对结果",
    "assess_application": "资格测算",
    "start_survey": "开始入户调查",
    "finalize_survey": "入户调查定稿",
    "approve_amount_deviation": "复核确认金额",
    # payment and policy
    "monthly_benefit_run": "按月发放核算",
    "reserve_deposit": "备用金拨入",
    "reserve_adjust": "备用金调整",
    "add_policy_row": "新增政策参数",
    "correct_policy_row": "更正政策参数",
    "policy_baseline": "记录政策参数基准",
    "adopt_city_policy": "采用市级政策参数",
    "calendar_override": "调整工作日历",
    "calendar_override_removed": "撤销工作日历调整",
    # outreach
    "assign_warning": "指派预警核查",
    "dispose_warning": "处置预警",
    "warning_review": "预警转入复核",
    "log_request": "登记诉求",
    "accept_request": "受理诉求",
    "answer_request": "答复诉求",
    "publish_window": "发布受理窗口信息",
    # support beyond cash
    "add_support_policy": "新增惠民政策",
    "remove_support_policy": "删除惠民政策",
    "import_support_policies": "导入惠民政策菜单",
    "save_support_partner": "保存帮扶单位",
    "make_referral": "发起转介",
    "record_referral_outcome": "登记转介结果",
    "save_support_programme": "保存帮扶项目",
    "generate_roster": "生成项目名册",
    "add_roster_line": "名册增加人员",
    "drop_roster_line": "名册移除人员",
    "review_roster_line": "审核名册人员",
    "review_roster": "审核项目名册",
    "drop_roster": "作废项目名册",
    "export_roster": "导出项目名册",
    "save_purchased_service": "保存购买服务项目",
    "add_service_record": "登记服务记录",
    "assign_provider_households": "分配服务家庭",
    # visits
    "record_visit": "登记走访",
    "open_visit_follow_up": "走访发现变化转办",
    "report_visit_problem": "登记走访问题",
    "assign_visit_problem": "交办走访问题",
    "handle_visit_problem": "办理走访问题",
    "confirm_visit_problem": "确认问题已解决",
    "reopen_visit_problem": "问题退回重办",
    "close_visit_problem": "办结走访问题",
}

CASE_STEP_PREFIX = "case_"
"""Workflow steps are audited as ``case_<action>``; their own summary names the step."""


def action_label(action: str) -> str:
    """The Chinese name of an audited action (a workflow step is 案件办理)."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith(CASE_STEP_PREFIX):
        return "案件办理"
    return action
