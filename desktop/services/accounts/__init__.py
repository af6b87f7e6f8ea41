"""Accounts: users and offices, the login guard, the audit trail."""
