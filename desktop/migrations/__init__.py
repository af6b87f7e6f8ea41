"""Alembic migrations of the local store (applied at start-up after a backup)."""
