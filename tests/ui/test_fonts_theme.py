"""Application font (Chinese never as boxes) and the theme with status colours."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from ui import theme
from ui.fonts import FONT_FILES, install_app_font
from ui.widgets.fields import ValidatedLineEdit, required

SYSTEM_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def test_install_app_font_sets_a_cjk_family_at_10pt(qtbot) -> None:
    app = QApplication.instance()
    original = app.font()
    try:
        family = install_app_font(app)
        assert family == "WenQuanYi Micro Hei"
        assert app.font().family() == family
        assert app.font().pointSize() == 10
        assert family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        assert QFontMetrics(app.font()).inFontUcs4(ord("救"))
    finally:
        app.setFont(original)


def test_font_search_order_prefers_the_repo_copy_then_the_system_file() -> None:
    assert FONT_FILES[0].parts[-3:] == ("reports", "fonts", "wqy-microhei.ttc")
    assert FONT_FILES[1] == SYSTEM_FONT


def test_missing_font_files_fall_back_to_a_system_cjk_family(qtbot, tmp_path) -> None:
    app = QApplication.instance()
    original = app.font()
    try:
        family = install_app_font(app, 12, font_files=(tmp_path / "none.ttc",))
        assert family is not None
        assert QFontMetrics(app.font()).inFontUcs4(ord("保"))
        assert app.font().pointSize() == 12
    finally:
        app.setFont(original)


def test_theme_applies_and_status_badges_get_their_colours(qtbot) -> None:
    app = QApplication.instance()
    before = app.styleSheet()
    try:
        theme.apply_theme(app)
        assert 'QLabel[status="overdue"]' in app.styleSheet()
        badge = QLabel(theme.STATUS_LABELS[theme.STATUS_OVERDUE])
        qtbot.addWidget(badge)
        theme.set_status(badge, theme.STATUS_OVERDUE)
        badge.resize(80, 30)
        image = badge.grab().toImage()
        assert image.pixelColor(2, 15) == theme.status_tint("overdue")
        theme.set_status(badge, theme.STATUS_DUE_SOON)
        assert badge.grab().toImage().pixelColor(2, 15) == theme.status_tint("due_soon")
    finally:
        app.setStyleSheet(before)


def test_status_words_and_colours() -> None:
    assert [theme.STATUS_LABELS[k] for k in ("overdue", "due_soon", "normal")] == [
        "逾期",
        "临近",
        "正常",
    ]
    for key in theme.STATUS_LABELS:
        text, tint = theme.status_color(key), theme.status_tint(key)
        assert _contrast(text.getRgbF()[:3], (1, 1, 1)) >= 4.5
        assert _contrast(text.getRgbF()[:3], tint.getRgbF()[:3]) >= 4.5


def test_invalid_field_border_is_red_under_the_theme(qtbot) -> None:
    app = QApplication.instance()
    before = app.styleSheet()
    try:
        theme.apply_theme(app)
        field = ValidatedLineEdit("姓名", required("姓名"))
        qtbot.addWidget(field)
        field.resize(200, 60)
        field.show()
        field.validate()
        edit: QLineEdit = field.line_edit
        assert edit.property("invalid") is True
        shot = edit.grab().toImage()
        assert shot.pixelColor(0, edit.height() // 2).red() > 150
        assert shot.pixelColor(0, edit.height() // 2).green() < 90
    finally:
        app.setStyleSheet(before)


def _contrast(a, b) -> float:
    def lum(rgb) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, bl = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
