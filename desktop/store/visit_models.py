"""巡访 tables (migration 0018): one record per home visit, and the problems visits found."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, Synced


class HomeVisit(Synced, Base):
    """走访记录: a coordinator's visit to one household, final once submitted."""

    __tablename__ = "home_visits"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"))
    community: Mapped[str] = mapped_column(String(60), default="")
    office_code: Mapped[str] = mapped_column(String(12), default="")
    visited_on: Mapped[date] = mapped_column(Date)
    visitor: Mapped[str] = mapped_column(String(40), default="")
    visitor_id: Mapped[str] = mapped_column(String(36), default="")
    met: Mapped[list] = mapped_column(JSON, default=list)
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    photos: Mapped[list] = mapped_column(JSON, default=list)
    signature_id: Mapped[str] = mapped_column(String(36), default="")
    signed_by: Mapped[str] = mapped_column(String(40), default="")
    leaflet_given: Mapped[bool] = mapped_column(Boolean, default=False)
    change_kind: Mapped[str] = mapped_column(String(20), default="")
    change_detail: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(String(20), default="")
    follow_up_id: Mapped[str] = mapped_column(String(36), default="")

    __table_args__ = (
        Index("ix_home_visits_household_on", "household_id", "visited_on"),
        Index("ix_home_visits_community_on", "community", "visited_on"),
    )


class VisitProblem(Synced, Base):
    """A problem a visit found (走访发现问题), worked from 待交办 to 已办结."""

    __tablename__ = "visit_problems"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    visit_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    community: Mapped[str] = mapped_column(String(60), default="", index=True)
    office_code: Mapped[str] = mapped_column(String(12), default="")
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    photos: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    found_on: Mapped[date] = mapped_column(Date)
    found_by: Mapped[str] = mapped_column(String(40), default="")
    handler_kind: Mapped[str] = mapped_column(String(12), default="")
    handler: Mapped[str] = mapped_column(String(60), default="")
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    action_taken: Mapped[str] = mapped_column(Text, default="")
    handled_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    history: Mapped[list] = mapped_column(JSON, default=list)

    def sync_offices(self) -> list[str]:
        """The office codes the problem travels to: the office that handles it (where the
        family lives); the hub adds the household's offices when it knows the household."""
        return [self.office_code]
