"""A table model over a paged query: 150,000 rows open at once, only the pages on screen are read."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ui import theme

Row = tuple[Any, ...]
FetchFn = Callable[[int, int], Sequence[Row]]
# ``count()`` may answer None (not quickly known) when the model has ``count_later``.
CountFn = Callable[[], int | None]
# ``count_later(deliver)``: count off the GUI thread, then call ``deliver(n)`` on it.
CountLaterFn = Callable[[Callable[[int], None]], None]
StatusFn = Callable[[Row], str | None]
AnyIndex = QModelIndex | QPersistentModelIndex

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
_INVALID = QModelIndex()

# The roles ``data`` answers, as the plain ints the view passes (an enum compare per call adds
# up: a repaint asks ~7 roles of each of ~300 cells).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_USER = int(Qt.ItemDataRole.UserRole)
_KEY = int(KEY_ROLE)
_ROLES = frozenset({_DISPLAY, _ALIGNMENT, _BACKGROUND, _USER, _KEY})
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_UNSET: Any = object()


class Rows(list[Row]):
    """A page as ``fetch`` may return it: ``total`` is the number of rows of the whole query
    when the page itself tells it (a first page shorter than asked for), so no count is run."""

    total: int | None = None


class _Page:
    """One fetched page: the raw rows, and each row's cell texts and tint once shown."""

    __slots__ = ("rows", "texts", "tints")

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = rows
        self.texts: list[tuple[str, ...] | None] = [None] * len(rows)
        self.tints: list[Any] = [_UNSET] * len(rows)


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
    When the first page comes back as ``Rows`` with its ``total`` set, ``count()`` is not run.
    When ``count()`` answers None, the first page is shown at once with its rows counted so
    far (``counting`` is True) and the exact count from ``count_later`` is added when it
    arrives (rows inserted or removed, not a reset). ``row_status(row)`` may return a status key (``theme.STATUS_*``) to tint the row.
    A row's cell texts and tint are made once, when it is first shown.
    """

    counted = Signal(int)  # the exact count arrived (after ``count_later``)

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
        count_later: CountLaterFn | None = None,
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
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._recent = -1  # the page last read, already at the end of ``_pages``
        self._alignments = [self._alignment(c) for c in self.columns]
        self._values = [(c.index, c.formatter) for c in self.columns]
        self.fetch_log: list[int] = []
        self._count_later = count_later
        self._generation = 0
        self.counting = False
        self._count = 0
        self._count = self._first_count()

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
                return self._alignments[section]
            return None
        return super().headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        if role not in _ROLES:
            return None  # decoration, font, colours, check state: asked for every cell
        row = index.row()
        if not 0 <= row < self._count or not index.isValid():
            return None
        number, offset = divmod(row, self.page_size)
        page = self._pages[number] if number == self._recent else self._page(number)
        if offset >= len(page.rows):
            return None
        column = index.column()
        if role == _DISPLAY:
            texts = page.texts[offset]
            if texts is None:
                texts = page.texts[offset] = self._texts(page.rows[offset])
            return texts[column]
        if role == _ALIGNMENT:
            return self._alignments[column]
        if role == _BACKGROUND:
            if self.row_status is None:
                return None
            tint = page.tints[offset]
            if tint is _UNSET:
                status = self.row_status(page.rows[offset])
                tint = page.tints[offset] = theme.status_tint(status) if status else None
            return tint
        if role == _USER:
            return page.rows[offset][self.columns[column].index]
        return page.rows[offset][self.key_index]  # KEY_ROLE

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # -- paging ------------------------------------------------------------------------------
    def row_values(self, row: int) -> Row | None:
        """The raw row tuple at ``row`` (fetching its page if needed); None if out of range."""
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, self.page_size)
        rows = self._page(number).rows
        return rows[offset] if offset < len(rows) else None

    def row_key(self, row: int) -> Any:
        """The key (e.g. case UUID) of the row, for opening the record behind it."""
        values = self.row_values(row)
        return None if values is None else values[self.key_index]

    def _texts(self, row: Row) -> tuple[str, ...]:
        return tuple(
            "" if (v := row[i]) is None else (fmt(v) if fmt else str(v)) for i, fmt in self._values
        )

    def _page(self, number: int) -> _Page:
        page = self._pages.get(number)
        if page is None:
            page = self._load(number)
        else:
            self._pages.move_to_end(number)
        self._recent = number
        return page

    def _load(self, number: int) -> _Page:
        offset = number * self.page_size
        rows = self._fetch(offset, self.page_size)
        page = _Page(rows if isinstance(rows, list) else list(rows))
        self.fetch_log.append(offset)
        self._pages[number] = page
        self._recent = number
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def _first_count(self) -> int:
        """The number of rows: told by the first page when it can be, else ``count()``; when
        that answers None, the first page's rows until ``count_later`` delivers. The first page
        is read either way (it is what the view shows next)."""
        self._generation += 1
        self.counting = False
        rows = self._load(0).rows
        total = getattr(rows, "total", None)
        if total is not None:
            return int(total)
        n = self._count_fn()
        if n is not None:
            return n
        if self._count_later is None:
            return len(rows)
        generation = self._generation
        self.counting = True
        self._count_later(lambda n: self._counted(generation, n))
        return len(rows)

    def _counted(self, generation: int, n: int) -> None:
        if generation != self._generation:
            return  # the query changed since: the count is of another list
        self.counting = False
        if n > self._count:
            self.beginInsertRows(_INVALID, self._count, n - 1)
            self._count = n
            self.endInsertRows()
        elif n < self._count:
            self.beginRemoveRows(_INVALID, n, self._count - 1)
            self._count = n
            self.endRemoveRows()
        self.counted.emit(n)

    def cached_row_count(self) -> int:
        """Rows held in memory now (bounded by ``max_pages * page_size``)."""
        return sum(len(page.rows) for page in self._pages.values())

    def reset(self, fetch: FetchFn | None = None, count: CountFn | None = None) -> None:
        """Start over, e.g. when the search text or a filter changed (or data changed)."""
        self.beginResetModel()
        try:
            if fetch is not None:
                self._fetch = fetch
            if count is not None:
                self._count_fn = count
            self._pages.clear()
            self._recent = -1
            self.fetch_log.clear()
            self._count = 0
            self._count = self._first_count()
        finally:
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
