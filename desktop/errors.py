"""The one exception tree of the core; every message is Chinese and names the field.

    DeskError
    ├── ValidationError        bad input; ``field`` names the offending field (Chinese label)
    │   └── DuplicateError     the same ID number / household already exists
    ├── PermissionDenied       the actor's role or office may not do this
    ├── NotFound               the record does not exist (or is deleted)
    ├── WorkflowError          an action not allowed in the case's current state
    ├── ConcurrencyError       the record changed under us (stale revision / concurrent transition)
    ├── PolicyError            no policy row for the month, unknown code, contradictory data
    ├── StoreError             the database file cannot be opened
    │   ├── WrongKeyError      wrong password / key: the file is left untouched
    │   └── DamagedStoreError  the file is not a database or is corrupt
    └── ReportError            a document cannot be produced from the data given

Expected sync outcomes (conflict, rejected, offline) are result values, not exceptions.
"""

from __future__ import annotations


class DeskError(Exception):
    """Root of every error the core raises on purpose. ``message`` is user-facing Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DeskError):
    """Bad input. ``field`` is the Chinese label of the field, ``code`` a stable English key."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(f"{field}：{message}")
        self.field = field
        self.code = code
        self.detail = message


class DuplicateError(ValidationError):
    """The record would duplicate an existing one (same ID number, same household)."""

    def __init__(self, field: str, message: str, existing_id: str | None = None) -> None:
        super().__init__(field, message, code="duplicate")
        self.existing_id = existing_id


class PermissionDenied(DeskError):
    """The actor's role or office may not perform the action."""


class NotFound(DeskError):
    """The record does not exist or has been deleted."""


class WorkflowError(DeskError):
    """A workflow action is not allowed now (state, role, office side, missing requirement)."""


class ConcurrencyError(DeskError):
    """The record changed since it was read; the action was not applied."""


class PolicyError(DeskError):
    """Policy data is missing or the input contradicts it."""


class StoreError(DeskError):
    """The local database cannot be used."""


class WrongKeyError(StoreError):
    """The password or key does not open the database; nothing was changed."""


class DamagedStoreError(StoreError):
    """The database file is damaged or not a database; nothing was changed."""


class ReportError(DeskError):
    """A document cannot be produced from the data given."""


DUPLICATE_NUMBER_REASON = "案件编号已被另一案件使用"
"""The hub's reason for refusing a case whose number another case already uses (the
protocol's ``duplicate_number``; the desk offers renumbering when it sees it)."""
