"""Shared test set-up: Qt runs offscreen; every test gets its own temporary data folder."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
