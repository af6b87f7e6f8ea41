"""``python -m reports samples OUTDIR`` writes one readable PDF of every document."""

from __future__ import annotations

from pathlib import Path

from reports.__main__ import main
from reports.glyphs import check_glyphs
from reports.samples import sample_archive_case, sample_flyer, sample_public_notice, sample_roster


def test_samples_command_writes_every_document(tmp_path: Path, pdf_pages, capsys) -> None:
    assert main(["samples", str(tmp_path)]) == 0
    files = sorted(tmp_path.glob("report-*.pdf"))
    assert len(files) == 15
    for path in files:
        pages = pdf_pages(path.read_bytes())
        assert pages and all(len(p.strip()) > 20 for p in pages), path.name
    assert "共生成 15 份文书" in capsys.readouterr().out


def test_sample_data_needs_no_missing_glyph_marker() -> None:
    for data in (
        sample_public_notice(50),
        sample_flyer(),
        sample_archive_case(3),
        sample_roster(20),
    ):
        assert check_glyphs(data) == []
