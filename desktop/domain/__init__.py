"""Pure domain rules: ID numbers, households, calendar, workflow, policy (no database, no Qt)."""
