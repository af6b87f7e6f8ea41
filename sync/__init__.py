"""Sync with the municipal system: protocol, client and a reference hub."""
