"""Application start-up: Qt application, fonts and theme, first run or login, the main window."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from desktop.store.paths import DB_NAME
from ui.fonts import install_app_font
from ui.screen import install_chinese_qt
from ui.session import DeskSession
from ui.theme import apply_theme


@dataclass(frozen=True)
class StartOptions:
    data_dir: Path
    demo: int | None = None
    smoke: bool = False
    screenshot: Path | None = None


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    QCoreApplication.setApplicationName("街道社会救助窗口")
    QCoreApplication.setOrganizationName("jiuzhu-desk")
    install_app_font(app)
    install_chinese_qt(app)
    apply_theme(app)
    return app


def start(options: StartOptions) -> DeskSession | int:
    """Create the demo store on a first ``--demo`` run, then show the login window.

    Returns the running session, or an exit code when there is nothing to show. ``--smoke``
    logs in as the demo administrator by itself (CI checks that the main window opens).
    """
    if not (options.data_dir / DB_NAME).exists():
        from desktop.demo import create_demo_store
        from ui.first_run import FirstRunDialog

        if options.demo is not None:
            print(f"正在创建演示数据（{options.demo} 户）…", flush=True)
            store, _admin = create_demo_store(options.data_dir, options.demo, visits=True)
            store.close()  # the person logs in as any demo user (README)
        elif options.smoke:
            print("数据目录中没有数据库；请加 --demo", file=sys.stderr)
            return 2
        else:
            first = FirstRunDialog(options.data_dir)
            if first.exec() != QDialog.DialogCode.Accepted:
                return 0
            if first.store is not None and first.actor is not None and not first.demo_chosen:
                session = DeskSession(options.data_dir)
                session.open(first.store, first.actor)  # the administrator just created
                return session
            if first.store is not None:
                first.store.close()
    session = DeskSession(options.data_dir)
    if options.smoke:
        from desktop.demo_data import PASSWORDS
        from desktop.services.accounts.auth import login

        session.open(*login(options.data_dir, "admin", PASSWORDS["admin"][2]))
    else:
        session.show_login()
    return session


def _smoke(app: QApplication, session: DeskSession, screenshot: Path | None) -> int:
    window, actor = session.window, session.actor
    assert window is not None and actor is not None
    for _ in range(20):
        app.processEvents()
    if screenshot:
        window.grab().save(str(screenshot))
    print(f"smoke ok: {window.cases.model.rowCount()} cases, user {actor.username}", flush=True)
    window.close()
    return 0


def run(options: StartOptions) -> int:
    """Start the program; returns the process exit code."""
    app = _application()
    from ui.errors import install_error_hooks

    install_error_hooks()
    started = start(options)
    if isinstance(started, int):
        return started
    session = started
    if options.smoke:
        return _smoke(app, session, options.screenshot)
    app.setQuitOnLastWindowClosed(False)  # between 注销 and the login window nothing is shown
    codes: list[int] = []

    def finished(code: int) -> None:
        codes.append(code)
        app.exit(code)

    session.finished.connect(finished)
    session.logged_in.connect(lambda _a: _focus_search(session))
    if session.window is not None:
        _focus_search(session)
    code = app.exec()
    return codes[0] if codes else code


def _focus_search(session: DeskSession) -> None:
    window = session.window
    if window is not None:
        QTimer.singleShot(0, window.cases.search.setFocus)
