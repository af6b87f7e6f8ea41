"""Dashboard: office statistics and the status bar."""
