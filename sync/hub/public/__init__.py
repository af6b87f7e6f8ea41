"""The hub's public pages a resident reaches by QR code (码上知 · 自助评估 · 码上办 · 码上查):
plain server-rendered HTML forms, no JavaScript, no login."""

from sync.hub.public.routes import install

__all__ = ["install"]
