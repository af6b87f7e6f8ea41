"""Case numbers on the hub: device codes, leased blocks of numbers, and one case per number.

A desk numbers a case from a block of plain numbers leased here (``<office>-<year>-00051``);
offline with an empty block it uses its device code (``<office>-<year>-KXA-0001``). Both are
unique by construction; the hub still refuses a second case under a number it already holds
(numbers filed before leasing existed), so a duplicate is quarantined, never applied.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from sync.hub import db
from sync.hub.accounts import Device
from sync.protocol import DEVICE_CODE_ALPHABET, PLAIN_NUMBER_RE, NumberLease, NumberLeaseRequest


def device_code(index: int) -> str:
    """The ``index``-th device code: three letters (13,824 devices), then four."""
    base = len(DEVICE_CODE_ALPHABET)
    letters = ""
    width = 3 if index < base**3 else 4
    for _ in range(width):
        index, digit = divmod(index, base)
        letters = DEVICE_CODE_ALPHABET[digit] + letters
    return letters


def assign_device_code(conn: Connection, device_id: str) -> str:
    """Give a device its city-wide unique code (kept if it has one)."""
    d = db.devices.c
    have = conn.execute(select(d.number_code).where(d.id == device_id)).scalar()
    if have:
        return str(have)
    taken = int(conn.execute(select(func.count()).where(d.number_code.is_not(None))).scalar() or 0)
    code = device_code(taken)
    while conn.execute(select(d.id).where(d.number_code == code)).first() is not None:
        taken += 1
        code = device_code(taken)
    conn.execute(db.devices.update().where(d.id == device_id).values(number_code=code))
    return code


def parts(number: str) -> tuple[str | None, int | None, int | None]:
    """(office, year, seq) of a plain number; Nones for any other number."""
    m = PLAIN_NUMBER_RE.match(number)
    if m is None:
        return None, None, None
    return m.group(1), int(m.group(2)), int(m.group(3))


def lease(database: db.Database, device: Device, req: NumberLeaseRequest) -> NumberLease:
    """Grant the next ``count`` plain numbers of the device's office and ``year``."""
    office = device.office_code
    name = f"no:{office}:{req.year}"
    n = db.case_numbers.c
    with database.write() as conn:
        code = assign_device_code(conn, device.id)
        counter = conn.execute(
            select(db.counters.c.value).where(db.counters.c.name == name)
        ).scalar()
        used = conn.execute(
            select(func.max(n.seq)).where(n.office_code == office, n.year == req.year)
        ).scalar()
        first = max(int(counter or 0), int(used or 0), req.above) + 1
        last = first + req.count - 1
        if counter is None:
            conn.execute(db.counters.insert().values(name=name, value=last))
        else:
            conn.execute(db.counters.update().where(db.counters.c.name == name).values(value=last))
    return NumberLease(office_code=office, year=req.year, first=first, last=last, device_code=code)


def holders(conn: Connection, numbers: list[str]) -> dict[str, str]:
    """number → the application id holding it, for the numbers given."""
    n = db.case_numbers.c
    found: dict[str, str] = {}
    for i in range(0, len(numbers), 500):
        query = select(n.number, n.application_id).where(n.number.in_(numbers[i : i + 500]))
        found.update({str(k): str(v) for k, v in conn.execute(query)})
    return found


def insert_rows(numbers: dict[str, str]) -> list[dict[str, object]]:
    """Rows of ``hub_case_numbers`` for number → application id."""
    rows: list[dict[str, object]] = []
    for number, app_id in numbers.items():
        office, year, seq = parts(number)
        rows.append(
            {
                "number": number,
                "application_id": app_id,
                "office_code": office,
                "year": year,
                "seq": seq,
            }
        )
    return rows
