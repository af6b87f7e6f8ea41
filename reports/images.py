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


def fitted_image(data: bytes, max_w: float, max_h: float, field: str) -> Image:
    """A platypus image scaled (never enlarged above 1 px = 1 pt × 2) into the box."""
    w, h = image_size(data, field)
    scale = min(max_w / w, max_h / h, 2.0)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale)
