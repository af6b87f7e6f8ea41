"""Who may act, at which office, in which order: refusals come with a Chinese reason."""

from datetime import date

import pytest

from desktop.domain.workflow import (
    Actor,
    Role,
    Side,
    State,
    apply,
    available_actions,
    new_case,
)
from desktop.errors import WorkflowError
from tests.workflow.walk import HUK, OTHER, RES, Walk


def _options(walk: Walk, actor: Actor) -> dict[str, tuple[bool, str | None]]:
    return {
        o.action: (o.allowed, o.reason_cn) for o in available_actions(walk.case, actor, walk.today)
    }


def test_hand_over_is_blocked_until_report_and_survey_exist() -> None:
    walk = Walk("dibao").do("accept").do("request_check")
    options = _options(walk, Actor(Role.CLERK, RES))
    assert options["hand_over"] == (False, "尚未收到家庭经济状况核对报告")
    assert options["record_check_report"] == (True, None)
    walk.do("record_check_report")
    assert _options(walk, Actor(Role.CLERK, RES))["hand_over"] == (False, "尚未完成入户调查")
    before = walk.case
    with pytest.raises(WorkflowError, match="尚未完成入户调查"):
        walk.do("hand_over")
    assert walk.case is before


def test_residence_steps_refused_at_the_registration_office() -> None:
    walk = Walk("dibao").do("accept")
    options = _options(walk, Actor(Role.CLERK, HUK))
    assert options["request_check"][0] is False
    assert options["request_check"][1] == "此步骤由居住地办理，本单位是该案件的户籍地"


def test_survey_needs_a_surveyor_role() -> None:
    walk = Walk("dibao").do("accept")
    reason = _options(walk, Actor(Role.CLERK, RES))["record_survey"][1]
    assert reason == "此步骤须由入户调查员或审核负责人办理，当前角色为窗口受理员"
    assert _options(walk, Actor(Role.SURVEYOR, RES))["record_survey"] == (True, None)


def test_admin_takes_no_case_steps() -> None:
    walk = Walk("dibao").to_confirming()
    options = _options(walk, Actor(Role.ADMIN, HUK))
    assert options and not any(allowed for allowed, _ in options.values())


def test_an_unrelated_office_cannot_act() -> None:
    walk = Walk("dibao")
    reason = _options(walk, Actor(Role.SUPERVISOR, OTHER))["accept"][1]
    assert reason == "本单位既不是该案件的居住地也不是户籍地，不能办理"
    with pytest.raises(WorkflowError, match="居住地或户籍地"):
        new_case("C-9", "dibao", RES, HUK, Actor(Role.CLERK, OTHER), date(2026, 3, 2))


def test_confirmation_only_by_the_registration_supervisor() -> None:
    walk = Walk("dibao").to_confirming()
    with pytest.raises(WorkflowError, match="户籍地"):
        walk.do("confirm", actor=Actor(Role.SUPERVISOR, RES))
    with pytest.raises(WorkflowError, match="审核负责人"):
        walk.do("confirm", actor=Actor(Role.CLERK, HUK))
    walk.do("confirm", actor=Actor(Role.SUPERVISOR, HUK))
    assert walk.case.state is State.CONFIRMED
    assert walk.last.event.actor_side is Side.HUKOU


def test_same_office_for_both_sides_may_do_everything() -> None:
    walk = Walk("dibao", residence=HUK, hukou=HUK).to_archive()
    assert walk.case.state is State.PAYING and walk.case.archived_on is not None
    assert not walk.case.split_household


def test_action_in_wrong_state_is_refused_and_case_unchanged() -> None:
    walk = Walk("dibao").do("accept")
    before = walk.case
    with pytest.raises(WorkflowError) as err:
        walk.do("confirm")
    assert err.value.message == "案件当前为“已受理”，不能审核确认同意"
    assert walk.case == before and len(before.events) == 2


def test_date_before_previous_step_is_refused() -> None:
    walk = Walk("dibao").do("accept", days=5)
    with pytest.raises(WorkflowError, match="早于上一步的日期2026-03-07"):
        apply(walk.case, "request_check", Actor(Role.CLERK, RES), date(2026, 3, 6), {})
    options = available_actions(walk.case, Actor(Role.CLERK, RES), date(2026, 3, 6))
    assert all(not o.allowed for o in options)


def test_survey_requires_two_distinct_surveyors_and_signatures() -> None:
    walk = Walk("dibao").do("accept")
    with pytest.raises(WorkflowError, match="调查人员：至少需要2项（不重复），现有1项"):
        walk.do("record_survey", surveyors=["王强", "王强"])
    with pytest.raises(WorkflowError, match="家庭成员签字"):
        walk.do("record_survey", signed_by_family=False)
    with pytest.raises(WorkflowError, match="在场家庭成员"):
        walk.do("record_survey", members_present=[])


def test_notice_must_be_posted_at_both_offices_and_last_seven_days() -> None:
    walk = Walk("dibao").through_investigation().do("record_preliminary")
    with pytest.raises(WorkflowError, match="居住地公示"):
        walk.do("open_notice", posted_residence=False)
    walk.do("open_notice")
    with pytest.raises(WorkflowError, match="2026-03-14起方可结束"):
        walk.do("close_notice", days=6)
    assert _options(walk, Actor(Role.CLERK, HUK))["record_objection"] == (True, None)
    walk.today = date(2026, 3, 14)
    reason = _options(walk, Actor(Role.CLERK, RES))["record_objection"][1]
    assert reason == "公示期已满，不能再登记异议"


def test_events_describe_each_transition() -> None:
    walk = Walk("dibao").do("accept", missing_documents=["收入证明"])
    event = walk.last.event
    assert (event.action, event.from_state, event.to_state) == (
        "accept",
        State.NEW,
        State.SUPPLEMENTING,
    )
    assert event.label_cn == "受理申请"
    assert event.data == {"missing_documents": ["收入证明"], "hard_case": False}
    assert walk.case.events[-1] is event


def test_unknown_action_and_bad_parameters() -> None:
    walk = Walk("dibao").do("accept").do("request_check")
    clerk = Actor(Role.CLERK, RES)
    with pytest.raises(WorkflowError, match="没有“fly”这一办理步骤"):
        apply(walk.case, "fly", clerk, walk.today, {})
    with pytest.raises(WorkflowError, match="核对报告编号：不能为空"):
        apply(walk.case, "record_check_report", clerk, walk.today, {"reference": "  "})
    with pytest.raises(WorkflowError, match="计划调查日期：“soon”不是有效日期"):
        walk.do("schedule_survey", planned_on="soon")


def test_workflow_doc_lists_every_state_and_step() -> None:
    from pathlib import Path

    from desktop.domain.workflow import ACTIONS

    text = (Path(__file__).resolve().parents[2] / "docs" / "workflow.md").read_text("utf-8")
    missing = [f"`{s.value}`" for s in State if f"`{s.value}`" not in text]
    missing += [f"`{a}`" for a in ACTIONS if f"`{a}`" not in text]
    assert missing == []
