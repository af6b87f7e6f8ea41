"""发放核算 through the screen: a run with progress, the report equals the stored run, the
Excel ledger reads back, notices preview and print, 取消 leaves nothing behind."""

from __future__ import annotations

import io
import threading
from datetime import date
from pathlib import Path

import openpyxl
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton
from sqlalchemy import text

from desktop.services.payment.benefit_ledger import HEADERS, list_runs
from ui import ops
from ui.benefit_run import BenefitRunPanel

MONTH = date(2025, 11, 1)  # incomes of the demo fall out of the look-back: amounts change


def _counts(store) -> tuple:  # type: ignore[no-untyped-def]
    with store.sessions.read() as s:
        return s.execute(
            text(
                "SELECT (SELECT count(*) FROM benefit_runs), (SELECT count(*) FROM benefit_changes),"
                " (SELECT count(*) FROM outbox), (SELECT group_concat(benefit_amount) FROM"
                " (SELECT benefit_amount FROM applications ORDER BY id))"
            )
        ).one()


def _panel(qtbot, store, actor, tmp_path: Path, **kw) -> BenefitRunPanel:  # type: ignore[no-untyped-def]
    panel = BenefitRunPanel(store, actor, save_dialog=lambda _p, name: str(tmp_path / name), **kw)
    qtbot.addWidget(panel)
    panel.month.setDate(QDate(MONTH.year, MONTH.month, 1))
    return panel


def test_run_report_export_and_notices(qtbot, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    out = tmp_path / "notices.pdf"

    def to_file(printer: QPrinter, _parent) -> bool:  # type: ignore[no-untyped-def]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    panel = _panel(qtbot, store, actor, tmp_path, print_dialog=to_file)
    panel.run_button.click()  # threaded, as in the program
    qtbot.waitUntil(lambda: panel.report is not None, timeout=20_000)
    assert ops.wait_idle()
    report = panel.report
    assert report is not None and report.run_id and not report.cancelled
    done, total, step = panel.handle.progress
    assert (done, total, step) == (report.cases, report.cases, "写入发放记录")
    (run,) = list_runs(store, MONTH)
    assert run.id == report.run_id and run.counts == report.counts and run.cases == report.cases
    for kind, card in panel.kind_cards.items():
        assert card.value.text() == str(report.counts[kind])
    assert panel.total_new.value.text() == f"{report.total_new:,.2f}"
    assert panel.message.text() == report.message and "核算完成" in report.message
    assert panel.selected_run().id == report.run_id

    panel.export_selected()
    assert ops.wait_idle()
    sheet = openpyxl.load_workbook(panel.last_export).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "2025年11月" in rows[0][0] and tuple(rows[2]) == HEADERS
    assert len(rows) == 3 + report.cases + 1 and rows[-1][0] == "合计"
    assert float(rows[-1][5]) == float(report.total_new)

    with store.sessions.read() as s:
        expected = (
            s.execute(
                text(
                    "SELECT a.number FROM benefit_changes c JOIN applications a ON a.id = "
                    "c.application_id WHERE c.run_id = :r AND c.kind IN ('increase','decrease',"
                    "'stop') AND c.old_amount IS NOT NULL ORDER BY a.number"
                ),
                {"r": report.run_id},
            )
            .scalars()
            .all()
        )
    assert expected and [c.number for c in panel.changed] == list(expected)
    ops.set_synchronous(True)
    panel.preview_notice()
    assert panel.preview is not None and panel.preview.page_count() >= 1
    text_ = PdfReader(io.BytesIO(panel.preview.pdf_bytes)).pages[0].extract_text()
    assert "通知书" in text_ and panel.changed[0].name in text_
    # the one change-notice rule: a run's notice is numbered like a review's (…-BG)
    assert f"{panel.changed[0].number}-BG" in text_.replace("\n", "")
    panel.preview.close()
    panel.print_notices()
    assert panel.last_batch is not None and len(panel.last_batch.printed) == len(expected)
    assert len(PdfReader(str(out)).pages) == panel.last_batch.pages >= len(expected)


def test_cancel_in_the_progress_dialog_leaves_nothing(qtbot, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    panel = _panel(qtbot, store, actor, tmp_path)
    panel.show()
    before = _counts(store)
    gate = threading.Event()
    ops.run_op(None, gate.wait, 20)  # the writer is busy: the run waits behind this job
    try:
        panel.run_button.click()
        assert not panel.run_button.isEnabled()
        qtbot.waitUntil(lambda: panel.handle.dialog is not None, timeout=5_000)
        dialog = panel.handle.dialog
        assert "正在核算 2025年11月" in dialog.labelText()
        (cancel,) = [b for b in dialog.findChildren(QPushButton) if b.text() == "取消"]
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # the person presses 取消
        assert panel.handle.cancelled()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: panel.report is not None, timeout=20_000)
    assert ops.wait_idle()
    assert panel.report.cancelled and "取消" in panel.status.text()
    assert _counts(store) == before and list_runs(store) == []
    assert panel.runs_table.rowCount() == 0 and panel.run_button.isEnabled()
