"""A dossier's scans are let go as soon as they are drawn: no decoded picture is left for the
cyclic collector (a batch of dossiers piled them up), and the PDF is the same."""

from __future__ import annotations

import gc
import io
from dataclasses import replace

from PIL import Image

from reports.archive import render_archive
from reports.data import Attachment
from reports.samples import sample_archive_case


def _jpeg(seed: int) -> bytes:
    img = Image.effect_noise((620, 877), 40 + seed).convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def _scanned_case():  # type: ignore[no-untyped-def]
    case = sample_archive_case(3)
    scans = tuple(Attachment(f"扫描件 {k}", _jpeg(k)) for k in range(3))
    return replace(case, attachments=case.attachments + scans)


def _left_for_the_collector(build) -> list[str]:  # type: ignore[no-untyped-def]
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        build()
        gc.collect()
        return [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_no_decoded_scan_waits_for_the_cyclic_collector() -> None:
    case = _scanned_case()
    render_archive(case)  # fonts and caches made once
    left = _left_for_the_collector(lambda: render_archive(case))
    assert "ImageReader" not in left and "JpegImageFile" not in left and "PngImageFile" not in left


def test_the_dossier_is_the_same_pdf_each_time() -> None:
    case = _scanned_case()
    first = render_archive(case)
    assert render_archive(case) == first
    assert first.count(b"/Subtype /Image") >= 5  # the two sample scans and the three JPEGs
