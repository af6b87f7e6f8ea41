"""Application start-up: Qt application, fonts and theme, first run or login, the main window."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from desktop.store.paths import DB_NAME
from ui.fonts import install_app_font
from ui.login import LoginDialog
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
    apply_theme(app)
    return app


def run(options: StartOptions) -> int:
    """Start the program; returns the process exit code."""
    app = _application()
    from ui.errors import install_error_hooks

    install_error_hooks()
    store = actor = None
    if not (options.data_dir / DB_NAME).exists():
        from desktop.demo import create_demo_store
        from ui.first_run import FirstRunDialog

        if options.demo is not None:
            print(f"正在创建演示数据（{options.demo} 户）…", flush=True)
            store, actor = create_demo_store(options.data_dir, options.demo)
        elif options.smoke:
            print("数据目录中没有数据库；请加 --demo", file=sys.stderr)
            return 2
        else:
            first = FirstRunDialog(options.data_dir)
            if first.exec() != QDialog.DialogCode.Accepted:
                return 0
            store, actor = first.store, first.actor
    if options.smoke:
        if store is None:
            from desktop.demo_data import PASSWORDS
            from desktop.services.auth import login

            store, actor = login(options.data_dir, "admin", PASSWORDS["admin"][2])
    elif store is None:
        dialog = LoginDialog(options.data_dir)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        store, actor = dialog.result_store, dialog.result_actor
    assert store is not None and actor is not None
    from ui.main_window import MainWindow

    window = MainWindow(store, actor)
    window.show()
    if options.smoke:
        for _ in range(20):
            app.processEvents()
        if options.screenshot:
            window.grab().save(str(options.screenshot))
        print(f"smoke ok: {window.cases.model.rowCount()} cases, user {actor.username}", flush=True)
        window.close()
        store.close()
        return 0
    QTimer.singleShot(0, window.cases.search.setFocus)
    code = app.exec()
    store.close()
    return code
