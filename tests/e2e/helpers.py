"""Helpers of the end-to-end tests: the offices of the journey, fresh ID numbers, office ids."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from desktop.domain.ids import check_char
from desktop.store.models import Office
from desktop.store.store import Store

A = "120103001"  # 河西区友谊路街道 (residence office)
B = "120101001"  # 和平区劝业场街道 (registration office)
C = "120104003"
NAMES = {
    A: ("河西区友谊路街道", "河西区"),
    B: ("和平区劝业场街道", "和平区"),
    C: ("南开区长虹街道", "南开区"),
}
_IDS = itertools.count(11)


def new_id_number() -> str:
    """A valid ID number the demo data never made (born 1951)."""
    n = next(_IDS)
    first17 = f"12010319510{n % 9 + 1}{n % 28 + 1:02d}{n % 1000:03d}"
    return first17 + check_char(first17)


def office_id(store: Store, code: str) -> str:
    with store.sessions.read() as s:
        found = s.scalar(select(Office.id).where(Office.code == code))
    assert found is not None, code
    return found
