"""The one exception the hub's services raise to refuse a request with a protocol error."""

from __future__ import annotations

from typing import Any

from sync.protocol import ERRORS, PROTOCOL_VERSION


class HubRefusal(Exception):
    """Refuse the request: ``code`` is a key of protocol.ERRORS (status + Chinese message)."""

    def __init__(self, code: str, message: str | None = None, detail: Any = None) -> None:
        status, default_message = ERRORS[code]
        super().__init__(message or default_message)
        self.code = code
        self.status = status
        self.message = message or default_message
        self.detail = detail

    def body(self) -> dict[str, Any]:
        """The JSON error shape of the protocol."""
        error = {"code": self.code, "message": self.message, "detail": self.detail}
        return {"v": PROTOCOL_VERSION, "error": error}
