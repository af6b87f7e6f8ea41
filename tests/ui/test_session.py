"""Who is at the keyboard: 注销 and 切换用户 hand the PC to the next person in the same process;
--demo opens the login window; windows fit a 1366×768 screen and remember their geometry; Qt's
own buttons speak Chinese."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.services.family.drafts import load_draft
from tests.support import Desk
from ui.app import StartOptions, start
from ui.intake import IntakeDialog
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.screen import install_chinese_qt
from ui.session import DeskSession

ROOT = Path(__file__).resolve().parents[2]


def _log_in(qtbot, session: DeskSession, username: str, password: str) -> MainWindow:  # type: ignore[no-untyped-def]
    dialog = session.login_dialog
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    assert dialog.username.text() == "" and dialog.password.text() == ""
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClick(dialog.username, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    window = session.window
    assert isinstance(window, MainWindow) and window.isVisible()
    qtbot.addWidget(window)
    return window


def _on_screen() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_log_out_and_in_as_another_role_in_the_same_process(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    session = DeskSession(desk.folder)
    session.show_login()
    clerk = _log_in(qtbot, session, "clerk", "Clerk2026!")
    assert session.actor is not None and session.actor.username == "clerk"
    assert "工作台" not in [clerk.tabs.tabText(i) for i in range(clerk.tabs.count())]
    # A half-typed application is open when the clerk hands over the PC.
    clerk.open_intake()
    intake = clerk.findChild(IntakeDialog)
    assert intake is not None and intake.isVisible()
    intake.household.address.setText("河西区友谊路街道平江道8号1-101")
    assert clerk.logout_action.text() == "注销"
    assert clerk.logout_action.shortcut().toString() == "Ctrl+Shift+L"
    assert clerk.switch_user_action.shortcut().toString() == "Ctrl+Shift+U"
    clerk.switch_user_action.trigger()

    assert session.window is None and session.actor is None and session.store is None
    assert not clerk.isVisible() and not intake.isVisible()
    assert _on_screen() == [session.login_dialog]  # nothing of the clerk left on screen
    assert "切换用户" in session.login_dialog.windowTitle()
    # The draft was kept in the store, as on any close of the intake window.
    store, actor = desk.as_user("clerk")
    draft = load_draft(store, actor, "intake", "new")
    assert draft is not None and "平江道8号" in json.dumps(draft, ensure_ascii=False)

    supervisor = _log_in(qtbot, session, "supervisor", "Review2026!")
    assert session.actor is not None and session.actor.username == "supervisor"
    tabs = [supervisor.tabs.tabText(i) for i in range(supervisor.tabs.count())]
    assert "工作台" in tabs and "发放核算" in tabs
    assert "审核负责人" in supervisor.user_label.text()
    assert not any(isinstance(w, IntakeDialog) and w.isVisible() for w in _on_screen())
    supervisor.logout_action.trigger()
    assert session.window is None and isinstance(session.login_dialog, LoginDialog)
    finished: list[int] = []
    session.finished.connect(finished.append)
    session.login_dialog.reject()  # 退出 on the login window ends the program
    assert finished == [0]


def test_demo_start_opens_the_login_window_not_a_logged_in_admin(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "demo"
    started = start(StartOptions(folder, demo=3))
    assert isinstance(started, DeskSession)
    assert (folder / "desk.db").exists()  # demo data created on the first run
    assert started.window is None and started.actor is None and started.store is None
    dialog = started.login_dialog
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    qtbot.addWidget(dialog)
    assert [w for w in _on_screen() if isinstance(w, MainWindow)] == []
    dialog.reject()


def test_qt_message_box_buttons_are_chinese(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = install_chinese_qt(app)
    assert translator is not None and install_chinese_qt(app) is translator  # installed once
    try:
        box = QMessageBox()
        qtbot.addWidget(box)
        box.setStandardButtons(
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel
            | QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        )  # fmt: skip
        texts = {b: box.button(b).text() for b in (QMessageBox.StandardButton.Ok,
                 QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes,
                 QMessageBox.StandardButton.No)}  # fmt: skip
        assert "确定" in texts[QMessageBox.StandardButton.Ok]
        assert "取消" in texts[QMessageBox.StandardButton.Cancel]
        assert texts[QMessageBox.StandardButton.Yes].startswith("是")
        assert texts[QMessageBox.StandardButton.No].startswith("否")
    finally:
        app.removeTranslator(translator)
        translator.deleteLater()


SCREEN_SCRIPT = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
from ui.app import _application
app = _application()
from ui import ops
ops.set_synchronous(True)
from tests.support import Desk
from ui.main_window import MainWindow
from ui.intake import IntakeDialog
from ui.widgets.pdf_preview import PdfPreviewDialog
from reports.samples import all_documents
desk = Desk(Path(sys.argv[1]))
store, actor = desk.as_user("supervisor")
area = app.primaryScreen().availableGeometry()
def rect(w):
    app.processEvents()
    g = w.frameGeometry()
    return [g.x(), g.y(), g.width(), g.height(), area.contains(g), w.width(), w.height()]
out = {"screen": [area.width(), area.height()]}
w = MainWindow(store, actor); w.show()
out["main"] = rect(w)
i = IntakeDialog(store, actor, w); i.show(); out["intake"] = rect(i); i.close()
p = PdfPreviewDialog(all_documents()["archive"](), w); p.show(); out["preview"] = rect(p); p.close()
w.resize(1100, 700); w.move(40, 30); app.processEvents(); w.close()
again = MainWindow(store, actor); again.show(); out["again"] = rect(again); again.close()
c_store, clerk = desk.as_user("clerk")
other = MainWindow(c_store, clerk); other.show(); out["other_user"] = rect(other); other.close()
ops.wait_idle()
print(json.dumps(out))
"""


def test_windows_fit_1366x768_and_the_geometry_is_remembered_per_user(
    template_dir: Path, tmp_path: Path
) -> None:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "office-pc", "x": 0, "y": 0,
                      "width": 1366, "height": 768, "logicalDpi": 96, "logicalBaseDpi": 96,
                      "dpr": 1}]}))  # fmt: skip
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", SCREEN_SCRIPT, str(template_dir), str(tmp_path / "settings")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["screen"] == [1366, 768]
    for name in ("main", "intake", "preview", "again", "other_user"):
        assert out[name][4], f"{name} {out[name]} is not within the 1366×768 screen"
    assert out["again"][5:] == [1100, 700]  # the supervisor's window came back as left
    assert out["other_user"][5:] != [1100, 700]  # another user's window keeps its own
