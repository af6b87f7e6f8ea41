"""The kinds of data a service changes: one enum shared by ``@service(changes=…)`` and the
screens that watch for them (a screen refreshes when a kind it watches is published)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Change(StrEnum):
    """A kind of data that moved; services declare them, screens watch them."""

    HOUSEHOLDS = "households"
    PERSONS = "persons"
    FINANCES = "finances"
    CASES = "cases"
    DOCUMENTS = "documents"
    SURVEYS = "surveys"
    CHECKS = "checks"
    WARNINGS = "warnings"
    RESERVE_FUND = "reserve_fund"
    CALENDAR = "calendar"
    BENEFIT_RUNS = "benefit_runs"
    POLICY = "policy"
    SETTINGS = "settings"
    USERS = "users"
    OFFICES = "offices"
    SYNC = "sync"
    COMMUNITIES = "communities"
    AUDIT = "audit"
    REQUESTS = "requests"
    VISITS = "visits"
    SUPPORT = "support"


def change_kinds(kinds: Iterable[str]) -> frozenset[Change]:
    """The kinds as ``Change`` members; an unknown name fails at once (ValueError), so a typo
    in a service or a screen cannot silently never match."""
    return frozenset(Change(k) for k in kinds)
