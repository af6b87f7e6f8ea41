"""Print preview of real PDF bytes: pages, navigation, zoom, save-as and (batch) printing."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton

from desktop.errors import ReportError
from ui import ops
from ui.widgets.pdf_preview import PdfPreviewDialog, load_pdf, print_batch


def _to_pdf_file(path: Path, dpi: int = 72):
    """A print dialog stand-in that sends the job to a PDF file instead of paper."""

    def choose(printer: QPrinter, _parent) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setResolution(dpi)
        return True

    return choose


def _printed(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


@pytest.fixture
def preview(qtbot, make_pdf, tmp_path):
    data = make_pdf(3)
    dialog = PdfPreviewDialog(
        data,
        file_name="公示名单.pdf",
        print_dialog=_to_pdf_file(tmp_path / "printed.pdf"),
        save_dialog=lambda _parent, name: str(tmp_path / "另存" / name.removesuffix(".pdf")),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog, data


def test_page_count_is_shown_and_buttons_navigate(qtbot, preview) -> None:
    dialog, _data = preview
    assert dialog.page_count() == 3
    assert dialog.page_label.text() == "/ 共 3 页"
    assert dialog.page_spin.value() == 1
    assert not dialog.prev_button.isEnabled()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.current_page() == 1
    assert dialog.page_spin.value() == 2
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.current_page() == 2
    assert not dialog.next_button.isEnabled()
    qtbot.mouseClick(dialog.prev_button, Qt.MouseButton.LeftButton)
    assert dialog.current_page() == 1
    dialog.page_spin.setValue(3)
    assert dialog.current_page() == 2


def test_zoom_in_out_and_fit(qtbot, preview) -> None:
    dialog, _data = preview
    qtbot.mouseClick(dialog.zoom_in_button, Qt.MouseButton.LeftButton)
    first = dialog.zoom_factor()
    qtbot.mouseClick(dialog.zoom_in_button, Qt.MouseButton.LeftButton)
    assert dialog.zoom_factor() == pytest.approx(first * 1.25)
    qtbot.mouseClick(dialog.zoom_out_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.zoom_out_button, Qt.MouseButton.LeftButton)
    assert dialog.zoom_factor() == pytest.approx(first / 1.25)
    qtbot.mouseClick(dialog.fit_page_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == dialog.view.ZoomMode.FitInView
    qtbot.mouseClick(dialog.fit_width_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomMode() == dialog.view.ZoomMode.FitToWidth


def test_save_as_writes_identical_bytes(qtbot, preview, tmp_path) -> None:
    dialog, data = preview
    (tmp_path / "另存").mkdir()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "另存" / "公示名单.pdf"
    assert saved.read_bytes() == data


def test_save_to_a_missing_folder_shows_a_chinese_error(qtbot, preview, captured_errors) -> None:
    dialog, _data = preview
    assert dialog.save_as() is None
    assert captured_errors[0].message.startswith("文件读写失败：")


def test_print_renders_every_page_to_the_printer(qtbot, preview, tmp_path) -> None:
    dialog, _data = preview
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    printed = _printed(tmp_path / "printed.pdf")
    assert len(printed.pages) == 3
    # The page is printed as an image of the rendered page (the black box is in it).
    assert any(page.images for page in printed.pages)


def test_print_honours_the_chosen_page_range(qtbot, make_pdf, tmp_path) -> None:
    out = tmp_path / "range.pdf"
    choose = _to_pdf_file(out)

    def pages_2_to_3(printer: QPrinter, parent) -> bool:
        choose(printer, parent)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        return True

    dialog = PdfPreviewDialog(make_pdf(4), print_dialog=pages_2_to_3)
    qtbot.addWidget(dialog)
    assert dialog.print_pdf() is True
    assert len(_printed(out).pages) == 2


def test_cancelled_print_dialog_prints_nothing(qtbot, make_pdf) -> None:
    dialog = PdfPreviewDialog(make_pdf(1), print_dialog=lambda _p, _w: False)
    qtbot.addWidget(dialog)
    assert dialog.print_pdf() is False


def test_bytes_that_are_not_a_pdf_are_refused() -> None:
    with pytest.raises(ReportError):
        load_pdf(b"%PDF-not really")


def test_batch_print_prints_all_documents_in_one_job(qtbot, make_pdf, tmp_path) -> None:
    out = tmp_path / "batch.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _to_pdf_file(out)(printer, None)
    made: list[str] = []

    def lazily(name: str, pages: int):
        def build() -> bytes:
            made.append(name)
            return make_pdf(pages, name)

        return build

    jobs = [
        ("张红梅档案", make_pdf(2)),
        ("李建国档案", lazily("李建国档案", 1)),
        ("王芳档案", make_pdf(3)),
    ]
    outcome: list[tuple[object, object]] = []
    handle = print_batch(None, jobs, printer, on_done=lambda r, e: outcome.append((r, e)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=20_000)
    result, error = outcome[0]
    assert error is None
    assert result.printed == ["张红梅档案", "李建国档案", "王芳档案"]
    assert (result.pages, result.cancelled) == (6, False)
    assert made == ["李建国档案"]
    assert handle.progress == (3, 3, "打印完成")
    assert len(_printed(out).pages) == 6


def test_cancel_button_stops_the_batch_after_the_current_document(
    qtbot, make_pdf, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(ops, "PROGRESS_DELAY_MS", 0)
    out = tmp_path / "cancelled.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _to_pdf_file(out)(printer, None)
    started, go_on = threading.Event(), threading.Event()

    def second() -> bytes:
        started.set()
        go_on.wait(10)
        return make_pdf(1)

    outcome: list[tuple[object, object]] = []
    jobs = [("一", make_pdf(1)), ("二", second), ("三", make_pdf(1))]
    handle = print_batch(None, jobs, printer, on_done=lambda r, e: outcome.append((r, e)))
    qtbot.waitUntil(
        lambda: started.is_set() and handle.dialog is not None and handle.dialog.isVisible()
    )
    qtbot.waitUntil(lambda: handle.dialog.labelText() == "正在打印：二（2/3）")
    cancel = handle.dialog.findChild(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    go_on.set()
    qtbot.waitUntil(lambda: bool(outcome), timeout=20_000)
    result, error = outcome[0]
    assert error is None
    assert result.printed == ["一", "二"]
    assert result.cancelled
    assert len(_printed(out).pages) == 2
