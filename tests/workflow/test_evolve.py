"""``evolve`` (the machine's copy of a snapshot with some fields changed) gives exactly what
``dataclasses.replace`` gives, for every snapshot of the walked paths and every field."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest

from desktop.demo_workflow import walk_demo_case
from desktop.domain.workflow.model import CaseSnapshot, Pause, evolve


def _snapshots() -> list[CaseSnapshot]:
    rng = random.Random(4)
    out = []
    for i, (kind, target) in enumerate(
        [("dibao", "archived"), ("tekun", "paying"), ("linshi_jinan", "archived"),
         ("bianyuan", "refused"), ("dibao", "in_notice"), ("gangxing", "archived")] * 3
    ):  # fmt: skip
        case, _ = walk_demo_case(rng, f"c{i}", kind, target, "120103001", "120101001",
                                 "120103001", date(2026, 11, 30))  # fmt: skip
        out.extend([case, *(dataclasses.replace(case, events=case.events[:k]) for k in (1, 3))])
    return out


def test_evolve_equals_dataclasses_replace() -> None:
    fields = [f.name for f in dataclasses.fields(CaseSnapshot)]
    for case in _snapshots():
        for name in fields:
            value = getattr(case, name)
            for changes in ({name: value}, {name: None}, {name: value, "state": case.state}):
                a, b = evolve(case, **changes), dataclasses.replace(case, **changes)
                assert a == b and vars(a) == vars(b) and type(a) is type(b)
                assert a is not case
        assert evolve(case) == case and evolve(case) is not case


def test_evolve_refuses_what_replace_refuses_and_stays_frozen() -> None:
    case = _snapshots()[0]
    with pytest.raises(TypeError):
        evolve(case, no_such_field=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        evolve(case, state=case.state).state = case.state  # type: ignore[misc]
    pause = Pause(date(2026, 1, 1))
    assert evolve(pause, end=date(2026, 1, 5)) == dataclasses.replace(pause, end=date(2026, 1, 5))
