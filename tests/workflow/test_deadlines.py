"""Deadlines around the 2026 holidays, across the 2026→2027 year end, and with a paused clock."""

from datetime import date

import pytest

from desktop.domain.calendar import WorkCalendar
from desktop.domain.workflow import (
    DeadlineRules,
    Role,
    Side,
    next_deadline,
    open_deadlines,
)
from tests.workflow.walk import HUK, Walk

CAL = WorkCalendar()


def _due(walk: Walk, today: date | None = None, cal: WorkCalendar = CAL, **kw: object):
    found = next_deadline(walk.case, cal, today or walk.today, **kw)  # type: ignore[arg-type]
    assert found is not None
    return found


def test_home_survey_due_across_spring_festival() -> None:
    walk = Walk("dibao", start=date(2026, 2, 13)).do("accept")
    survey = _due(walk)
    assert (survey.key, survey.step_cn, survey.due) == ("survey", "入户调查", date(2026, 2, 25))
    assert (survey.owner_side, survey.owner_role) == (Side.RESIDENCE, Role.SURVEYOR)
    assert survey.owner_cn == "居住地入户调查员"
    assert survey.days_left == 3 and not survey.overdue
    assert _due(walk, date(2026, 2, 20)).days_left == 2  # only Feb 24 and 25 left
    late = _due(walk, date(2026, 2, 26))
    assert late.overdue and late.days_left == -1


def test_survey_done_leaves_the_confirmation_clock() -> None:
    walk = Walk("dibao", start=date(2026, 2, 13), residence=HUK).do("accept")
    walk.do("record_survey")
    confirm = _due(walk)
    # 20 working days from 13 Feb: Sat 14, 24–27, Sat 28, 2–6 Mar, 9–13 Mar, 16–19 Mar.
    assert (confirm.key, confirm.due) == ("confirm", date(2026, 3, 19))
    assert (confirm.owner_side, confirm.owner_role) == (Side.HUKOU, Role.SUPERVISOR)


@pytest.mark.parametrize("why", ["split_household", "hard_case", "objection"])
def test_confirmation_limit_is_45_working_days_when_long(why: str) -> None:
    residence = "120103001" if why == "split_household" else HUK
    walk = Walk("dibao", start=date(2026, 2, 13), residence=residence)
    walk.do("accept", hard_case=why == "hard_case")
    walk.do("request_check").do("record_survey").do("record_check_report").do("hand_over")
    walk.do("record_preliminary").do("open_notice")
    if why == "objection":
        walk.do("record_objection", days=1)
    confirm = next(d for d in open_deadlines(walk.case, CAL, walk.today) if d.key == "confirm")
    assert confirm.due == date(2026, 4, 24)  # 45 working days, Qingming included


def test_paused_clock_moves_the_survey_deadline() -> None:
    walk = Walk("dibao", start=date(2026, 3, 2)).do("accept", missing_documents=["收入证明"])
    waiting = _due(walk, date(2026, 3, 5))
    assert waiting.paused and not waiting.overdue
    assert waiting.due == date(2026, 3, 10)  # as if everything arrived today (Thu 5 Mar)
    assert not _due(walk, date(2026, 4, 30)).overdue  # nothing runs while paused
    walk.do("resume", days=7)  # Mon 9 Mar
    resumed = _due(walk)
    assert not resumed.paused and resumed.due == date(2026, 3, 12)


def test_pause_across_spring_festival_lands_on_makeup_saturday() -> None:
    walk = Walk("dibao", start=date(2026, 2, 12)).do("accept", missing_documents=["户口簿"])
    walk.do("resume", days=13)  # Wed 25 Feb
    assert _due(walk).due == date(2026, 2, 28)  # Thu 26, Fri 27, Sat 28 (workday)


def test_return_at_confirmation_pauses_the_confirmation_clock() -> None:
    walk = Walk("dibao", start=date(2026, 2, 13), residence=HUK).to_confirming()
    base = _due(walk).due
    walk.today = date(2026, 3, 2)
    walk.do("return_for_supplement", missing_documents=["残疾证"])
    walk.do("resume", days=4)  # Mon 2 → Fri 6 Mar: 4 working days paused
    assert _due(walk).due == CAL.add_working_days(base, 4)
    assert _due(walk).due == date(2026, 3, 25)


