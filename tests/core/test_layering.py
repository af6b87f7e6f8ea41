"""The layers hold: the core (desktop/, sync/, reports/, printing/) never imports Qt or ui; the
import contracts in pyproject.toml (desktop never imports sync, reports or printing; sync and
reports never import the services) are kept; no desk module imports the hub's packages."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "ui", "shiboken6")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_core_packages_do_not_import_qt_or_ui() -> None:
    offenders = []
    checked = 0
    for pkg in ("desktop", "sync", "reports", "printing"):
        for path in (ROOT / pkg).rglob("*.py"):
            checked += 1
            for name in _imports(path):
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert checked > 5
    assert offenders == []


def test_layering_check_catches_a_qt_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport ui.main_window\n")
    assert [n.split(".")[0] for n in _imports(bad)] == ["PySide6", "ui"]


HUB_ONLY = ("fastapi", "uvicorn", "psycopg", "starlette")


def test_no_desk_module_imports_the_hub_packages() -> None:
    """The desk is installed without the hub group: only sync/hub may import its packages."""
    offenders = []
    paths = [ROOT / "main.py"]
    for pkg in ("desktop", "sync", "reports", "printing", "ui"):
        paths.extend((ROOT / pkg).rglob("*.py"))
    for path in paths:
        rel = path.relative_to(ROOT)
        if rel.parts[:2] == ("sync", "hub"):
            continue
        for name in _imports(path):
            top = name.split(".")[0]
            if top in HUB_ONLY or name == "sync.hub" or name.startswith("sync.hub."):
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_hub_packages_are_in_the_hub_group_only() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    desk = " ".join(project["project"]["dependencies"])
    hub = " ".join(project["dependency-groups"]["hub"])
    for package in ("fastapi", "uvicorn", "psycopg"):
        assert package not in desk
        assert package in hub
    assert {"include-group": "hub"} in project["dependency-groups"]["dev"]


def test_import_contracts_are_kept(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """import-linter over the real import graph (imports inside functions included)."""
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_contracts_catch_a_services_import_from_sync(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The contract is not vacuous: a config whose only contract forbids what sync.admin
    really does (importing the service machinery) is reported broken."""
    from importlinter.cli import lint_imports

    config = tmp_path / "contracts.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["desktop", "sync"]\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "no services"\n'
        'type = "forbidden"\n'
        'source_modules = ["sync.admin"]\n'
        'forbidden_modules = ["desktop.services"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(config), no_cache=True) == 1
