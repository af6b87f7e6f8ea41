"""Families: households and members, incomes and assets, documents, drafts, search, intake at the window, the facts the policy engine reads."""
