"""Walk every assistance type from application to archive, and every side path."""

from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.workflow import (
    AssistanceType,
    Side,
    State,
    replay,
)
from tests.workflow.walk import Walk

ONGOING = ["dibao", "tekun", "bianyuan", "gangxing"]


def _states(walk: Walk) -> list[str]:
    return [e.to_state.value for e in walk.case.events]


@pytest.mark.parametrize("kind", ONGOING)
def test_ongoing_types_reach_archive_and_replay(kind: str) -> None:
    walk = Walk(kind).to_archive(
        amount="0.00" if kind == "gangxing" else "1045.00", family_stability="stable"
    )
    case = walk.case
    assert case.state is State.PAYING and case.archived_on is not None  # archived, still paying
    assert _states(walk)[:3] == ["new", "accepted", "investigating"]
    assert "preliminary_review" in _states(walk) and "in_notice" in _states(walk)
    assert case.review_cycle_months == 12
    assert case.decision_on is not None and case.next_review_due is not None
    assert case.next_review_due.year == case.decision_on.year + 1
    assert replay(case.events) == case


def test_linshi_zhichu_pays_once_and_closes() -> None:
    walk = Walk("linshi_zhichu").to_confirming().do("confirm", amount="5000")
    walk.do("start_payment").do("archive")
    case = walk.case
    assert case.state is State.CLOSED
    assert case.payment is not None and case.payment.one_off
    assert case.payment.first_month_amount == Decimal("5000.00")
    assert case.next_review_due is None
    assert replay(case.events) == case


def test_dibao_payment_from_decision_date_is_prorated() -> None:
    walk = Walk("dibao").to_confirming()
    walk.today = date(2026, 4, 20)
    walk.do("confirm", amount="1045").do("start_payment", pay_from="decision_date")
    payment = walk.case.payment
    assert payment is not None and payment.start_on == date(2026, 4, 20)
    # 11 of 30 days in April: 1045 × 11 / 30 = 383.166… → 383.17
    assert payment.first_month_amount == Decimal("383.17")


def test_dibao_payment_from_next_month_by_policy_switch() -> None:
    walk = Walk("dibao").to_confirming().do("confirm").do("start_payment", pay_from="next_month")
    payment = walk.case.payment
    assert payment is not None
    assert payment.start_on == date(2026, 4, 1)
    assert payment.first_month_amount == payment.monthly_amount == Decimal("1045.00")


def test_tekun_is_supported_from_next_month_only() -> None:
    walk = Walk("tekun").to_confirming().do("confirm", amount="1870", family_stability="stable")
    with pytest.raises(Exception) as err:
        walk.do("start_payment", pay_from="decision_date")
    assert "特困人员救助供养应自决定次月起发放" in str(err.value)
    walk.do("start_payment", pay_from=None)
    assert walk.case.payment is not None
    assert walk.case.payment.start_on == date(2026, 4, 1)
    assert walk.last.event.data["pay_from"] == "next_month"


def test_objection_leads_to_appraisal_then_new_preliminary_review() -> None:
    walk = Walk("dibao").through_investigation().do("record_preliminary").do("open_notice")
    walk.do("record_objection", days=2)
    walk.do("close_notice", days=5)
    assert walk.case.state is State.APPRAISAL
    walk.do("record_appraisal", days=3)
    assert walk.case.state is State.PRELIMINARY_REVIEW
    assert walk.case.appraisal is not None and walk.case.appraisal.participants == 9
    walk.do("record_preliminary", days=1)
    assert walk.case.state is State.CONFIRMING  # notice already held: straight to confirmation
    assert len(walk.case.preliminary_reviews) == 2
    walk.do("confirm").do("start_payment").do("archive")
    assert walk.case.state is State.PAYING and walk.case.archived_on is not None
    assert replay(walk.case.events) == walk.case


def test_refusal_needs_reasons_and_letter_before_archive() -> None:
    walk = Walk("bianyuan").to_confirming()
    with pytest.raises(Exception, match="不予救助理由"):
        walk.do("refuse", reasons=[])
    walk.do("refuse")
    assert walk.case.state is State.REFUSED
    assert walk.case.refusal_reasons == ("家庭人均收入高于低保标准",)
    with pytest.raises(Exception, match="决定书尚未送达"):
        walk.do("archive")
    walk.do("send_refusal_letter", days=1).do("archive")
    assert walk.case.state is State.CLOSED
    assert replay(walk.case.events) == walk.case


def test_refusal_is_possible_at_preliminary_review() -> None:
    walk = Walk("gangxing").through_investigation().do("refuse")
    assert walk.case.state is State.REFUSED


@pytest.mark.parametrize("stage", ["new", "investigating", "in_notice", "confirming"])
def test_withdraw_at_each_stage(stage: str) -> None:
    walk = Walk("dibao")
    if stage == "investigating":
        walk.do("accept").do("request_check")
    elif stage == "in_notice":
        walk.through_investigation().do("record_preliminary").do("open_notice")
    elif stage == "confirming":
        walk.to_confirming()
    walk.do("withdraw", days=1)
    assert walk.case.state is State.WITHDRAWN
    assert walk.case.withdrawn_on == walk.today
    with pytest.raises(Exception, match="已撤回"):
        walk.do("accept")


def test_accept_with_missing_documents_waits_for_supplements() -> None:
    walk = Walk("dibao").do("accept", missing_documents=["户口簿", "收入证明", "户口簿"])
    case = walk.case
    assert case.state is State.SUPPLEMENTING
    assert case.missing_documents == ("户口簿", "收入证明")
    assert case.paused_since == date(2026, 3, 2)
    with pytest.raises(Exception, match="尚缺“收入证明”"):
        walk.do("resume", days=2, documents_received=["户口簿"])
    walk.do("resume", days=3, documents_received=["户口簿", "收入证明"])
    assert walk.case.state is State.ACCEPTED
    assert walk.case.materials_complete_on == date(2026, 3, 7)
    assert walk.case.paused_since is None
    assert walk.case.pauses[0].end == date(2026, 3, 7)


