"""Fonts: the bundled CJK font is shipped, embedded as a subset, and missing glyphs are never silent."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.errors import ReportError
from reports.data import NoticeRow
from reports.fonts import MISSING_MARK, FontConfig, FontSpec, font_path, licence_path
from reports.glyphs import check_glyphs
from reports.notices import render_public_notice
from reports.samples import all_documents, sample_public_notice

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
RARE = "䶮"  # U+4DAE (刘䶮), not in WenQuanYi Micro Hei


def _fonts(reader) -> dict[str, object]:
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def _notice_with(name: str):
    notice = sample_public_notice(3)
    rows = (NoticeRow(name, 2, "dibao", Decimal("1045.00")),) + notice.rows
    return dataclasses.replace(notice, rows=rows)


def test_bundled_font_and_licence_are_shipped() -> None:
    assert font_path().name == "wqy-microhei.ttc"
    assert font_path().stat().st_size > 4_000_000
    licence = licence_path().read_text(encoding="utf-8")
    assert "Apache" in licence and "WenQuanYi" in licence


@pytest.mark.parametrize("stem", sorted(all_documents()))
def test_every_document_embeds_only_subset_fonts(stem: str, pdf_reader) -> None:
    fonts = _fonts(pdf_reader(all_documents()[stem]()))
    assert fonts, "no font in the document"
    for name, font in fonts.items():
        assert "+" in name, f"{name} is not a subset"
        assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"
        assert "WenQuanYi" in name


def test_missing_glyph_prints_a_visible_marker_and_a_warning(pdf_text) -> None:
    notice = _notice_with(f"刘{RARE}")
    text = pdf_text(render_public_notice(notice))
    assert f"刘{MISSING_MARK}" in text
    warnings = check_glyphs(notice)
    assert [(w.char, w.text) for w in warnings] == [(RARE, f"刘{RARE}")]
    assert "U+4DAE" in warnings[0].message and MISSING_MARK in warnings[0].message
    assert "姓名" in warnings[0].message


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans not installed")
def test_second_font_draws_what_the_first_lacks(pdf_text, pdf_reader) -> None:
    font = FontConfig(FontSpec(font_path()), FontSpec(DEJAVU))
    notice = _notice_with("Əziz买买提")  # U+018F is in DejaVu, not in WenQuanYi
    pdf = render_public_notice(notice, font=font)
    assert "Əziz买买提" in pdf_text(pdf)
    assert MISSING_MARK not in pdf_text(pdf)
    assert check_glyphs(notice, font) == []
    assert any("DejaVu" in name for name in _fonts(pdf_reader(pdf)))


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans not installed")
def test_environment_font_comes_first_with_bundled_font_behind(
    monkeypatch, pdf_text, pdf_reader
) -> None:
    monkeypatch.setenv("JIUZHU_PDF_FONT", str(DEJAVU))
    config = FontConfig.from_env()
    assert config.primary.path == DEJAVU and config.fallback == FontSpec(font_path())
    pdf = render_public_notice(sample_public_notice(3))
    names = _fonts(pdf_reader(pdf))
    assert any("DejaVu" in n for n in names) and any("WenQuanYi" in n for n in names)
    assert "社会救助对象公示" in pdf_text(pdf)


def test_missing_font_file_is_a_clear_error(tmp_path: Path) -> None:
    font = FontConfig(FontSpec(tmp_path / "simsun.ttc"))
    with pytest.raises(ReportError, match="字体文件不存在") as err:
        render_public_notice(sample_public_notice(2), font=font)
    assert "simsun.ttc" in err.value.message


def test_font_spec_reads_collection_index() -> None:
    assert FontSpec.parse("C:/Windows/Fonts/simsun.ttc#1") == FontSpec(
        Path("C:/Windows/Fonts/simsun.ttc"), 1
    )
    assert FontSpec.parse("/fonts/simhei.ttf").index == 0
