"""LazyTableModel: 150,000 rows in a QTableView, reading only the pages that are shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

from ui import theme
from ui.lazy_model import KEY_ROLE, Column, LazyTableModel

TOTAL = 150_000
SURNAMES = "张王李赵刘陈杨黄"


class FakeCases:
    """A synthetic paged source (what a keyset query over the case table returns)."""

    def __init__(self, total: int = TOTAL) -> None:
        self.total = total
        self.calls: list[tuple[int, int]] = []
        self.counts = 0

    def row(self, i: int) -> tuple:
        status = "overdue" if i % 10 == 0 else "normal"
        return (
            f"case-{i:06d}",
            f"{SURNAMES[i % 8]}某{i}",
            Decimal(i % 1000) + Decimal("0.50"),
            status,
        )

    def fetch(self, offset: int, limit: int) -> list[tuple]:
        self.calls.append((offset, limit))
        return [self.row(i) for i in range(offset, min(offset + limit, self.total))]

    def count(self) -> int:
        self.counts += 1
        return self.total


COLUMNS = [
    Column("编号", 0),
    Column("申请人", 1),
    Column("救助金额（元）", 2, formatter=lambda v: f"{v:,.2f}", align_right=True),
    Column("状态", 3, formatter=theme.STATUS_LABELS.get),
]


@pytest.fixture
def table(qtbot):
    source = FakeCases()
    model = LazyTableModel(COLUMNS, source.fetch, source.count, row_status=lambda r: r[3])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    return source, model, view


def test_opening_reads_only_the_first_page(table) -> None:
    source, model, _view = table
    assert model.rowCount() == TOTAL
    assert source.counts == 1
    assert [offset for offset, _limit in source.calls] == [0]
    assert model.cached_row_count() == 200


def test_headers_formatters_alignment_and_status_tint(table) -> None:
    _source, model, _view = table
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["编号", "申请人", "救助金额（元）", "状态"]
    idx = model.index(10, 2)
    assert model.data(idx) == "10.50"
    assert model.data(idx, Qt.ItemDataRole.UserRole) == Decimal("10.50")
    assert model.data(idx, Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert model.data(model.index(10, 3)) == "逾期"
    assert model.data(model.index(10, 0), Qt.ItemDataRole.BackgroundRole) == theme.status_tint(
        "overdue"
    )
    assert model.data(model.index(11, 3)) == "正常"
    assert model.data(model.index(11, 1), KEY_ROLE) == "case-000011"


def test_scrolling_to_the_end_fetches_the_end_page_and_memory_stays_bounded(qtbot, table) -> None:
    source, model, view = table
    view.scrollToBottom()
    QApplication.processEvents()
    view.viewport().repaint()
    last_page_offset = (TOTAL - 1) // 200 * 200
    assert last_page_offset in [offset for offset, _limit in source.calls]
    assert model.row_key(TOTAL - 1) == "case-149999"
    for row in range(0, TOTAL, TOTAL // 40):  # jump around like a dragged scroll bar
        view.scrollTo(model.index(row, 0))
        view.viewport().repaint()
    assert len(source.calls) > 40
    assert model.cached_row_count() <= model.max_pages * model.page_size
    assert model.cached_row_count() < 3_000


def test_reset_uses_the_new_query(table) -> None:
    source, model, view = table
    matches = FakeCases(total=37)
    model.reset(matches.fetch, matches.count)
    view.viewport().repaint()
    assert model.rowCount() == 37
    assert matches.calls == [(0, 200)]
    assert model.row_key(36) == "case-000036"
    assert model.row_key(37) is None
    assert model.data(model.index(0, 1)) == "张某0"


def test_refresh_re_reads_after_a_change(table) -> None:
    source, model, _view = table
    source.total = 10
    model.refresh()
    assert model.rowCount() == 10
    assert source.counts == 2


def test_rows_missing_from_a_short_page_show_empty(qtbot) -> None:
    # The table shrank between count() and fetch(): the extra rows show nothing, no error.
    source = FakeCases(total=5)
    model = LazyTableModel(COLUMNS, source.fetch, lambda: 8)
    assert model.data(model.index(7, 1)) is None
    assert model.row_key(4) == "case-000004"
