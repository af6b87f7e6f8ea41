"""The printed visit ledger (走访台账) of one community and month, from the core's ledger."""

from __future__ import annotations

from datetime import date

from desktop.services.base import Actor, Role, Scope, service
from desktop.services.outreach.visit_coverage import ledger_title, visit_ledger
from desktop.store.store import Store
from reports.visit_ledger import LedgerSheet, render_visit_ledger


@service(roles={Role.SUPERVISOR, Role.ADMIN, Role.COORDINATOR}, scope=Scope.COMMUNITY("community"))
def visit_ledger_sheet(store: Store, actor: Actor, community: str, month: date) -> LedgerSheet:
    """The ledger as the printed sheet shows it (IDs masked by the core)."""
    ledger = visit_ledger(store, actor, community, month)
    return LedgerSheet(ledger_title(ledger), ledger.office_name, community, ledger.start,
                       ledger.end, ledger.rows, ledger.prepared_by)  # fmt: skip


@service(roles={Role.SUPERVISOR, Role.ADMIN, Role.COORDINATOR}, scope=Scope.COMMUNITY("community"))
def visit_ledger_pdf(store: Store, actor: Actor, community: str, month: date) -> bytes:
    """走访台账 PDF bytes of one community and month."""
    return render_visit_ledger(visit_ledger_sheet(store, actor, community, month))
