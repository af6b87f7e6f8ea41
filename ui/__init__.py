"""Qt user interface: windows, dialogs, models and background work."""
