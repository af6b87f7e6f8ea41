"""Random action sequences never reach an invalid state, and the events always replay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from desktop.domain.calendar import WorkCalendar
from desktop.domain.workflow import (
    ACTIONS,
    CREATE,
    TERMINAL_STATES,
    Actor,
    AssistanceType,
    CaseSnapshot,
    Role,
    State,
    apply,
    available_actions,
    definition_of,
    next_deadline,
    open_deadlines,
    replay,
)
from desktop.errors import WorkflowError
from tests.workflow.walk import GOOD, HUK, OTHER, RES, Walk, default_actor

CAL = WorkCalendar()
AFTER_HAND_OVER = {
    State.PRELIMINARY_REVIEW,
    State.NOTICE_PENDING,
    State.IN_NOTICE,
    State.APPRAISAL,
    State.CONFIRMING,
}
DECIDED = {State.CONFIRMED, State.PAYING, State.GRADUAL_EXIT}


def _check_events(case: CaseSnapshot) -> None:
    events = case.events
    assert events[0].action == CREATE and events[0].from_state is None
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_state == before.to_state
        assert after.on >= before.on
    assert events[-1].to_state == case.state
    assert events[-1].on == case.last_action_on


def _check_pauses(case: CaseSnapshot) -> None:
    for earlier, later in zip(case.pauses, case.pauses[1:], strict=False):
        assert earlier.end is not None and earlier.end <= later.start
    for pause in case.pauses:
        assert pause.end is None or pause.end >= pause.start
    waiting = case.state is State.SUPPLEMENTING
    assert waiting == (case.paused_since is not None) == (case.return_to is not None)
    if waiting:
        assert case.missing_documents


def _check_stage_facts(case: CaseSnapshot) -> None:
    state, kind = case.state, case.assistance_type
    definition = definition_of(kind)
    effective = case.return_to if state is State.SUPPLEMENTING else state
    if effective in AFTER_HAND_OVER or (effective in DECIDED and definition.clock != "emergency"):
        assert case.survey is not None and len(set(case.survey.surveyors)) >= 2
        assert case.check_report is not None and case.handed_over_on is not None
        if effective is not State.PRELIMINARY_REVIEW:
            assert case.preliminary_reviews
    if effective is State.CONFIRMING:
        assert case.notice_closed_on is not None
        if case.objections:
            assert case.appraisal is not None and len(case.preliminary_reviews) >= 2
    if state in DECIDED:
        assert case.decision_on is not None and case.approved_amount is not None
    if state in (State.PAYING, State.GRADUAL_EXIT):
        assert case.payment is not None and case.decision_on is not None
        assert case.payment.start_on >= case.decision_on
    if state is State.GRADUAL_EXIT:
        assert case.archived_on is not None
    if state in (State.PAYING, State.GRADUAL_EXIT) and case.archived_on is not None:
        assert definition.ongoing and case.next_review_due is not None
    if state is State.GRADUAL_EXIT:
        assert kind is AssistanceType.DIBAO and case.gradual_exit_ends_on is not None
    if state is State.REFUSED:
        assert case.refusal_reasons
    if state in (State.AID_PAID, State.BACKFILLED):
        assert kind is AssistanceType.LINSHI_JINAN and case.emergency_aid is not None
    if state is State.BACKFILLED:
        assert case.survey is not None and not case.missing_documents


def check_invariants(case: CaseSnapshot) -> None:
    reachable = {State.NEW} | {
        t for name in definition_of(case.assistance_type).actions for t in ACTIONS[name].targets
    }
    assert case.state in reachable
    _check_events(case)
    _check_pauses(case)
    _check_stage_facts(case)
    deadline = next_deadline(case, CAL, case.last_action_on)
    if deadline is not None:
        assert not (deadline.paused and deadline.overdue)
    if case.state in TERMINAL_STATES:
        assert open_deadlines(case, CAL, case.last_action_on) == []
        for role in Role:
            for office in (RES, HUK):
                options = available_actions(case, Actor(role, office), case.last_action_on)
                assert not any(o.allowed for o in options)


def _params(
    data: st.DataObject, case: CaseSnapshot, action: str, when: Any
) -> tuple[dict[str, Any], bool]:
    """Parameters for a step and whether they are certainly valid."""
    params = dict(GOOD[action](case, when))
    valid = True
    if action == "accept":
        params["missing_documents"] = data.draw(st.sampled_from([[], ["收入证明"]]))
    elif action == "record_review":
        params["outcome"] = data.draw(
            st.sampled_from(["increase", "decrease", "stop", "unchanged"])
        )
        params["new_amount"] = data.draw(st.sampled_from(["1.00", "5000.00"]))
        params["reasons"] = ["核查结果"]
        valid = params["outcome"] in ("stop", "unchanged")
    elif action == "confirm":
        params["family_stability"] = data.draw(st.sampled_from(["stable", "variable"]))
    if params and data.draw(st.integers(0, 9)) == 0:
        params.pop(data.draw(st.sampled_from(sorted(params))))
        valid = False
    return params, valid


def _actor(data: st.DataObject, case: CaseSnapshot, action: str) -> Actor:
    if data.draw(st.integers(0, 3)) > 0:
        return default_actor(case, action)
    role = data.draw(st.sampled_from(list(Role)))
    return Actor(role, data.draw(st.sampled_from([RES, HUK, OTHER])))


def _step(data: st.DataObject, case: CaseSnapshot) -> CaseSnapshot:
    when = case.last_action_on + timedelta(days=data.draw(st.integers(-1, 10)))
    mode = data.draw(st.integers(0, 9))
    names = sorted(ACTIONS)  # mode 0: anything at all, mostly refused
    if mode > 0:
        listed = [o.action for o in available_actions(case, _lead(case), when)]
        ready = [a for a in listed if _ready(case, a, when)]
        if mode > 2:  # mostly move forward: withdrawing ends the walk
            ready = [a for a in ready if a != "withdraw"] or ready
        names = ready or listed or names
    action = data.draw(st.sampled_from(names))
    actor = _actor(data, case, action)
    params, valid = _params(data, case, action, when)
    allowed = {o.action: o.allowed for o in available_actions(case, actor, when)}
    try:
        after = apply(case, action, actor, when, params).snapshot
    except WorkflowError as err:
        assert err.message
        # a step the UI offers as allowed, given valid parameters, must succeed
        assert not (allowed.get(action) and valid), f"{action} offered but refused: {err}"
        return case
    assert allowed.get(action), f"{action} applied but not offered"
    check_invariants(after)
    return after


def _ready(case: CaseSnapshot, action: str, when: Any) -> bool:
    """Whether the default actor for ``action`` is offered it as allowed."""
    options = available_actions(case, default_actor(case, action), when)
    return any(o.action == action and o.allowed for o in options)


def _lead(case: CaseSnapshot) -> Actor:
    """A supervisor at an office of the case: every step of the state is listed for them."""
    return Actor(Role.SUPERVISOR, case.hukou_office)


@settings(
    max_examples=100,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: keep CPU bounded
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), kind=st.sampled_from(list(AssistanceType)), split=st.booleans())
def test_random_sequences_stay_valid_and_replay(
    data: st.DataObject, kind: AssistanceType, split: bool
) -> None:
    walk = Walk(kind.value, residence=RES if split else HUK)
    case = walk.case
    for _ in range(data.draw(st.integers(5, 60))):
        case = _step(data, case)
    check_invariants(case)
    assert replay(case.events) == case
