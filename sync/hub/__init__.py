"""The reference municipal hub: a FastAPI server that speaks the sync protocol (v1)."""

from sync.hub.config import HubSettings

__all__ = ["HubSettings"]
