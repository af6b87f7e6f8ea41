"""After each sync: the hub's office directory, the city's policy table and the reserve of
leased case numbers.

All are small, repeatable calls: the directory gives every office its real name on every
desk (a code seen only in a record is no longer shown as a placeholder), the policy copy lets
the administrator compare the desk's table with the city's, and the reserve lets the desk
number cases offline from a block no other device can use.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from desktop.domain.policy.integrity import policy_differences, policy_digest
from desktop.store import number_blocks
from desktop.store.policy_table import city_copy, city_copy_digest, save_city_copy, stored_rows
from desktop.store.store import Store
from sync.apply import apply_directory
from sync.hub_client import HubApi
from sync.protocol import NumberLease
from sync.state import OFFICE_CODE, get_many, relaxed
from sync.transport import Cancelled

LOW_WATER = 10  # lease a new block when fewer numbers than this are left
BLOCK = 50


DbRunner = Callable[..., Any]  # run_db(fn, *args): where the store steps run


def _inline(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def _apply_entries(store: Store, entries: list[dict[str, Any]]) -> int:
    with relaxed(store) as conn:
        return apply_directory(conn, entries)


def refresh_directory(
    store: Store,
    api: HubApi,
    cancelled: Cancelled | None = None,
    *,
    run_db: DbRunner = _inline,
) -> int:
    """Bring office names and districts from the hub; return how many rows changed."""
    entries = [e.model_dump() for e in api.offices(cancelled=cancelled).offices]
    return int(run_db(_apply_entries, store, entries))


def refresh_city_policy(
    store: Store,
    api: HubApi,
    cancelled: Cancelled | None = None,
    *,
    run_db: DbRunner = _inline,
) -> str | None:
    """Keep a copy of the city's policy table; a notice when a new one differs from ours."""
    have = run_db(_copy_digest, store)
    answer = api.city_policy(have, cancelled=cancelled)
    if answer.get("unchanged") or (have is None and answer.get("digest") is None):
        return None  # the copy here is the hub's table (or neither has one): nothing to write
    notice: str | None = run_db(_keep_city_policy, store, answer)
    return notice


def _copy_digest(store: Store) -> str | None:
    with store.sessions.read() as s:
        return city_copy_digest(s)


def _keep_city_policy(store: Store, answer: dict[str, Any]) -> str | None:
    at = datetime.now().isoformat(sep=" ", timespec="minutes")
    changed = save_city_copy(store, answer.get("digest"), answer.get("rows") or [], at)
    if not changed or answer.get("digest") is None:
        return None
    with store.sessions.read() as s:
        copy = city_copy(s)
        local = stored_rows(s)
    if copy is None or copy.digest == policy_digest(local):
        return None
    count = len(policy_differences(local, copy.rows))
    if count == 0:
        return None  # the same amounts and dates; only the sources' wording differs
    return (
        f"市级平台发布了新的政策参数，与本机有 {count} 项不同，请系统管理员在“政策参数”页对照并采用"
    )


def _reserve(store: Store, year: int) -> tuple[str | None, int, bool, int]:
    """This device's office code, numbers left, whether it has a device code, highest used."""
    office = get_many(store, [OFFICE_CODE]).get(OFFICE_CODE)
    if not office:
        return None, 0, False, 0
    with store.engine.connect() as conn:
        left = number_blocks.remaining(conn, office, year)
        has_code = bool(
            conn.exec_driver_sql(
                "SELECT 1 FROM settings WHERE key = ?", (number_blocks.DEVICE_CODE,)
            ).first()
        )
        above = number_blocks.highest_plain(conn, office, year)
    return office, left, has_code, above


def _keep_lease(store: Store, lease: NumberLease) -> None:
    with relaxed(store) as conn:
        number_blocks.set_device_code(conn, lease.device_code)
        number_blocks.add_block(conn, lease.office_code, lease.year, lease.first, lease.last)


def refill_numbers(
    store: Store,
    api: HubApi,
    today: date | None = None,
    cancelled: Cancelled | None = None,
    *,
    run_db: DbRunner = _inline,
) -> int:
    """Lease a block for this device's office and year when the reserve runs low."""
    year = (today or date.today()).year
    office, left, has_code, above = run_db(_reserve, store, year)
    if not office or (left >= LOW_WATER and has_code):
        return 0
    lease = api.lease_numbers(year, BLOCK, above, cancelled=cancelled)
    run_db(_keep_lease, store, lease)
    return lease.last - lease.first + 1
