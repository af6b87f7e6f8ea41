"""CJK fonts for every PDF: the bundled WenQuanYi Micro Hei, a configurable system font, glyph checks."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desktop.errors import ReportError

_HERE = Path(__file__).resolve().parent
BUNDLED_FONT = _HERE / "wqy-microhei.ttc"
BUNDLED_LICENCE = _HERE / "LICENSE-wqy-microhei.txt"
ENV_FONT = "JIUZHU_PDF_FONT"
ENV_FALLBACK_FONT = "JIUZHU_PDF_FALLBACK_FONT"
# 〓 (geta mark) is the traditional typesetter's sign for "this character is missing".
MISSING_MARK = "〓"
_ALWAYS_OK = frozenset("\n\r\t ")


def font_path() -> Path:
    """The bundled CJK TrueType font; the ui registers the same file with Qt."""
    return BUNDLED_FONT


def licence_path() -> Path:
    """The licence text shipped beside the bundled font."""
    return BUNDLED_LICENCE


@dataclass(frozen=True)
class FontSpec:
    """One TrueType file (``.ttf`` or a face of a ``.ttc`` collection)."""

    path: Path
    index: int = 0

    @classmethod
    def parse(cls, text: str) -> FontSpec:
        """Read ``PATH`` or ``PATH#INDEX`` (e.g. ``C:/Windows/Fonts/simsun.ttc#0``)."""
        raw = text.strip()
        if not raw:
            raise ReportError("PDF 字体设置为空，请填写字体文件路径")
        path_text, sep, index_text = raw.rpartition("#")
        if sep and index_text.isdigit():
            return cls(Path(path_text), int(index_text))
        return cls(Path(raw), 0)


@dataclass(frozen=True)
class FontConfig:
    """The main font and an optional second font for characters the main one lacks."""

    primary: FontSpec = field(default_factory=lambda: FontSpec(BUNDLED_FONT))
    fallback: FontSpec | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> FontConfig:
        """Honour ``JIUZHU_PDF_FONT`` (e.g. SimSun) with the bundled font as its fallback."""
        env = os.environ if environ is None else environ
        configured = env.get(ENV_FONT, "").strip()
        extra = env.get(ENV_FALLBACK_FONT, "").strip()
        if configured:
            fallback = FontSpec.parse(extra) if extra else FontSpec(BUNDLED_FONT)
            return cls(FontSpec.parse(configured), fallback)
        return cls(FontSpec(BUNDLED_FONT), FontSpec.parse(extra) if extra else None)

    @classmethod
    def system(cls, path: str | Path, index: int = 0) -> FontConfig:
        """A system font (SimSun, SimHei …) first, the bundled font for what it lacks."""
        return cls(FontSpec(Path(path), index), FontSpec(BUNDLED_FONT))


@dataclass(frozen=True)
class GlyphWarning:
    """A character no configured font can draw; it was printed as the 〓 marker."""

    text: str
    char: str
    where: str = ""

    @property
    def message(self) -> str:
        """The Chinese sentence the caller shows to the clerk."""
        place = f"{self.where}“{self.text}”" if self.where else f"“{self.text}”"
        return (
            f"{place}中的字“{self.char}”（U+{ord(self.char):04X}）字体中没有，"
            f"已在打印件上用“{MISSING_MARK}”标出，请手写补正或配置含此字的字体"
        )


@dataclass(frozen=True)
class _Face:
    name: str
    cmap: Mapping[int, int]

    def has(self, ch: str) -> bool:
        return ch in _ALWAYS_OK or ord(ch) in self.cmap


@lru_cache(maxsize=8)
def _load(spec: FontSpec) -> _Face:
    """Read and register a font once per process: reading the file is the slow part."""
    path = spec.path
    if not path.is_file():
        raise ReportError(f"PDF 字体文件不存在：{path}（请检查 {ENV_FONT} 设置）")
    digest = hashlib.sha1(f"{path.resolve()}#{spec.index}".encode()).hexdigest()[:8]
    name = f"JZ-{path.stem}-{spec.index}-{digest}"
    try:
        font = TTFont(name, str(path), subfontIndex=spec.index)
    except (TTFError, OSError, ValueError) as exc:
        raise ReportError(
            f"PDF 字体“{path.name}”无法使用（需要 TrueType 轮廓字体）：{exc}"
        ) from exc
    pdfmetrics.registerFont(font)
    return _Face(name, font.face.charToGlyph)


@dataclass(frozen=True)
class Typeface:
    """Registered fonts of one FontConfig, with glyph checks and fallback markup."""

    primary: _Face
    fallback: _Face | None

    @property
    def name(self) -> str:
        """The reportlab font name of the main font."""
        return self.primary.name

    def fits_primary(self, text: str) -> bool:
        """True if the main font draws every character (the fast path: plain strings)."""
        has = self.primary.has
        return all(has(ch) for ch in text)

    def clean(self, text: str, sink: list[GlyphWarning] | None = None, where: str = "") -> str:
        """Plain text with characters no font has replaced by the marker (for canvas strings)."""
        if self.fits_primary(text):
            return text
        out = []
        for ch in text:
            if self.primary.has(ch):
                out.append(ch)
            else:
                out.append(MISSING_MARK)
                if sink is not None:
                    sink.append(GlyphWarning(text, ch, where))
        return "".join(out)

    def markup(self, text: str, sink: list[GlyphWarning] | None = None, where: str = "") -> str:
        """Paragraph markup: escaped, fallback font for what the main font lacks, else 〓."""
        if self.fits_primary(text):
            return escape(text).replace("\n", "<br/>")
        parts: list[str] = []
        for ch in text:
            if self.primary.has(ch):
                parts.append("<br/>" if ch == "\n" else escape(ch))
            elif self.fallback is not None and self.fallback.has(ch):
                parts.append(f'<font name="{self.fallback.name}">{escape(ch)}</font>')
            else:
                parts.append(f'<font color="#c00000">{MISSING_MARK}</font>')
                if sink is not None:
                    sink.append(GlyphWarning(text, ch, where))
        return "".join(parts)

    def missing(self, text: str) -> list[str]:
        """Characters of ``text`` that neither the main nor the fallback font can draw."""
        fb = self.fallback
        return [ch for ch in text if not self.primary.has(ch) and (fb is None or not fb.has(ch))]


@lru_cache(maxsize=8)
def _typeface(config: FontConfig) -> Typeface:
    fallback = _load(config.fallback) if config.fallback else None
    return Typeface(_load(config.primary), fallback)


def typeface(font: FontConfig | None = None) -> Typeface:
    """The registered fonts for ``font`` (default: environment, else the bundled font)."""
    return _typeface(font if font is not None else FontConfig.from_env())
