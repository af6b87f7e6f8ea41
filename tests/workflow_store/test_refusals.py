"""Bad input is refused with a Chinese reason and nothing changes: wrong state, role, office,
missing requirement, date before the previous step, stale version, overdrawn reserve fund."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.errors import ConcurrencyError, PermissionDenied, WorkflowError
from desktop.services.cases.workflow import (
    accept_application,
    adjust_reserve_fund,
    case_actions,
    deposit_reserve_fund,
    get_case,
    pay_emergency_aid,
    perform,
    reserve_balance,
    reserve_ledger,
)
from tests.workflow_store.conftest import Offices, counts, new_application

D = date


def test_wrong_state_role_office_and_date_are_refused(offices: Offices, desk) -> None:  # type: ignore[no-untyped-def]
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    v = get_case(o.store, app_id).version
    cases = [
        (o.clerk, "hand_over", {}, D(2026, 9, 2), "不能移交户籍地初审"),  # wrong state
        (o.surveyor, "accept", {"missing_documents": []}, D(2026, 9, 2), "窗口受理员或审核负责人"),
        (o.clerk, "accept", {"missing_documents": []}, D(2026, 8, 30), "早于上一步的日期"),
        (o.clerk, "confirm", {}, D(2026, 9, 2), "不能审核确认同意"),
        (o.clerk, "fly", {}, D(2026, 9, 2), "没有“fly”这一办理步骤"),
    ]
    for actor, action, params, when, reason in cases:
        before = counts(o.store)
        with pytest.raises(WorkflowError, match=reason):
            perform(o.store, actor, app_id, action, params, when, v)
        assert counts(o.store) == before
    assert get_case(o.store, app_id).version == v and get_case(o.store, app_id).state == "new"
    _, coordinator = desk.as_user("coordinator")
    with pytest.raises(WorkflowError, match="社区救助协理员不办理"):
        perform(o.store, coordinator, app_id, "accept", {}, D(2026, 9, 2), v)
    with pytest.raises(WorkflowError, match="晚于今天"):
        perform(
            o.store,
            o.clerk,
            app_id,
            "accept",
            {},
            date.today().replace(year=date.today().year + 1),
            v,
        )


def test_other_office_and_missing_requirement_are_refused(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    v = accept_application(
        o.store, o.clerk, app_id, D(2026, 9, 1), get_case(o.store, app_id).version
    ).version
    v = get_case(o.store, app_id).version
    state = get_case(o.store, app_id).state
    before = counts(o.store)
    with pytest.raises(WorkflowError, match="尚缺"):
        perform(
            o.store, o.clerk, app_id, "resume", {"documents_received": ["户口簿"]}, D(2026, 9, 3), v
        )
    with pytest.raises(WorkflowError, match="此步骤由居住地办理|不能"):
        perform(
            o.store,
            o.h_supervisor,
            app_id,
            "schedule_survey",
            {"planned_on": D(2026, 9, 3), "surveyors": ["甲", "乙"]},
            D(2026, 9, 3),
            v,
        )
    assert counts(o.store) == before and get_case(o.store, app_id).state == state
    options = {a.action: a for a in case_actions(o.store, o.surveyor, app_id, D(2026, 9, 3))}
    assert options["resume"].allowed is False and "受理员" in (options["resume"].reason_cn or "")  # fmt: skip


def test_stale_version_is_refused_and_case_unchanged(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    seen = get_case(o.store, app_id).version
    first = perform(
        o.store, o.clerk, app_id, "accept", {"missing_documents": []}, D(2026, 9, 1), seen
    )
    assert first.version == seen + 1
    before = counts(o.store)
    with pytest.raises(ConcurrencyError, match="已被他人办理"):
        perform(o.store, o.supervisor, app_id, "withdraw", {"reason": "重复"}, D(2026, 9, 2), seen)
    assert counts(o.store) == before
    now = get_case(o.store, app_id)
    assert now.state == "accepted" and now.version == first.version


def test_reserve_fund_balance_ledger_and_overdraft(offices: Offices) -> None:
    o = offices
    office = o.supervisor.office_id
    demo_balance = reserve_balance(o.store, office)
    if demo_balance:  # start from an empty fund so the overdraft stays below the approval cap
        adjust_reserve_fund(o.store, o.supervisor, -demo_balance, D(2026, 8, 31), "测试前清零")
    start = reserve_balance(o.store, office)
    assert start == Decimal("0.00")
    deposit_reserve_fund(o.store, o.supervisor, "4000.00", D(2026, 9, 1), "拨付")
    with pytest.raises(PermissionDenied):
        deposit_reserve_fund(o.store, o.clerk, "100", D(2026, 9, 1))
    app_id = new_application(o, "linshi_jinan", D(2026, 9, 2))
    v = perform(
        o.store,
        o.clerk,
        app_id,
        "accept",
        {"missing_documents": []},
        D(2026, 9, 2),
        get_case(o.store, app_id).version,
    ).version
    too_much = start + Decimal("4000.01")
    before = counts(o.store)
    with pytest.raises(WorkflowError, match="备用金余额不足"):
        pay_emergency_aid(o.store, o.supervisor, app_id, too_much, D(2026, 9, 2), v)
    with pytest.raises(WorkflowError, match="超过街道审批上限6,270.00元"):
        pay_emergency_aid(o.store, o.supervisor, app_id, Decimal("6500"), D(2026, 9, 2), v)
    assert counts(o.store) == before and get_case(o.store, app_id).state == "accepted"
    pay_emergency_aid(o.store, o.supervisor, app_id, Decimal("1500"), D(2026, 9, 2), v)
    assert reserve_balance(o.store, office) == start + Decimal("2500.00")
    ledger = reserve_ledger(o.store, office)
    assert ledger[-1].kind == "payout" and ledger[-1].amount == Decimal("-1500.00")
    assert ledger[-1].balance == start + Decimal("2500.00") and ledger[-1].application_id == app_id  # fmt: skip
