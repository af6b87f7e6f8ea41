"""Signature and attachment images: checked with Pillow, scaled to fit, never a broken PDF."""

from __future__ import annotations

import io

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from reportlab.platypus import Image

from desktop.errors import ValidationError


def image_size(data: bytes, field: str) -> tuple[int, int]:
    """Pixel size of PNG/JPEG bytes; a ValidationError naming ``field`` if unreadable."""
    if not data:
        raise ValidationError(field, "图片为空")
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            img.verify()
        with PILImage.open(io.BytesIO(data)) as img:
            return img.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(field, f"图片无法读取（{type(exc).__name__}）") from exc


SKIP_FLAG = "_jiuzhu_layout_pass"


class PassImage(Image):
    """An image that only takes space on a canvas marked as a layout-only pass.

    Multi-pass builds (a table of contents) throw the first pass away; decoding and
    compressing every scan there was a third of an archive dossier's time.

    Once drawn, the decoded picture is let go at once: reportlab's reader of a JPEG refers to
    itself (``jpeg_fh``), so it and its decoded pixels (about 13 MB for an A4 scan at 150 dpi)
    were freed only by a full cyclic collection, and a batch of dossiers piled them up (a
    100-case batch peaked 740 MiB above the desk). A later draw reads the bytes again.
    """

    def __init__(self, data: bytes, width: float, height: float) -> None:
        super().__init__(io.BytesIO(data), width=width, height=height)
        self._source = data

    def draw(self) -> None:
        if getattr(self.canv, SKIP_FLAG, False):
            return
        super().draw()
        reader = self.__dict__.pop("_img", None)
        if reader is not None:
            reader.__dict__.pop("jpeg_fh", None)  # the cycle
            reader._image = reader._data = None
        self._file = io.BytesIO(self._source)  # ``_img`` is made again from it if asked


def fitted_image(data: bytes, max_w: float, max_h: float, field: str) -> Image:
    """A platypus image scaled (at most 2 pt per pixel) into the box."""
    w, h = image_size(data, field)
    scale = min(max_w / w, max_h / h, 2.0)
    return PassImage(data, width=w * scale, height=h * scale)