def test_notice_and_refusal_letter_around_national_day() -> None:
    walk = Walk("dibao", start=date(2026, 9, 21)).through_investigation()
    walk.today = date(2026, 9, 30)
    walk.do("record_preliminary").do("open_notice")
    notice = next(d for d in open_deadlines(walk.case, CAL, walk.today) if d.key == "notice")
    assert notice.due == date(2026, 10, 7)  # 7 calendar days, holidays included
    assert (notice.owner_side, notice.owner_role) == (Side.HUKOU, Role.CLERK)
    refused = Walk("dibao", start=date(2026, 9, 21)).through_investigation()
    refused.today = date(2026, 9, 30)
    refused.do("refuse")
    letter = _due(refused)
    assert (letter.key, letter.due) == ("refusal_letter", date(2026, 10, 10))  # Sat workday
    assert _due(refused, date(2026, 10, 9)).days_left == 1
    assert _due(refused, date(2026, 10, 12)).overdue
    refused.do("send_refusal_letter", days=9)
    assert next_deadline(refused.case, CAL, refused.today) is None


def test_tekun_fifteen_working_day_limits() -> None:
    walk = Walk("tekun", start=date(2026, 2, 13)).do("accept")
    first = _due(walk)
    assert (first.key, first.step_cn, first.due) == (
        "investigation",
        "调查及初审",
        date(2026, 3, 12),
    )
    walk.do("request_check").do("record_survey").do("record_check_report").do("hand_over")
    walk.do("record_preliminary", days=5).do("open_notice")
    walk.do("close_notice", days=7)  # Wed 25 Feb
    confirm = _due(walk)
    # 26, 27, Sat 28 Feb, 2–6, 9–13, 16, 17 Mar: the 15th working day is Tue 17 Mar.
    assert (confirm.key, confirm.due) == ("confirm", date(2026, 3, 17))


def test_year_end_2026_to_2027_uses_fallback_with_warning() -> None:
    walk = Walk("dibao", start=date(2026, 12, 24), residence=HUK).do("accept")
    survey = _due(walk)
    assert survey.due == date(2026, 12, 29) and survey.warning_cn is None
    walk.do("record_survey")
    confirm = _due(walk)
    assert confirm.due == date(2027, 1, 21)  # Fri 1 Jan 2027 counted: nothing official yet
    assert confirm.warning_cn is not None and "2027年" in confirm.warning_cn
    office = WorkCalendar.from_rows([(date(2027, 1, 1), "holiday")])
    with_override = _due(walk, cal=office)
    assert with_override.due == date(2027, 1, 22)
    assert "已使用本单位录入的1条调整" in (with_override.warning_cn or "")


def test_refusal_letter_over_new_year_2027() -> None:
    walk = Walk("dibao", start=date(2026, 12, 21)).through_investigation()
    walk.today = date(2026, 12, 30)
    walk.do("refuse")
    assert _due(walk).due == date(2027, 1, 4)
    office = WorkCalendar({date(2027, 1, 1): False})
    assert _due(walk, cal=office).due == date(2027, 1, 5)


def test_emergency_backfill_deadline_is_data() -> None:
    walk = Walk("linshi_jinan", start=date(2026, 9, 29)).do("accept").do("pay_emergency_aid")
    backfill = _due(walk, rules=DeadlineRules(emergency_backfill_working_days=3))
    assert (backfill.key, backfill.due) == ("backfill", date(2026, 10, 9))
    assert backfill.owner_side is Side.HUKOU  # the office that paid from its reserve fund
    assert _due(walk).due == CAL.add_working_days(date(2026, 9, 29), 10)


def test_rules_are_replaceable() -> None:
    walk = Walk("dibao", start=date(2026, 3, 2)).do("accept")
    assert _due(walk, rules=DeadlineRules(survey_working_days=5)).due == date(2026, 3, 9)


def test_review_death_and_gradual_exit_deadlines() -> None:
    walk = Walk("dibao").to_archive()
    review = _due(walk)
    assert (review.key, review.due) == ("review", date(2026, 9, 19))
    assert (review.owner_side, review.owner_role) == (Side.HUKOU, Role.SURVEYOR)
    walk.today = date(2026, 5, 4)
    walk.do("report_death", died_on=date(2026, 4, 30))
    assert (_due(walk).key, _due(walk).due) == ("death_review", date(2026, 7, 30))
    walk.do("record_review", days=10, family_stability="stable")
    walk.do("start_gradual_exit", months=2)
    keys = {d.key: d.due for d in open_deadlines(walk.case, CAL, walk.today)}
    assert keys == {"review": date(2026, 11, 14), "gradual_exit": date(2026, 8, 1)}


def test_closed_cases_have_no_deadline() -> None:
    walk = Walk("dibao").do("withdraw")
    assert next_deadline(walk.case, CAL, date(2026, 3, 3)) is None