def test_return_for_supplements_at_confirmation_and_resume() -> None:
    walk = Walk("dibao").to_confirming()
    walk.do("return_for_supplement", missing_documents=["残疾证"])
    assert walk.case.state is State.SUPPLEMENTING
    assert walk.case.return_to is State.CONFIRMING
    walk.do("resume", days=4)
    assert walk.case.state is State.CONFIRMING
    assert walk.case.materials_complete_on == date(2026, 3, 2)  # first completion kept
    walk.do("confirm").do("start_payment").do("archive")
    assert replay(walk.case.events) == walk.case


@pytest.mark.parametrize(
    ("outcome", "extra", "state", "amount"),
    [
        (
            "increase",
            {"new_amount": "1200", "reasons": ["新增重病成员"]},
            State.PAYING,
            "1200.00",
        ),
        (
            "decrease",
            {"new_amount": "800", "reasons": ["成员就业收入增加"]},
            State.PAYING,
            "800.00",
        ),
        ("stop", {"reasons": ["家庭收入超过标准"]}, State.STOPPED, None),
        ("unchanged", {}, State.PAYING, None),
    ],
)
def test_periodic_review_outcomes(
    outcome: str, extra: dict[str, object], state: State, amount: str | None
) -> None:
    walk = Walk("dibao").to_archive()
    walk.today = date(2026, 9, 10)
    walk.do("record_review", outcome=outcome, **extra)
    review = walk.case.reviews[-1]
    assert walk.case.state is state
    assert review.effective_on == date(2026, 10, 1)
    assert review.new_amount == (Decimal(amount) if amount else None)
    if state is State.STOPPED:
        assert walk.case.stopped_on == date(2026, 10, 1)
        assert walk.case.next_review_due is None
    else:
        assert walk.case.next_review_due == date(2027, 3, 10)  # 6-month cycle
    assert replay(walk.case.events) == walk.case


def test_review_amount_must_move_in_the_stated_direction() -> None:
    walk = Walk("dibao").to_archive()
    with pytest.raises(Exception, match="增发后应高于现发放金额1045.00元"):
        walk.do("record_review", outcome="increase", new_amount="900", reasons=["x"])
    with pytest.raises(Exception, match="调整理由"):
        walk.do("record_review", outcome="stop", reasons=[])


def test_gradual_exit_runs_n_months_then_stops() -> None:
    walk = Walk("dibao").to_archive()
    walk.today = date(2026, 5, 10)
    with pytest.raises(Exception, match="应为1至6个月"):
        walk.do("start_gradual_exit", months=7)
    walk.do("start_gradual_exit", months=3)
    assert walk.case.state is State.GRADUAL_EXIT
    assert walk.case.gradual_exit_ends_on == date(2026, 9, 1)  # June, July, August
    with pytest.raises(Exception, match="最后一个月起方可办理停发"):
        walk.do("end_gradual_exit", days=30)
    walk.today = date(2026, 8, 3)
    walk.do("end_gradual_exit")
    assert walk.case.state is State.STOPPED
    assert walk.case.stopped_on == date(2026, 9, 1)
    assert replay(walk.case.events) == walk.case


def test_gradual_exit_only_for_dibao() -> None:
    walk = Walk("bianyuan").to_archive()
    with pytest.raises(Exception, match="没有“start_gradual_exit”"):
        walk.do("start_gradual_exit")


def test_death_in_family_sets_review_within_three_months() -> None:
    walk = Walk("tekun").to_archive(amount="1870", family_stability="stable")
    walk.today = date(2026, 6, 1)
    walk.do("report_death", died_on=date(2026, 5, 20))
    assert walk.case.death_review_due == date(2026, 8, 20)
    walk.do("record_review", days=10)
    assert walk.case.death_review_due is None


def test_emergency_aid_first_then_backfill() -> None:
    walk = Walk("linshi_jinan").do("accept", missing_documents=["医院诊断证明"])
    assert walk.case.state is State.ACCEPTED  # no supplement wait: aid comes first
    with pytest.raises(Exception, match="没有“request_check”"):
        walk.do("request_check")
    walk.do("pay_emergency_aid", amount="6270")
    aid = walk.case.emergency_aid
    assert walk.case.state is State.AID_PAID
    assert aid is not None and aid.amount == Decimal("6270.00") and aid.paying_side is Side.HUKOU
    with pytest.raises(Exception, match="尚未完成入户调查"):
        walk.do("complete_backfill")
    walk.do("record_survey", days=1, mode="phone")
    assert walk.case.state is State.AID_PAID
    with pytest.raises(Exception, match="尚缺“医院诊断证明”"):
        walk.do("complete_backfill", documents_received=[])
    walk.do("complete_backfill", days=2).do("archive")
    assert walk.case.state is State.CLOSED
    actions = [e.action for e in walk.case.events]
    assert "open_notice" not in actions and "record_appraisal" not in actions
    assert replay(walk.case.events) == walk.case


def test_phone_survey_only_for_emergencies() -> None:
    walk = Walk("dibao").do("accept")
    with pytest.raises(Exception, match="电话或视频调查仅限急难型临时救助"):
        walk.do("record_survey", mode="phone")


def test_all_types_have_a_definition() -> None:
    from desktop.domain.workflow import DEFINITIONS

    assert set(DEFINITIONS) == set(AssistanceType)
