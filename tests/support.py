"""Test support shared by every area: cheap key derivation and a helper to act as demo users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.demo_data import PASSWORDS
from desktop.services.accounts.auth import login
from desktop.services.base import Actor
from desktop.store.keys import KdfParams
from desktop.store.store import Store

# Filled by the database at the moment of writing (CURRENT_TIMESTAMP), so never equal
# between two stores written at different moments; checked to be filled instead.
CLOCK_COLUMNS = ("created_at", "updated_at")


def table_rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in rowid order (the order they were written), office ids as their
    codes (each store has its own office ids), the clock columns as 'filled'."""
    with store.engine.connect() as c:
        offices: dict[str, str] = dict(c.exec_driver_sql("SELECT id, code FROM offices").all())  # type: ignore[arg-type]
        names = [
            n
            for (n,) in c.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out = {}
        for name in names:
            sql = c.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = ?", (name,)
            ).scalar()
            keyed = "WITHOUT ROWID" in (sql or "").upper()  # in key order, else written order
            query = (
                f'SELECT * FROM "{name}"'
                if keyed
                else f'SELECT rowid, * FROM "{name}" ORDER BY rowid'
            )
            result = c.exec_driver_sql(query)
            cols = list(result.keys())
            rows = [
                tuple(
                    ("filled" if v is not None else None)
                    if col in CLOCK_COLUMNS
                    else offices.get(v, v)
                    if isinstance(v, str)
                    else v
                    for col, v in zip(cols, r, strict=True)
                )
                for r in result
            ]
            out[name] = sorted(rows, key=repr) if keyed else rows
    return out


# Cheap key derivation for tests only; the program uses the default (64 MiB, 3 passes).
TEST_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)


class Desk:
    """An open copy of the template store with a helper to act as any demo user."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._opened: list[Store] = []

    def as_user(self, username: str) -> tuple[Store, Actor]:
        store, actor = login(self.folder, username, PASSWORDS[username][2])
        self._opened.append(store)
        return store, actor

    def close(self) -> None:
        for store in self._opened:
            store.close()


def png_bytes(seed: int = 0, size: tuple[int, int] = (240, 80)) -> bytes:
    """A small real PNG of a pen stroke (a signature or a photo stand-in); ``seed`` varies it."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("L", size, 255)
    w, h = size
    points = [(10, h - 20), (w // 3, 20 + seed % (h - 40)), (2 * w // 3, h - 25), (w - 10, 15)]
    ImageDraw.Draw(img).line(points, fill=0, width=3)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
