"""Change kinds are one enum: every kind a screen watches is emitted by some service (a
screen watching a kind nobody emits would never refresh), and every declared kind is known."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from desktop.services.changes import Change, change_kinds
from tests.accountability.test_scope_table import SERVICES

ROOT = Path(__file__).resolve().parents[2]


def _kinds_in(node: ast.AST, module: ast.Module) -> set[str]:
    """String or ``Change.X`` members of a set literal, or of a module constant it names."""
    if isinstance(node, ast.Name):
        for stmt in module.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in stmt.targets
            ):
                return _kinds_in(stmt.value, module)
        raise AssertionError(f"watched kinds {node.id} are not a module constant")
    assert isinstance(node, ast.Set | ast.List | ast.Tuple), ast.unparse(node)
    kinds = set()
    for element in node.elts:
        if isinstance(element, ast.Constant):
            kinds.add(str(element.value))
        elif isinstance(element, ast.Attribute):
            kinds.add(Change[element.attr].value)
        else:
            raise AssertionError(ast.unparse(element))
    return kinds


def watched_kinds() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "ui").rglob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "watch"
                and len(node.args) >= 2
            ):
                found.setdefault(str(path.relative_to(ROOT)), set()).update(
                    _kinds_in(node.args[1], module)
                )
    return found


def emitted_kinds() -> set[str]:
    kinds: set[str] = set()
    for _name, fn in SERVICES:
        kinds |= set(getattr(fn, "changes", ()))
    intake = importlib.import_module("desktop.services.family.intake")
    kinds |= set(intake.IntakeResult.changed)
    return kinds


def test_screens_watch_something() -> None:
    assert len(watched_kinds()) >= 6


@pytest.mark.parametrize(("where", "kinds"), sorted(watched_kinds().items()))
def test_every_watched_kind_is_emitted_by_a_service(where: str, kinds: set[str]) -> None:
    never = kinds - emitted_kinds()
    assert not never, f"{where} watches {sorted(never)}, which no service emits"


def test_every_declared_kind_is_a_change_member() -> None:
    for name, fn in SERVICES:
        assert all(isinstance(k, Change) for k in fn.changes), name


def test_an_unknown_kind_fails_at_once() -> None:
    with pytest.raises(ValueError):
        change_kinds({"applications"})  # the kind the case page once watched; nobody emits it
