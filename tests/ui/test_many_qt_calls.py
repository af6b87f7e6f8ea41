"""A long-running window survives many void Qt calls (regression guard for PySide6 on CPython)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANY_CALLS = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(30_000):
    label.setText(str(i))
    label.update()
    if i % 1000 == 0:
        app.processEvents()
print("alive", label.text())
"""


def test_thirty_thousand_qt_calls_do_not_abort_the_program() -> None:
    done = subprocess.run(
        [sys.executable, "-c", MANY_CALLS], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "alive 29999"


def test_interpreter_is_at_least_312() -> None:
    # PySide6 6.12 over-releases None on CPython 3.11; 3.12+ (immortal None) is required.
    assert sys.version_info >= (3, 12)
