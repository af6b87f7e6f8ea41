"""Work around PySide6 6.12.0 on Python 3.11 dropping one reference to None on every void call.

Measured here: each call of a Qt method returning void (``label.setText``, ``widget.update``,
``app.processEvents``) lowers ``sys.getrefcount(None)`` by one, so after ~5,000 calls CPython
aborts with "Fatal Python error: none_dealloc". Python 3.12+ made None immortal (PEP 683);
on 3.11 we give None the same property by raising its reference count far out of reach.
"""

from __future__ import annotations

import ctypes
import sys

_PIN = 1 << 40
_pinned = False


def keep_none_alive() -> bool:
    """Make None practically immortal on CPython < 3.12 (idempotent); True if applied."""
    global _pinned
    if _pinned or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if hasattr(sys, "gettotalrefcount"):  # debug build: the object header has other fields first
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += _PIN
    _pinned = True
    return True
