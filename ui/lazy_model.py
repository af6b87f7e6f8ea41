"""A table model over a paged query: 150,000 rows open at once, only the pages on screen are read."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ui import theme

Row = tuple[Any, ...]
FetchFn = Callable[[int, int], Sequence[Row]]
CountFn = Callable[[], int]
StatusFn = Callable[[Row], str | None]
AnyIndex = QModelIndex | QPersistentModelIndex

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
_INVALID = QModelIndex()


@dataclass(frozen=True)
class Column:
    """One shown column: its header, the position in the row tuple and how to show the value."""

    header: str
    index: int
    formatter: Callable[[Any], str] | None = None
    align_right: bool = False

    def text(self, value: Any) -> str:
        """The cell text (empty for None)."""
        if value is None:
            return ""
        return self.formatter(value) if self.formatter else str(value)


class LazyTableModel(QAbstractTableModel):
    """Rows come from ``fetch(offset, limit)`` a page at a time, the total from ``count()``.

    A bounded cache keeps the most recently used ``max_pages`` pages, so memory does not grow
    with scrolling. ``fetch`` must be a quick read (an indexed page); it runs on the main thread.
    ``row_status(row)`` may return a status key (``theme.STATUS_*``) to tint the row.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: FetchFn,
        count: CountFn,
        *,
        key_index: int = 0,
        page_size: int = 200,
        max_pages: int = 12,
        row_status: StatusFn | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.key_index = key_index
        self.page_size = page_size
        self.max_pages = max(2, max_pages)
        self.row_status = row_status
        self._fetch = fetch
        self._count_fn = count
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._count = count()
        self.fetch_log: list[int] = []

    # -- Qt model interface --------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return self._alignment(self.columns[section])
            return None
        return super().headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_values(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row[column.index])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == Qt.ItemDataRole.BackgroundRole and self.row_status is not None:
            status = self.row_status(row)
            return theme.status_tint(status) if status else None
        if role == Qt.ItemDataRole.UserRole:
            return row[column.index]
        if role == KEY_ROLE:
            return row[self.key_index]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- paging ------------------------------------------------------------------------------
    def row_values(self, row: int) -> Row | None:
        """The raw row tuple at ``row`` (fetching its page if needed); None if out of range."""
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, self.page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._load(number)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def row_key(self, row: int) -> Any:
        """The key (e.g. case UUID) of the row, for opening the record behind it."""
        values = self.row_values(row)
        return None if values is None else values[self.key_index]

    def _load(self, number: int) -> list[Row]:
        offset = number * self.page_size
        page = list(self._fetch(offset, self.page_size))
        self.fetch_log.append(offset)
        self._pages[number] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def cached_row_count(self) -> int:
        """Rows held in memory now (bounded by ``max_pages * page_size``)."""
        return sum(len(page) for page in self._pages.values())

    def reset(self, fetch: FetchFn | None = None, count: CountFn | None = None) -> None:
        """Start over, e.g. when the search text or a filter changed (or data changed)."""
        self.beginResetModel()
        if fetch is not None:
            self._fetch = fetch
        if count is not None:
            self._count_fn = count
        self._pages.clear()
        self.fetch_log.clear()
        self._count = self._count_fn()
        self.endResetModel()

    def refresh(self) -> None:
        """Re-read with the same query (after a ChangeBus notification)."""
        self.reset()

    @staticmethod
    def _alignment(column: Column) -> int:
        horizontal = (
            Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
        )
        return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
