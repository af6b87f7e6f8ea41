"""The None-refcount workaround keeps a long-running window alive (PySide6 6.12 on Python 3.11)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANY_CALLS = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
{prelude}
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(30_000):
    label.setText(str(i))
    label.update()
print("alive", label.text())
"""


def test_thirty_thousand_qt_calls_do_not_abort_the_program() -> None:
    code = MANY_CALLS.format(prelude="import ui")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "alive 29999"


def test_workaround_is_applied_once() -> None:
    from ui import qt_compat

    assert qt_compat.keep_none_alive() is False  # already applied when ``ui`` was imported
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) > 1 << 39
