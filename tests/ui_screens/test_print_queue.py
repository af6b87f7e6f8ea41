"""Batch archive printing to a real CUPS print queue (``.ci/start-cups``): each dossier reaches
the printer as its own job, named after its case, with all its pages, so paper comes out
while the rest of the batch is still being rendered."""

from __future__ import annotations

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from reports.archive import ArchiveBatchResult
from tests.ui_screens.test_archive_batch import _archived, _select
from ui.print_center import PrintCenterPanel

QUEUE = os.environ.get("PRINT_TEST_QUEUE", "")
SPOOL = Path("/var/spool/cups")
pytestmark = pytest.mark.skipif(
    not QUEUE or not os.access(SPOOL, os.R_OK),
    reason="needs a CUPS test queue whose spool can be read (bash .ci/start-cups)",
)


def _job_ids() -> set[int]:
    listed = subprocess.run(
        ["lpstat", "-W", "all", "-o", QUEUE], capture_output=True, text=True, check=True
    ).stdout
    return {int(n) for n in re.findall(rf"^{re.escape(QUEUE)}-(\d+)\s", listed, re.MULTILINE)}


def _job(job_id: int) -> tuple[str, int]:
    """The job's name (from its IPP control file) and the pages of the document it sent."""
    control = (SPOOL / f"c{job_id:05d}").read_bytes()
    at = control.index(b"job-name") + len(b"job-name")
    size = int.from_bytes(control[at : at + 2], "big")
    name = control[at + 2 : at + 2 + size].decode("utf-8")
    document = (SPOOL / f"d{job_id:05d}-001").read_bytes()
    return name, len(PdfReader(io.BytesIO(document)).pages)


def test_each_dossier_of_a_batch_is_a_print_job_of_its_own(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    chosen = _archived(store, actor.office_id, 3)

    def to_queue(printer: QPrinter, _parent) -> bool:  # type: ignore[no-untyped-def]
        printer.setPrinterName(QUEUE)  # what choosing it in the print dialog does
        return True

    panel = PrintCenterPanel(store, actor, print_dialog=to_queue)
    qtbot.addWidget(panel)
    panel.show()
    made: list[ArchiveBatchResult] = []
    panel.archives.built.connect(made.append)
    before = _job_ids()
    _select(panel, [number for _id, number in chosen])
    panel.batch_archive_button.click()
    qtbot.waitUntil(lambda: panel.last_batch is not None, timeout=60_000)
    [result] = made
    batch = panel.last_batch
    assert batch is not None and not batch.cancelled
    names = [f"档案 {f.case_no}" for f in result.files]
    assert batch.printed == names and batch.jobs == len(names) == 3
    expected = [len(PdfReader(io.BytesIO(f.pdf)).pages) for f in result.files]
    new = sorted(_job_ids() - before)
    # the scheduler writes a job's control file shortly after accepting it
    qtbot.waitUntil(lambda: all((SPOOL / f"c{j:05d}").exists() for j in new), timeout=10_000)
    assert [_job(j) for j in new] == list(zip(names, expected, strict=True))
    assert batch.pages == sum(expected)
    assert f"已打印 3 份，共 {batch.pages} 页" in panel.status.text()
