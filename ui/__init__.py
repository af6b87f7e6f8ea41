"""Qt user interface: windows, dialogs, models and background work."""

from ui.qt_compat import keep_none_alive

keep_none_alive()
