"""The state machine's entry points: open a case, list allowed actions, apply one, replay."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from desktop.domain.workflow.actions import ACTIONS, WINDOW, ActionSpec, holder
from desktop.domain.workflow.context import StepContext
from desktop.domain.workflow.definitions import WorkflowDefinition, definition_of
from desktop.domain.workflow.model import (
    ROLE_LABELS,
    SIDE_LABELS,
    STATE_LABELS,
    ActionOption,
    Actor,
    AssistanceType,
    AuditEvent,
    CaseSnapshot,
    Role,
    Side,
    State,
    Transition,
    evolve,
)
from desktop.domain.workflow.params import Params
from desktop.domain.workflow.rules import DEFAULT_RULES, DeadlineRules
from desktop.errors import WorkflowError

CREATE = "create"


def from_states(definition: WorkflowDefinition, spec: ActionSpec) -> frozenset[State]:
    """States ``spec`` may leave for this assistance type."""
    return definition.state_overrides.get(spec.name, spec.from_states)


def _sides_text(sides: Iterable[Side]) -> str:
    return "或".join(SIDE_LABELS[s] for s in Side if s in sides)


def _permitted_side(
    case: CaseSnapshot, spec: ActionSpec, actor: Actor
) -> tuple[Side | None, str | None]:
    """(side the actor acts as, None) or (None, Chinese reason)."""
    mine = actor.sides(case)
    if not mine:
        return None, "本单位既不是该案件的居住地也不是户籍地，不能办理"
    allowed = spec.sides if spec.sides is not None else holder(case)
    usable = mine & allowed
    if not usable:
        return None, f"此步骤由{_sides_text(allowed)}办理，本单位是该案件的{_sides_text(mine)}"
    if actor.role not in spec.roles:
        roles = "或".join(ROLE_LABELS[r] for r in Role if r in spec.roles)
        return None, f"此步骤须由{roles}办理，当前角色为{ROLE_LABELS[actor.role]}"
    preferred = holder(case) & usable
    return sorted(preferred or usable)[0], None


def _blocker(
    case: CaseSnapshot, spec: ActionSpec, actor: Actor, today: date, rules: DeadlineRules
) -> tuple[Side | None, str | None]:
    """Why ``actor`` cannot take ``spec`` now (state is checked by the caller)."""
    side, reason = _permitted_side(case, spec, actor)
    if reason is not None:
        return None, reason
    for requirement in spec.requires:
        missing = requirement(case, today, rules)
        if missing is not None:
            return None, missing
    return side, None


def available_actions(
    case: CaseSnapshot,
    actor: Actor,
    today: date,
    rules: DeadlineRules = DEFAULT_RULES,
) -> list[ActionOption]:
    """Every action of this type that leaves the current state, each allowed or with a reason."""
    definition = definition_of(case.assistance_type)
    options = []
    for spec in ACTIONS.values():
        if spec.name not in definition.actions or case.state not in from_states(definition, spec):
            continue
        _, reason = _blocker(case, spec, actor, today, rules)
        if reason is None and today < case.last_action_on:
            reason = f"今天早于上一步的日期（{case.last_action_on.isoformat()}）"
        options.append(ActionOption(spec.name, spec.label_cn, reason is None, reason))
    return options


def apply(
    case: CaseSnapshot,
    action: str,
    actor: Actor,
    when: date,
    params: Mapping[str, Any] | None = None,
    rules: DeadlineRules = DEFAULT_RULES,
) -> Transition:
    """Take ``action`` on ``when``; return the new snapshot and its audit event.

    Raises WorkflowError (Chinese reason) when the action is unknown for this type, not
    allowed in this state, by this role or at this office side, a requirement or parameter is
    missing, or ``when`` is before the previous step. ``case`` is never changed.
    """
    definition = definition_of(case.assistance_type)
    spec = ACTIONS.get(action)
    if spec is None or action not in definition.actions:
        raise WorkflowError(f"{definition.label_cn}没有“{action}”这一办理步骤")
    if case.state not in from_states(definition, spec):
        raise WorkflowError(f"案件当前为“{case.state_cn}”，不能{spec.label_cn}")
    if when < case.last_action_on:
        raise WorkflowError(
            f"办理日期：{when.isoformat()}早于上一步的日期{case.last_action_on.isoformat()}"
        )
    side, reason = _blocker(case, spec, actor, when, rules)
    if side is None:
        raise WorkflowError(f"不能{spec.label_cn}：{reason}")
    p = Params(params or {})
    ctx = StepContext(when, side, p, rules, definition)
    changed = spec.handler(case, ctx)
    event = AuditEvent(
        action=spec.name,
        label_cn=spec.label_cn,
        from_state=case.state,
        to_state=changed.state,
        actor_role=actor.role,
        actor_office=actor.office,
        actor_side=side,
        on=when,
        data=p.used,
    )
    snapshot = evolve(changed, last_action_on=when, events=(*case.events, event))
    return Transition(snapshot, event)


def new_case(
    case_id: str,
    assistance_type: AssistanceType | str,
    residence_office: str,
    hukou_office: str,
    actor: Actor,
    applied_on: date,
) -> Transition:
    """Register an application (state 待受理) at the actor's office, which must be one of the two."""
    try:
        kind = AssistanceType(assistance_type)
    except ValueError:
        raise WorkflowError(f"救助类别：“{assistance_type}”不是有效的类别") from None
    if not residence_office or not hukou_office:
        raise WorkflowError("居住地/户籍地：须填写两地街道（乡镇）")
    if not case_id:
        raise WorkflowError("案件编号：不能为空")
    offices = ((Side.RESIDENCE, residence_office), (Side.HUKOU, hukou_office))
    sides = {s for s, office in offices if office == actor.office}
    if not sides:
        raise WorkflowError("申请须在家庭的居住地或户籍地街道（乡镇）提交")
    if actor.role not in WINDOW:
        raise WorkflowError(
            f"登记申请须由窗口受理员或审核负责人办理，当前角色为{ROLE_LABELS[actor.role]}"
        )
    side = sorted(sides)[0]
    case = CaseSnapshot(
        case_id=case_id,
        assistance_type=kind,
        residence_office=residence_office,
        hukou_office=hukou_office,
        state=State.NEW,
        applied_on=applied_on,
        filed_side=side,
        last_action_on=applied_on,
    )
    data = {
        "case_id": case_id,
        "assistance_type": kind.value,
        "residence_office": residence_office,
        "hukou_office": hukou_office,
    }
    event = AuditEvent(
        CREATE, "登记申请", None, State.NEW, actor.role, actor.office, side, applied_on, data
    )
    return Transition(evolve(case, events=(event,)), event)


def replay(events: Iterable[AuditEvent], rules: DeadlineRules = DEFAULT_RULES) -> CaseSnapshot:
    """Rebuild a case from its audit events (the first one must be the creation)."""
    items = list(events)
    if not items or items[0].action != CREATE:
        raise WorkflowError("事件记录：第一条须为登记申请")
    first = items[0]
    actor = Actor(Role(first.actor_role), first.actor_office)
    data = first.data
    case = new_case(
        data["case_id"],
        data["assistance_type"],
        data["residence_office"],
        data["hukou_office"],
        actor,
        first.on,
    ).snapshot
    for event in items[1:]:
        who = Actor(Role(event.actor_role), event.actor_office)
        step = apply(case, event.action, who, event.on, event.data, rules)
        if step.snapshot.state != State(event.to_state):
            raise WorkflowError(
                f"事件记录：{event.label_cn}后应为“{STATE_LABELS[State(event.to_state)]}”，"
                f"按规则得到“{step.snapshot.state_cn}”"
            )
        case = step.snapshot
    return case
