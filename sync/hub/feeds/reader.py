"""Streamed reading of feed files: CSV in UTF-8 or GB18030 (detected, never guessed into
mojibake) and .xlsx through openpyxl's read-only mode."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

CHUNK = 1 << 20


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` for a BOM, ``utf-8`` when the whole file decodes strictly, else gb18030."""
    with path.open("rb") as fh:
        head = fh.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    """(header, rows as (line number, cells), encoding label) of a .csv or .xlsx file."""
    if path.suffix.lower() == ".xlsx":
        return _xlsx(path)
    encoding = detect_encoding(path)
    fh = path.open(encoding=encoding, newline="")
    reader = csv.reader(fh)
    header = [h.strip() for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for n, row in enumerate(reader, start=2):
                if "".join(row).strip():  # a cell with more than spaces
                    yield n, row
        finally:
            fh.close()

    return header, rows(), "GB18030" if encoding == "gb18030" else "UTF-8"


def _xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    first = next(it, ())
    header = [_cell(v) for v in first]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for n, values in enumerate(it, start=2):
                cells = [_cell(v) for v in values]
                if any(cells):
                    yield n, cells
        finally:
            book.close()

    return header, rows(), "xlsx"
