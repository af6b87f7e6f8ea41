"""Shared helpers for the printing tests: read PDF bytes back with pypdf."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader


def _pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def pdf_pages() -> Callable[[bytes], list[str]]:
    """Text of every page."""
    return _pages


@pytest.fixture
def pdf_text() -> Callable[[bytes], str]:
    """Text of the whole document with all whitespace removed (wrapping-proof)."""
    return lambda pdf: "".join("".join(_pages(pdf)).split())


@pytest.fixture
def pdf_reader() -> Callable[[bytes], PdfReader]:
    """A pypdf reader over the bytes."""
    return lambda pdf: PdfReader(io.BytesIO(pdf))
