"""Batch archive printing (批量打印档案): the dossiers of a selection of cases are built on the
writer thread with progress and 取消, then printed, each dossier its own print job. The one
implementation behind the print centre's button and the case list's 打印所选案件档案."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.services.base import Actor
from desktop.store.store import Store
from printing.case_files import render_dossier_batch
from reports.archive import ArchiveBatchResult
from ui import ops
from ui.errors import error_message, show_error
from ui.widgets.pdf_preview import (
    BatchPrintResult,
    PdfSource,
    PrintDialogFn,
    ask_printer,
    print_batch,
)


class ArchiveBatch(QObject):
    """Build, then print, the dossiers of the cases given to ``start``; ``status`` tells the
    person how far it got (``error`` True for a failure).

    The dossiers' PDF bytes are held only until each has gone to the printer: ``built`` hands
    them out once (with the bytes), ``last_archives`` keeps what was made without them, so a
    batch of a few hundred scanned files is not kept in memory until the next batch."""

    status = Signal(str, bool)
    built = Signal(object)  # ArchiveBatchResult, with the dossiers' bytes
    printed = Signal(object)  # BatchPrintResult

    def __init__(
        self,
        widget: QWidget,
        store: Store,
        actor: Actor,
        print_dialog: PrintDialogFn | None = None,
    ) -> None:
        super().__init__(widget)
        self.widget, self.store, self.actor = widget, store, actor
        self.print_dialog = print_dialog
        self.last_archives: ArchiveBatchResult | None = None
        self.last_batch: BatchPrintResult | None = None
        self.handle: ops.OpHandle | None = None
        self._built_text = ""

    def start(self, application_ids: Sequence[str]) -> None:
        """Build the dossiers of ``application_ids`` (cases that cannot be archived yet, or
        whose data cannot be read, are listed with their reason), then print them."""
        ids = list(application_ids)
        if not ids:
            self.status.emit("案件：请先选择要打印档案的案件", False)
            return
        self.status.emit(f"正在生成 {len(ids)} 份档案…", False)
        self.handle = ops.run_long_op(
            self.widget, render_dossier_batch, self.store, self.actor, ids,
            on_done=self._built, progress_text="正在生成档案…",
        )  # fmt: skip
        if isinstance(self.handle.result, ArchiveBatchResult):  # delivered already (inline ops)
            self.handle.result = self.last_archives

    def _failed(self, error: BaseException | None) -> None:
        self.status.emit(error_message(error) if error else "", True)
        if error is not None:
            show_error(self.widget, error)

    def _built(self, result: ArchiveBatchResult | None, error: BaseException | None) -> None:
        if error is not None or result is None:
            self._failed(error)
            return
        self.built.emit(result)
        self._keep_without_bytes(result)
        parts = [f"已生成 {len(result.files)} 份档案"]
        if result.cancelled:
            parts.insert(0, f"已取消（完成 {result.done}/{result.total}）")
        if result.failures:
            shown = "；".join(f"{f.case_no}：{f.message}" for f in result.failures[:3])
            parts.append(f"{len(result.failures)} 件未生成（{shown}）")
        self._built_text = "，".join(parts) + "。"
        self.status.emit(self._built_text, False)
        if result.cancelled or not result.files:
            return
        printer = ask_printer(self.widget, self.print_dialog)
        if printer is None:
            return
        self.status.emit(f"{self._built_text}正在打印 {len(result.files)} 份…", False)
        # Each dossier is taken out when its turn comes: its bytes go once printed.
        pending = {k: f.pdf for k, f in enumerate(result.files)}
        jobs: list[tuple[str, PdfSource]] = [
            (f"档案 {f.case_no}", lambda k=k: pending.pop(k))  # type: ignore[misc]
            for k, f in enumerate(result.files)
        ]
        del result
        # One job per dossier: the printer starts on the first while the rest are rendered,
        # and copies come out dossier by dossier.
        print_batch(self.widget, jobs, printer, on_done=self._printed, one_job_each=True)

    def _keep_without_bytes(self, result: ArchiveBatchResult) -> None:
        files = tuple(replace(f, pdf=b"") for f in result.files)
        self.last_archives = replace(result, files=files)
        if self.handle is not None:
            self.handle.result = self.last_archives  # the finished build keeps no bytes either

    def _printed(self, result: Any, error: BaseException | None) -> None:
        if error is not None or result is None:
            self._failed(error)
            return
        self.last_batch = result
        head = "已取消，" if result.cancelled else ""
        self.status.emit(
            f"{self._built_text}{head}已打印 {len(result.printed)} 份，共 {result.pages} 页。",
            False,
        )
        self.printed.emit(result)
