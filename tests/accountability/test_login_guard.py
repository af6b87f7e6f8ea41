"""Wrong passwords: a growing wait, then a temporary lock, kept across restarts and shown in
Chinese on the real login window; an unknown user name takes as long as a known one."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.demo_data import PASSWORDS
from desktop.errors import WrongKeyError
from desktop.services.accounts.auth import login
from desktop.services.accounts.login_guard import LOCK_AFTER, LoginGuard, LoginLocked
from tests.support import Desk
from ui.login import LoginDialog


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _type(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> str:
    dialog.username.setText(username)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    dialog.try_login()
    return dialog.message.text()


def test_the_login_window_makes_wrong_passwords_wait_then_locks(qtbot: QtBot, desk: Desk) -> None:
    clock = Clock()
    dialog = LoginDialog(desk.folder, clock=clock)
    qtbot.addWidget(dialog)
    assert _type(qtbot, dialog, "clerk", "wrong-pass-1") == "用户名或密码错误"
    _type(qtbot, dialog, "clerk", "wrong-pass-1")
    message = _type(qtbot, dialog, "clerk", "wrong-pass-1")
    assert "已连续输错 3 次，请 5 秒后再试" in message
    # too early: refused without even trying the password (the right one included)
    message = _type(qtbot, dialog, "clerk", PASSWORDS["clerk"][2])
    assert "请 5 秒后再试" in message and dialog.result_store is None
    # the waits grow: 5, 10, 20 … seconds
    clock.now += 5
    assert "请 10 秒后再试" in _type(qtbot, dialog, "clerk", "wrong-pass-1")
    failures = 4
    while failures < LOCK_AFTER:
        clock.now += 3600
        message = _type(qtbot, dialog, "clerk", "wrong-pass-1")
        failures += 1
    assert f"已连续输错 {LOCK_AFTER} 次，账号临时锁定 15 分钟" in message
    # the lock is kept in the data folder: a new window (a restart) is still refused
    clock.now += 60
    again = LoginDialog(desk.folder, clock=clock)
    qtbot.addWidget(again)
    message = _type(qtbot, again, "clerk", PASSWORDS["clerk"][2])
    assert "账号已临时锁定，请 14 分钟后再试" in message and again.result_store is None
    # after the lock the right password opens the desk and the count starts again
    clock.now += 15 * 60
    _type(qtbot, again, "clerk", PASSWORDS["clerk"][2])
    assert again.result_store is not None
    again.result_store.close()
    assert LoginGuard(desk.folder, clock).failures("clerk") == 0


def test_other_users_are_not_locked_by_one_users_failures(desk: Desk) -> None:
    clock = Clock()
    for _ in range(LOCK_AFTER):
        clock.now += 3600
        with pytest.raises(WrongKeyError):
            login(desk.folder, "clerk", "wrong-pass-1", clock=clock)
    with pytest.raises(LoginLocked):
        login(desk.folder, "clerk", PASSWORDS["clerk"][2], clock=clock)
    store, actor = login(desk.folder, "supervisor", PASSWORDS["supervisor"][2], clock=clock)
    store.close()
    assert actor.username == "supervisor"


def test_an_unknown_user_is_locked_the_same_way(desk: Desk) -> None:
    clock = Clock()
    messages = []
    for name in ("clerk", "nobody"):
        for _ in range(3):
            with pytest.raises(WrongKeyError) as caught:
                login(desk.folder, name, "wrong-pass-1", clock=clock)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def _median_seconds(folder: Path, username: str, tries: int) -> float:
    clock = Clock()
    spent = []
    for _ in range(tries):
        clock.now += 3600  # every try after the wait of the one before
        start = time.perf_counter()
        with pytest.raises(WrongKeyError):
            login(folder, username, "wrong-pass-1", clock=clock)
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def test_an_unknown_user_is_answered_as_slowly_as_a_known_one(desk: Desk) -> None:
    known = _median_seconds(desk.folder, "clerk", 25)
    unknown = _median_seconds(desk.folder, "nosuchuser", 25)
    assert unknown > known / 2 and unknown < known * 2, (known, unknown)
