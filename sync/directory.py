"""After each sync: the hub's office directory and the reserve of leased case numbers.

Both are small, repeatable calls: the directory gives every office its real name on every
desk (a code seen only in a record is no longer shown as a placeholder), and the reserve lets
the desk number cases offline from a block no other device can use.
"""

from __future__ import annotations

from datetime import date

from desktop.services import case_numbers
from desktop.store.store import Store
from sync.api import HubApi
from sync.apply import apply_directory
from sync.state import OFFICE_CODE, get_many, relaxed

LOW_WATER = 10  # lease a new block when fewer numbers than this are left
BLOCK = 50


def refresh_directory(store: Store, api: HubApi) -> int:
    """Bring office names and districts from the hub; return how many rows changed."""
    entries = [e.model_dump() for e in api.offices().offices]
    with relaxed(store) as conn:
        return apply_directory(conn, entries)


def refill_numbers(store: Store, api: HubApi, today: date | None = None) -> int:
    """Lease a block for this device's office and year when the reserve runs low."""
    office = get_many(store, [OFFICE_CODE]).get(OFFICE_CODE)
    if not office:
        return 0
    year = (today or date.today()).year
    with store.engine.connect() as conn:
        left = case_numbers.remaining(conn, office, year)
        has_code = bool(
            conn.exec_driver_sql(
                "SELECT 1 FROM settings WHERE key = ?", (case_numbers.DEVICE_CODE,)
            ).first()
        )
        above = case_numbers.highest_plain(conn, office, year)
    if left >= LOW_WATER and has_code:
        return 0
    lease = api.lease_numbers(year, BLOCK, above)
    with relaxed(store) as conn:
        case_numbers.set_device_code(conn, lease.device_code)
        case_numbers.add_block(conn, lease.office_code, lease.year, lease.first, lease.last)
    return lease.last - lease.first + 1
