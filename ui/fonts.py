"""Install a CJK application font so Chinese text never shows as boxes."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
FONT_FILES: tuple[Path, ...] = (
    REPO_ROOT / "reports" / "fonts" / "wqy-microhei.ttc",
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
# System families known to cover Simplified Chinese, best first (Windows, Linux, macOS).
SYSTEM_FAMILIES: tuple[str, ...] = (
    "Microsoft YaHei",
    "微软雅黑",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "SimHei",
    "SimSun",
)
DEFAULT_POINT_SIZE = 10


def _family_from_file(path: Path) -> str | None:
    if not path.is_file():
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("font file %s could not be loaded", path)
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    # A .ttc holds several faces ("WenQuanYi Micro Hei" and its Mono): take the proportional one.
    proportional = [f for f in families if "mono" not in f.lower()]
    chosen = proportional or families
    return chosen[0] if chosen else None


def _system_family() -> str | None:
    available = set(QFontDatabase.families())
    for family in SYSTEM_FAMILIES:
        if family in available:
            return family
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    return chinese[0] if chinese else None


def find_cjk_family(font_files: tuple[Path, ...] = FONT_FILES) -> str | None:
    """Register the first existing font file and return its family, else a system CJK family."""
    for path in font_files:
        family = _family_from_file(path)
        if family:
            return family
    return _system_family()


def install_app_font(
    app: QApplication,
    point_size: int = DEFAULT_POINT_SIZE,
    font_files: tuple[Path, ...] = FONT_FILES,
) -> str | None:
    """Make a CJK font the application font at ``point_size`` pt; return its family (or None)."""
    family = find_cjk_family(font_files)
    if family is None:
        log.warning("no CJK font found: Chinese text may show as boxes")
        return None
    font = QFont(family, point_size)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    app.setFont(font)
    return family
