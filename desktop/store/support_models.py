"""Support beyond the cash benefit: the policy menu, partners and referrals, group programmes
(insurance, holiday relief) and their rosters, purchased services and their records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base, Money, Synced


class _OfficeOwned:
    """A catalogue row kept by one office (it travels to that office's desks only)."""

    office_code: Mapped[str] = mapped_column(String(12), index=True)

    def sync_offices(self) -> list[str]:
        return [self.office_code]


class SupportPolicy(_OfficeOwned, Synced, Base):
    """One policy of the 惠民政策菜单: who qualifies as criteria over household facts."""

    __tablename__ = "support_policies"
    department: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    benefit: Mapped[str] = mapped_column(Text, default="")
    materials: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)


class SupportPartner(_OfficeOwned, Synced, Base):
    """A partner a family may be referred to: a department, a charity, a volunteer team …"""

    __tablename__ = "support_partners"
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    contact: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    services: Mapped[str] = mapped_column(Text, default="")


class Referral(Synced, Base):
    """转介: a family sent to a partner for a need, tracked to an outcome by a deadline."""

    __tablename__ = "referrals"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    partner_id: Mapped[str] = mapped_column(String(36))
    partner_name: Mapped[str] = mapped_column(String(80))
    partner_kind: Mapped[str] = mapped_column(String(20))
    need: Mapped[str] = mapped_column(Text)
    made_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    service_given: Mapped[str] = mapped_column(Text, default="")
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    made_by: Mapped[str] = mapped_column(String(40), default="")


class SupportProgramme(_OfficeOwned, Synced, Base):
    """A group programme: insurance bought for the families, or holiday/hardship relief."""

    __tablename__ = "support_programmes"
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(80))
    plan: Mapped[str] = mapped_column(String(80), default="")
    payer: Mapped[str] = mapped_column(String(80), default="")
    """The insurer (insurance) or the paying organisation (relief)."""
    funding_source: Mapped[str] = mapped_column(String(80), default="")
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    rates: Mapped[dict] = mapped_column(JSON, default=dict)
    """Amount per person by category ("adult", "child", "tekun") as decimal strings."""


class ProgrammeRoster(_OfficeOwned, Synced, Base):
    """The roster of a programme generated on a date: draft, then reviewed."""

    __tablename__ = "programme_rosters"
    programme_id: Mapped[str] = mapped_column(String(36), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    persons: Mapped[int] = mapped_column(default=0)
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    excluded: Mapped[list] = mapped_column(JSON, default=list)
    """Members of the programme's families left out, each with the reason."""
    generated_by: Mapped[str] = mapped_column(String(40), default="")
    reviewed_by: Mapped[str] = mapped_column(String(40), default="")
    reviewed_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class RosterLine(Synced, Base):
    """One family on a roster: its persons, their categories and amounts (travels with it)."""

    __tablename__ = "roster_lines"
    roster_id: Mapped[str] = mapped_column(String(36), index=True)
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    programme_name: Mapped[str] = mapped_column(String(80))
    programme_kind: Mapped[str] = mapped_column(String(12))
    period_from: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    members: Mapped[list] = mapped_column(JSON, default=list)
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class PurchasedService(_OfficeOwned, Synced, Base):
    """政府购买服务: one service item bought from a provider for a period and a budget."""

    __tablename__ = "purchased_services"
    item: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(80))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    budget: Mapped[Decimal] = mapped_column(Money)


class ServiceRecord(Synced, Base):
    """One service given to a family under a purchased service (生活照料, 精神慰藉 …)."""

    __tablename__ = "service_records"
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    service_id: Mapped[str] = mapped_column(String(36), index=True)
    item: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(80))
    served_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(40), default="")


class ProviderHousehold(Base):
    """A family assigned to a service provider's user: the provider sees only these."""

    __tablename__ = "provider_households"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    household_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(36), default="")
