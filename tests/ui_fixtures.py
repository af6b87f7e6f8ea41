"""Fixtures shared by every Qt test area: the writer thread left clean, synchronous ops,
captured error reports, real CJK PDFs. Each area's conftest.py imports the ones it uses."""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from ui import errors, ops

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


@pytest.fixture(autouse=True)
def _ops_clean() -> Iterator[None]:
    """Every test starts in threaded mode and leaves no job behind; the widgets it closed are
    destroyed here, between tests, not in the middle of the next test's event loop."""
    ops.set_synchronous(False)
    yield
    assert ops.wait_idle(10_000)
    ops.set_synchronous(False)
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    gc.collect()


@pytest.fixture
def sync_ops() -> Iterator[None]:
    """Run jobs inline so GUI tests are deterministic."""
    ops.set_synchronous(True)
    yield
    ops.set_synchronous(False)


@pytest.fixture
def captured_errors() -> Iterator[list[errors.ErrorReport]]:
    """Error reports that would have been shown in a message box."""
    reports: list[errors.ErrorReport] = []
    errors.set_error_sink(reports.append)
    yield reports
    errors.set_error_sink(None)


@pytest.fixture(scope="session")
def make_pdf() -> Callable[[int, str], bytes]:
    """Build a real PDF of ``pages`` A4 pages with Chinese text in an embedded font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))

    def build(pages: int, title: str = "低保审核确认公示") -> bytes:
        out = io.BytesIO()
        pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
        for page in range(pages):
            pdf.setFont("WQY", 20)
            pdf.drawString(72, 760, f"{title} 第{page + 1}页")
            pdf.setFont("WQY", 12)
            pdf.drawString(72, 730, "申请人：张红梅  身份证号：120101********1239")
            pdf.rect(72, 400, 300, 200, fill=1)
            pdf.showPage()
        pdf.save()
        return out.getvalue()

    return build
