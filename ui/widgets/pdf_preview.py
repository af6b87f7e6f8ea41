"""Print preview of PDF bytes (navigate, zoom, 打印, 另存为PDF) and batch printing with progress."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ReportError
from ui import ops
from ui.errors import show_error
from ui.screen import fit_to_screen

PRINT_DPI = 300
ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 5.0
PrintDialogFn = Callable[[QPrinter, QWidget | None], bool]
SaveDialogFn = Callable[[QWidget | None, str], str | None]
PdfSource = bytes | Callable[[], bytes]


def load_pdf(data: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A loaded document and the buffer that must outlive it; ReportError if not a PDF."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise ReportError("文件不是有效的PDF，无法预览或打印")
    return document, buffer


def _paint_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int) -> None:
    area = printer.pageLayout().paintRectPixels(printer.resolution())
    points = document.pagePointSize(page)
    dpi = min(printer.resolution(), PRINT_DPI)
    image = document.render(
        page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
    )
    scale = min(area.width() / image.width(), area.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    target = QRectF((area.width() - width) / 2, (area.height() - height) / 2, width, height)
    painter.drawImage(target, image)


def print_document(
    document: QPdfDocument,
    printer: QPrinter,
    painter: QPainter,
    *,
    new_page_first: bool = False,
    pages: Sequence[int] | None = None,
) -> int:
    """Render pages (0-based, default all) onto an active printer painter; returns pages printed."""
    count = 0
    for page in pages if pages is not None else range(document.pageCount()):
        if new_page_first or count:
            printer.newPage()
        _paint_page(painter, printer, document, page)
        count += 1
    return count


def ask_printer(
    parent: QWidget | None, print_dialog: PrintDialogFn | None = None, pages: int = 0
) -> QPrinter | None:
    """Let the person choose a printer (默认打印机 and 份数 preselected); None when they cancel."""
    from ui import print_defaults

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    print_defaults.apply(printer)
    if print_dialog is not None:
        return printer if print_dialog(printer, parent) else None
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    if pages:
        dialog.setMinMax(1, pages)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


class PdfPreviewDialog(QDialog):
    """Shows PDF bytes page by page with zoom, 打印 and 另存为PDF.

    ``print_dialog(printer, parent) -> bool`` and ``save_dialog(parent, name) -> path | None``
    replace the system dialogs (tests inject them).
    """

    def __init__(
        self,
        pdf_bytes: bytes,
        parent: QWidget | None = None,
        *,
        title: str = "打印预览",
        file_name: str = "文档.pdf",
        print_dialog: PrintDialogFn | None = None,
        save_dialog: SaveDialogFn | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.pdf_bytes = pdf_bytes
        self.file_name = file_name
        self._print_dialog = print_dialog
        self._save_dialog = save_dialog or _ask_save_path
        self.document, self._buffer = load_pdf(pdf_bytes)
        self.document.setParent(self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self._build_controls()
        self.view.pageNavigator().currentPageChanged.connect(self._sync_page)
        self._sync_page(0)
        fit_to_screen(self, 900, 1000)

    def _build_controls(self) -> None:
        self.prev_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")
        self.page_spin = QSpinBox()
        self.page_spin.setRange(1, self.page_count())
        self.page_spin.setAccessibleName("页码")
        self.page_spin.setMinimumWidth(64)
        self.page_label = QLabel(f"/ 共 {self.page_count()} 页")
        self.zoom_out_button = QPushButton("缩小")
        self.zoom_in_button = QPushButton("放大")
        self.fit_width_button = QPushButton("适合宽度")
        self.fit_page_button = QPushButton("整页")
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为PDF…")
        self.close_button = QPushButton("关闭")
        self.prev_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        self.page_spin.valueChanged.connect(lambda value: self.go_to_page(value - 1))
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.fit_width_button.clicked.connect(self.fit_width)
        self.fit_page_button.clicked.connect(self.fit_page)
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.reject)
        bar = QHBoxLayout()
        for widget in (self.prev_button, self.page_spin, self.page_label, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(16)
        for widget in (
            self.zoom_out_button,
            self.zoom_in_button,
            self.fit_width_button,
            self.fit_page_button,
        ):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.print_button, self.save_button, self.close_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        shortcuts = (
            (QKeySequence.StandardKey.Print, self.print_pdf),
            (QKeySequence.StandardKey.Save, self.save_as),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence(Qt.Key.Key_PageDown), self.next_page),
            (QKeySequence(Qt.Key.Key_PageUp), self.previous_page),
        )
        for key, slot in shortcuts:
            QShortcut(QKeySequence(key), self, slot)

    def page_count(self) -> int:
        """Number of pages in the document."""
        return self.document.pageCount()

    def current_page(self) -> int:
        """The page shown (0-based)."""
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        """Show page ``page`` (0-based, clamped to the document)."""
        page = max(0, min(page, self.page_count() - 1))
        if page != self.current_page():
            self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    def next_page(self) -> None:
        """Show the following page."""
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        """Show the preceding page."""
        self.go_to_page(self.current_page() - 1)

    def zoom_in(self) -> None:
        """Enlarge by one step."""
        self._set_zoom(self._effective_zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        """Shrink by one step."""
        self._set_zoom(self._effective_zoom() / ZOOM_STEP)

    def fit_width(self) -> None:
        """Scale pages to the width of the window."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        """Scale so that a whole page is visible."""
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def zoom_factor(self) -> float:
        """The custom zoom factor (1.0 = 100 %)."""
        return self.view.zoomFactor()

    def _effective_zoom(self) -> float:
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        # In a fit mode, start stepping from the scale the page is shown at now.
        points = self.document.pagePointSize(max(self.current_page(), 0))
        shown = self.view.viewport().width() - 2 * self.view.documentMargins().left()
        screen_width = points.width() * self.logicalDpiX() / 72
        return max(ZOOM_MIN, shown / screen_width) if screen_width > 0 else 1.0

    def _set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(ZOOM_MIN, min(ZOOM_MAX, factor)))

    def print_pdf(self) -> bool:
        """Ask for a printer and print (the chosen page range, default all); True if printed."""
        printer = ask_printer(self, self._print_dialog, self.page_count())
        if printer is None:
            return False
        first, last = printer.fromPage(), printer.toPage()
        pages = range(first - 1, last) if first > 0 and last >= first else None
        painter = QPainter()
        if not painter.begin(printer):
            show_error(self, ReportError("打印机无法开始打印，请检查打印机设置"))
            return False
        try:
            print_document(self.document, printer, painter, pages=pages)
        finally:
            painter.end()
        return True

    def save_as(self) -> Path | None:
        """Ask where to save and write the PDF bytes unchanged; returns the path written."""
        chosen = self._save_dialog(self, self.file_name)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            path.write_bytes(self.pdf_bytes)
        except OSError as exc:
            show_error(self, exc)
            return None
        return path

    def _sync_page(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < self.page_count() - 1)


def _ask_save_path(parent: QWidget | None, name: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(parent, "另存为PDF", name, "PDF 文件 (*.pdf)")
    return path or None


@dataclass
class BatchPrintResult:
    """What a batch print did: names printed, pages printed, print jobs the printer received
    and whether it was cancelled."""

    printed: list[str] = field(default_factory=list)
    pages: int = 0
    cancelled: bool = False
    jobs: int = 0


def _begin(painter: QPainter, printer: QPrinter) -> None:
    if not painter.begin(printer):
        raise ReportError("打印机无法开始打印，请检查打印机设置")


def _print_all(
    jobs: Sequence[tuple[str, PdfSource]],
    printer: QPrinter,
    *,
    one_job_each: bool = False,
    progress: ops.ProgressCallback,
    cancelled: Callable[[], bool],
) -> BatchPrintResult:
    result = BatchPrintResult()
    # A printer gets each document as its own job when asked: it starts on the first while
    # the rest are still being rendered. A PDF file is one file, so it stays one job.
    separate = one_job_each and printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
    painter = QPainter()
    if not separate:
        _begin(painter, printer)
        result.jobs = 1
    try:
        for index, (name, source) in enumerate(jobs):
            if cancelled():
                result.cancelled = True
                break
            progress(index, len(jobs), f"正在打印：{name}（{index + 1}/{len(jobs)}）")
            data = source() if callable(source) else source
            document, _buffer = load_pdf(data)
            if separate:
                printer.setDocName(name)
                _begin(painter, printer)
                try:
                    result.pages += print_document(document, printer, painter)
                finally:
                    painter.end()  # the job goes to the printer now
                result.jobs += 1
            else:
                result.pages += print_document(
                    document, printer, painter, new_page_first=bool(result.pages)
                )
            result.printed.append(name)
        progress(len(result.printed), len(jobs), "打印完成")
    finally:
        if painter.isActive():
            painter.end()
    return result


def print_batch(
    parent: QWidget | None,
    jobs: Sequence[tuple[str, PdfSource]],
    printer: QPrinter,
    on_done: ops.DoneCallback | None = None,
    *,
    one_job_each: bool = False,
) -> ops.OpHandle:
    """Print many PDFs on the writer thread, with progress and 取消: in one print job, or with
    ``one_job_each`` one job per PDF, named after it (a PDF file is always one job).

    ``jobs`` are ``(name, pdf bytes or a callable producing them)``; a callable is only called
    when its turn comes, so a batch of 100 dossiers never holds them all in memory.
    ``on_done(BatchPrintResult | None, error)``.
    """
    return ops.run_long_op(
        parent,
        _print_all,
        list(jobs),
        printer,
        on_done=on_done,
        progress_text="正在准备打印…",
        cancellable=True,
        one_job_each=one_job_each,
    )
