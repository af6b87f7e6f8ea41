"""诉求: one contact of a resident through any channel (hotline, 12345, QR pages, a visit …)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, Synced


class ServiceRequest(Synced, Base):
    """A request (诉求) addressed to one office; 码上办 pre-applications arrive as these."""

    __tablename__ = "service_requests"
    reference: Mapped[str] = mapped_column(String(20), default="", index=True)
    channel: Mapped[str] = mapped_column(String(20))
    office_code: Mapped[str] = mapped_column(String(12), index=True)
    caller_name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="")
    need: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    received_on: Mapped[date] = mapped_column(Date, index=True)
    reply_due: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    handler: Mapped[str] = mapped_column(String(40), default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str] = mapped_column(String(20), default="")
    household_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    application_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    def sync_offices(self) -> list[str]:
        """The office codes the request travels to: the office responsible for it."""
        return [self.office_code]
