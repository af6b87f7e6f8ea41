"""Use cases: the only way to change data. Each checks the role and the office scope, writes
rows, audit and outbox in one transaction. Plumbing at the top (``base``, ``scope``,
``changes``); one package per capability: ``family``, ``cases``, ``payment``, ``policy``,
``outreach``, ``accounts``, ``dashboard``."""
