"""Batch archive printing from the print centre: dossiers of a selection, progress, 取消, and
cases that cannot be archived yet listed with their reason."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from sqlalchemy import select

from desktop.store.models import Application, AuditEvent
from printing.case_files import render_dossier_batch
from reports.archive import ArchiveBatchResult
from ui import ops
from ui.print_center import PrintCenterPanel


def _archived(store, office_id: str, n: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with store.sessions.read() as s:
        rows = s.execute(
            select(Application.id, Application.number)
            .where(Application.archived_on.is_not(None), Application.hukou_office_id == office_id,
                   Application.residence_office_id == office_id)
            .order_by(Application.number)
        ).all()  # fmt: skip
    assert len(rows) >= n
    return [(r.id, r.number) for r in rows[:n]]


def _panel(qtbot, store, actor, out: Path) -> PrintCenterPanel:  # type: ignore[no-untyped-def]
    def to_file(printer: QPrinter, _parent) -> bool:  # type: ignore[no-untyped-def]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    panel = PrintCenterPanel(store, actor, print_dialog=to_file)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def _select(panel: PrintCenterPanel, numbers: list[str]) -> None:
    panel.case_search.setText("")
    panel.find_cases()
    ops.wait_idle()
    for i in range(panel.cases.count()):
        item = panel.cases.item(i)
        item.setSelected(item.text().split("　")[0] in numbers)
    assert len(panel.selected_cases()) == len(numbers)


def test_batch_prints_the_dossiers_of_the_selection(qtbot, desk, sync_ops, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    chosen = _archived(store, actor.office_id, 3)
    out = tmp_path / "archives.pdf"
    panel = _panel(qtbot, store, actor, out)
    made: list[ArchiveBatchResult] = []
    panel.archives.built.connect(made.append)  # the dossiers with their bytes, handed out once
    _select(panel, [number for _id, number in chosen] + ["120103001-2026-00001"])
    panel.batch_archive_button.click()
    [result] = made
    assert not result.cancelled and result.total == 4
    kept = panel.last_archives  # what stays on the panel: the list, not the bytes
    assert kept is not None and [f.case_no for f in kept.files] == [f.case_no for f in result.files]
    assert all(f.pdf == b"" for f in kept.files) and kept.failures == result.failures
    assert panel.archive_handle is not None and panel.archive_handle.result is kept
    assert sorted(f.case_no for f in result.files) == [number for _id, number in chosen]
    # The case still in investigation has no decision: listed with the reason, not printed.
    assert [f.case_no for f in result.failures] == ["120103001-2026-00001"]
    assert "审核确认通知书或不予救助决定书" in result.failures[0].message
    assert panel.archive_handle is not None
    assert panel.archive_handle.progress[:2] == (4, 4)
    printed = PdfReader(io.BytesIO(out.read_bytes()))
    assert (
        len(printed.pages)
        == panel.last_batch.pages
        == sum(len(PdfReader(io.BytesIO(f.pdf)).pages) for f in result.files)
    )
    for f in result.files:  # each dossier is its own case's (the printout itself is images)
        reader = PdfReader(io.BytesIO(f.pdf))
        assert f.case_no in (reader.pages[0].extract_text() or "") and reader.outline
    assert "已生成 3 份档案" in panel.status.text() and "1 件未生成" in panel.status.text()
    assert "已打印 3 份" in panel.status.text()


def test_cancel_on_the_progress_dialog_stops_the_batch(qtbot, desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    chosen = _archived(store, actor.office_id, 4)
    out = tmp_path / "never.pdf"
    panel = _panel(qtbot, store, actor, out)
    _select(panel, [number for _id, number in chosen])
    # Hold the writer thread so the batch is still waiting when the person presses 取消.
    release = threading.Event()
    ops.run_op(None, release.wait, 30)
    panel.batch_archive_button.click()

    def dialog() -> QProgressDialog | None:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QProgressDialog) and w.isVisible()]  # fmt: skip
        return found[0] if found else None

    qtbot.waitUntil(lambda: dialog() is not None, timeout=5000)
    progress = dialog()
    assert progress is not None and progress.labelText() == "正在生成档案…"
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "取消")
    cancel.click()
    release.set()
    qtbot.waitUntil(lambda: panel.last_archives is not None, timeout=20000)
    result = panel.last_archives
    assert result is not None and result.cancelled and result.done < result.total == 4
    assert panel.status.text().startswith("已取消")
    assert not out.exists()  # nothing went to the printer


def test_core_batch_reports_progress_and_stops_when_cancelled(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    ids = [app_id for app_id, _n in _archived(store, actor.office_id, 3)]
    seen: list[tuple[int, int, str]] = []
    result = render_dossier_batch(
        store, actor, ids, progress=lambda d, t, s: seen.append((d, t, s)),
        cancelled=lambda: len(seen) >= 2,
    )  # fmt: skip
    assert result.cancelled and len(result.files) == 1 and result.total == 3
    assert seen[0][:2] == (0, 3) and seen[1][:2] == (1, 3) and "已生成" in seen[1][2]
    with store.sessions.read() as s:
        printed = s.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "print_archive")
        )
        assert list(printed) == ids[:1]  # only the case actually read into a dossier is audited


def test_a_case_whose_data_cannot_be_read_is_listed_and_the_batch_goes_on(desk) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    store, actor = desk.as_user("supervisor")
    chosen = _archived(store, actor.office_id, 3)
    bad_id, bad_number = chosen[1]
    with store.sessions.write() as s:  # a stored snapshot that no longer reads
        s.execute(
            text("UPDATE applications SET workflow = json_set(workflow, '$.state', 'no_such') "
                 "WHERE id = :a"),
            {"a": bad_id},
        )  # fmt: skip
    result = render_dossier_batch(store, actor, [i for i, _n in chosen])
    assert not result.cancelled and result.total == 3
    assert sorted(f.case_no for f in result.files) == sorted(
        n for _i, n in chosen if n != bad_number
    )
    assert [f.case_no for f in result.failures] == [bad_number] and result.failures[0].message
    with store.sessions.read() as s:
        printed = set(
            s.scalars(select(AuditEvent.entity_id).where(AuditEvent.action == "print_archive"))
        )
    assert printed == {i for i, _n in chosen if i != bad_id}, "only dossiers made are audited"


def test_case_list_prints_the_archives_of_its_selection(qtbot, desk, sync_ops, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QItemSelectionModel

    from ui.cases.list_panel import CaseListPanel

    store, actor = desk.as_user("supervisor")
    chosen = _archived(store, actor.office_id, 2)
    out = tmp_path / "from_list.pdf"
    panel = CaseListPanel(store, actor)
    qtbot.addWidget(panel)
    panel.show()

    def to_file(printer: QPrinter, _parent) -> bool:  # type: ignore[no-untyped-def]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    panel.archives.print_dialog = to_file
    wanted = {app_id for app_id, _n in chosen}
    rows = [r for r in range(panel.model.rowCount()) if panel.model.row_key(r) in wanted]
    assert len(rows) == 2
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for r in rows:
        panel.table.selectionModel().select(panel.model.index(r, 0), flags)
    assert set(panel.selected_case_ids()) == wanted
    menu = panel.context_menu()
    assert [a.text() for a in menu.actions()] == ["打印所选案件档案…"]
    assert panel.print_archives_action.isEnabled()
    panel.print_archives_action.trigger()
    result = panel.archives.last_archives
    assert result is not None and sorted(f.case_no for f in result.files) == sorted(
        n for _i, n in chosen
    )
    assert panel.archives.last_batch is not None
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == panel.archives.last_batch.pages
    assert (
        "已生成 2 份档案" in panel.print_status.text()
        and "已打印 2 份" in panel.print_status.text()
    )


def test_case_list_offers_no_archive_printing_to_a_surveyor(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    from ui.cases.list_panel import CaseListPanel

    store, surveyor = desk.as_user("surveyor")
    panel = CaseListPanel(store, surveyor)
    qtbot.addWidget(panel)
    assert not panel.print_archives_button.isVisibleTo(panel)
