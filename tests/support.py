"""Test support shared by every area: cheap key derivation and a helper to act as demo users."""

from __future__ import annotations

from pathlib import Path

from desktop.demo_data import PASSWORDS
from desktop.services.accounts.auth import login
from desktop.services.base import Actor
from desktop.store.keys import KdfParams
from desktop.store.store import Store

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
