"""Typing into the real case list: after each keystroke (and the debounce) the table shows the
rows the reference query gives, in its order, with the count; a slow count comes later from
its thread (rows added, the label from 正在计数 to the number); a write shows after refresh."""

from __future__ import annotations

from dataclasses import astuple, replace
from datetime import date

from PySide6.QtCore import Qt

from desktop.domain.ids import check_char
from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.services.family.search import CaseFilter, count_cases, fetch_cases
from ui.cases import list_panel
from ui.cases.list_panel import CaseListPanel


def _shown(panel: CaseListPanel) -> list[tuple]:  # type: ignore[type-arg]
    model = panel.model
    return [model.row_values(i) for i in range(model.rowCount())]  # type: ignore[misc]


def _expected(panel: CaseListPanel) -> list[tuple]:  # type: ignore[type-arg]
    f = replace(CaseFilter(), text=panel.search.text().strip())
    return [astuple(r) for r in fetch_cases(panel.store, panel.actor, f, 0, 10_000)]


def _settled(qtbot, panel: CaseListPanel, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: panel.filter.text == text and not panel.model.counting, timeout=5000)


def _panel(qtbot, store, actor) -> CaseListPanel:  # type: ignore[no-untyped-def]
    panel = CaseListPanel(store, actor)
    qtbot.addWidget(panel)
    panel.resize(1300, 800)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_each_keystroke_shows_the_reference_rows(qtbot, clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    panel = _panel(qtbot, store, actor)
    _settled(qtbot, panel, "")
    assert _shown(panel) == _expected(panel)
    typed = ""
    for key in "wang":
        qtbot.keyClicks(panel.search, key)
        typed += key
        _settled(qtbot, panel, typed)
        assert _shown(panel) == _expected(panel), typed
        total = count_cases(store, actor, CaseFilter(text=typed))
        assert panel.count_label.text() == f"共 {total:,} 件"
    for _ in range(4):  # back to the empty box, one backspace at a time
        qtbot.keyClick(panel.search, Qt.Key.Key_Backspace)
        typed = typed[:-1]
        _settled(qtbot, panel, typed)
        assert _shown(panel) == _expected(panel), typed
    for text in ("1201", "王", "张秀", "zxy", "没有这个人"):
        panel.search.clear()
        if text.isascii():
            qtbot.keyClicks(panel.search, text)
        else:
            panel.search.insert(text)  # what the input method commits
        _settled(qtbot, panel, text)
        assert _shown(panel) == _expected(panel), text
    # What the table paints is the row's text (the first column is the case number).
    panel.search.clear()
    _settled(qtbot, panel, "")
    first = panel.model.index(0, 0)
    assert panel.model.data(first) == _expected(panel)[0][1]


def test_a_slow_count_arrives_later_and_the_rows_follow(qtbot, clerk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    monkeypatch.setattr(list_panel, "QUICK_COUNT_S", 0.0)  # every count that is not known is slow
    monkeypatch.setattr(list_panel, "PAGE_ROWS", 10)
    total = count_cases(store, actor, CaseFilter())
    assert total > 10
    panel = CaseListPanel(store, actor)
    qtbot.addWidget(panel)
    # Before the event loop runs, the count cannot have come back: the first page, at once.
    assert panel.model.counting and panel.model.rowCount() == 10
    assert "正在计数" in panel.count_label.text()
    panel.show()
    qtbot.waitUntil(lambda: not panel.model.counting, timeout=5000)
    assert panel.model.rowCount() == total and panel.count_label.text() == f"共 {total:,} 件"
    assert _shown(panel) == _expected(panel)  # every page, read as the view scrolls
    # The count is kept: the empty box again needs no count.
    qtbot.keyClicks(panel.search, "w")
    _settled(qtbot, panel, "w")
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.filter.text == "", timeout=5000)
    assert not panel.model.counting and panel.model.rowCount() == total


def test_a_new_family_shows_after_refresh(qtbot, clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    panel = _panel(qtbot, store, actor)
    qtbot.keyClicks(panel.search, "qhm")
    _settled(qtbot, panel, "qhm")
    before = _shown(panel)
    first17 = "12010119900101123"
    h = create_household(
        store, actor,
        HouseholdInput(actor.office_id, actor.office_id, "河西区友谊路街道平江道8号1-101",
                       members=(PersonInput("仇红梅", first17 + check_char(first17), "applicant"),)),
    )  # fmt: skip
    app = create_application(store, actor, ApplicationInput(h.id, "dibao", date.today()))
    panel.refresh()
    _settled(qtbot, panel, "qhm")
    assert len(_shown(panel)) == len(before) + 1 and _shown(panel)[0][0] == app.id
    assert _shown(panel) == _expected(panel)


def test_a_new_search_drops_the_selection(qtbot, clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    panel = _panel(qtbot, store, actor)
    _settled(qtbot, panel, "")
    panel.table.selectRow(0)
    assert panel.selected_case_ids()
    qtbot.keyClicks(panel.search, "w")
    _settled(qtbot, panel, "w")
    assert panel.selected_case_ids() == []  # the rows now are other cases
