"""Printing benchmarks: a 500-row public notice and a 100-case archive batch vs bare reportlab."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, PageBreak, SimpleDocTemplate, Table, TableStyle

from desktop.money import fmt_yuan
from reports.archive import render_archive_batch
from reports.data import assistance_name
from reports.fonts import font_path
from reports.images import image_size
from reports.notices import render_public_notice
from reports.samples import sample_archive_case, sample_public_notice

BARE_FONT = "BenchBareCJK"


def _timed(fn: Callable[[], Any], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _bare_font() -> str:
    if BARE_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(BARE_FONT, str(font_path()), subfontIndex=0))
    return BARE_FONT


def _bare_table_pdf(rows: list[list[str]], pagesize: tuple[float, float]) -> bytes:
    """What reportlab does alone: one ruled table, CJK font embedded, header repeated."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=pagesize, invariant=1)
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), _bare_font(), 9.5),
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
            ]
        )
    )
    doc.build([table])
    return buf.getvalue()


def _bare_dossier(case: Any) -> bytes:
    """Bare reportlab: the dossier's tables and scans, one pass, no contents or outline."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1)
    calc = [["项目", "金额", "理由"]] + [
        [c.label, fmt_yuan(c.amount), c.reason] for c in case.calculation
    ]
    steps = [["日期", "环节", "经办人"]] + [[str(e.on), e.action, e.actor] for e in case.timeline]
    style = TableStyle([("FONT", (0, 0), (-1, -1), _bare_font(), 9.5)])
    story: list[Any] = [Table(calc, style=style), Table(steps, style=style)]
    for att in case.attachments:
        w, h = image_size(att.image, "附件")
        story += [PageBreak(), Image(io.BytesIO(att.image), width=w, height=h)]
    doc.build(story)
    return buf.getvalue()


def _row(
    name: str,
    measured: list[float],
    base_name: str,
    base: list[float],
    target: str,
    extra: dict[str, Any],
) -> dict[str, Any]:
    median, base_median = statistics.median(measured), statistics.median(base)
    return {
        "name": name,
        "median_s": median,
        "min_s": min(measured),
        "max_s": max(measured),
        "baseline_name": base_name,
        "baseline_s": base_median,
        "ratio": median / base_median,
        "target": target,
        "extra": extra,
    }


def bench_notice(rows: int, reps: int) -> dict[str, Any]:
    """Our notice vs a bare reportlab table of the same rows (same font, page size)."""
    notice = sample_public_notice(rows)
    table = [["序号", "姓名", "家庭人口", "救助类别", "金额"]] + [
        [str(i), r.name, str(r.family_size), assistance_name(r.assistance_type), fmt_yuan(r.amount)]
        for i, r in enumerate(notice.rows, 1)
    ]
    render_public_notice(notice)  # warm: font registration is cached, as in the program
    _bare_table_pdf(table, landscape(A4))
    measured = _timed(lambda: render_public_notice(notice), reps)
    base = _timed(lambda: _bare_table_pdf(table, landscape(A4)), reps)
    return _row(
        f"public notice, {rows} rows (A4 landscape, header repeated, 第 k 页 / 共 N 页)",
        measured,
        f"bare reportlab table of {rows} rows, embedded CJK font",
        base,
        "notice <= 2x bare table",
        {"rows": rows, "rows_per_s": rows / statistics.median(measured)},
    )


def bench_archive(cases_n: int, reps: int) -> dict[str, Any]:
    """A batch of dossiers (contents, outline, scans, signatures) vs bare one-pass documents."""
    cases = [sample_archive_case(i) for i in range(cases_n)]
    render_archive_batch(cases[:1])
    measured = _timed(lambda: render_archive_batch(cases), reps)
    base = _timed(lambda: [_bare_dossier(c) for c in cases], reps)
    result = render_archive_batch(cases)
    pages = sum(f.pdf.count(b"/Type /Page\n") for f in result.files)
    return _row(
        f"archive batch, {cases_n} cases (cover, contents, outline, letters, survey, scans)",
        measured,
        f"bare reportlab: {cases_n} PDFs of the same tables and scans, one pass",
        base,
        "archive batch of 100 <= 20 s",
        {"cases": cases_n, "s_per_case": statistics.median(measured) / cases_n, "pages": pages},
    )


def run(smoke: bool) -> list[dict[str, Any]]:
    """Both measures; smoke mode uses tiny scale and one repetition."""
    if smoke:
        return [bench_notice(50, 1), bench_archive(3, 1)]
    return [bench_notice(500, 5), bench_archive(100, 3)]


if __name__ == "__main__":
    import sys

    for item in run("--smoke" in sys.argv):
        print(
            f"{item['name']}: median {item['median_s']:.3f} s (min {item['min_s']:.3f}, max {item['max_s']:.3f}); "
            f"baseline {item['baseline_s']:.3f} s; ratio {item['ratio']:.2f}; target {item['target']}; {item['extra']}"
        )
