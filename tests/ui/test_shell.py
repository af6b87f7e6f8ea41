"""The app shell: login, the main window's case list and search, status bar, and --smoke."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.services.family.search import CaseFilter, count_cases
from ui.login import LoginDialog
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_login_refuses_a_wrong_password_then_opens(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(desk.folder, username="clerk")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "wrong-password1")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "用户名或密码错误" in dialog.message.text()
    assert dialog.result_store is None
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "Clerk2026!")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result_actor is not None and dialog.result_actor.username == "clerk"
    dialog.result_store.close()


def test_main_window_lists_cases_and_searches_by_initials(qtbot, clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    h = create_household(
        store,
        actor,
        HouseholdInput(
            actor.office_id,
            actor.office_id,
            "河西区友谊路街道平江道8号1-101",
            members=(PersonInput("仇红梅", "120101199001011239", "applicant"),),
        ),
    )
    create_application(store, actor, ApplicationInput(h.id, "dibao", date.today()))
    window = MainWindow(store, actor)
    qtbot.addWidget(window)
    window.show()
    total = count_cases(store, actor, CaseFilter())
    qtbot.waitUntil(lambda: not window.cases.model.counting, timeout=5000)  # may come later
    assert window.cases.model.rowCount() == total
    assert f"共 {total:,} 件" == window.cases.count_label.text()
    qtbot.waitUntil(lambda: window.unsynced_label.text() != "", timeout=3000)  # read off the GUI
    unsynced = int(window.unsynced_label.text().removeprefix("未同步：").removesuffix(" 条"))
    assert unsynced > 0, "the new household and application wait for sync"
    assert actor.office_name in window.office_label.text()
    qtbot.keyClicks(window.cases.search, "qhm")
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == 1, timeout=3000)
    assert window.cases.model.data(window.cases.model.index(0, 1)) == "仇红梅"
    window.cases.search.clear()
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == total, timeout=3000)
    window.close()


def test_smoke_start_creates_demo_data_and_exits_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    shot = tmp_path / "main.png"
    result = subprocess.run(
        [
            sys.executable,
            "main.py",
            "--data-dir",
            str(tmp_path / "d"),
            "--demo",
            "50",
            "--smoke",
            "--screenshot",
            str(shot),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    # the list shows the cases of families this office lives or registers (一城通办): of the
    # 50 demo families, those of other offices are on the desk but not in its list
    shown = __import__("re").search(r"smoke ok: (\d+) cases, user admin", result.stdout)
    assert shown is not None and 0 < int(shown.group(1)) < 50, result.stdout
    assert shot.stat().st_size > 10_000
    conn = __import__("sqlite3").connect(tmp_path / "d" / "desk.db")
    try:
        conn.execute("SELECT count(*) FROM persons").fetchall()
        raise AssertionError("plain sqlite3 must not read the store")
    except __import__("sqlite3").DatabaseError:
        pass
    finally:
        conn.close()
