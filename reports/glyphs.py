"""Find characters no configured font can draw, before or after printing, so the ui can warn."""

from __future__ import annotations

import dataclasses

from reports.fonts import FontConfig, GlyphWarning, Typeface, typeface

_LABELS = {
    "name": "姓名",
    "applicant_name": "申请人姓名",
    "address": "地址",
    "community": "社区",
    "signer": "签字人",
    "title": "标题",
    "relation": "关系",
    "statement": "反映情况",
}


def _walk(value: object, where: str, face: Typeface, out: list[GlyphWarning]) -> None:
    if isinstance(value, str):
        for ch in dict.fromkeys(face.missing(value)):
            out.append(GlyphWarning(value, ch, where))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name), _LABELS.get(f.name, ""), face, out)
    elif isinstance(value, tuple | list):
        for item in value:
            _walk(item, where, face, out)


def check_glyphs(data: object, font: FontConfig | None = None) -> list[GlyphWarning]:
    """Every (text, character) of ``data``'s strings that would print as the 〓 marker."""
    out: list[GlyphWarning] = []
    _walk(data, "", typeface(font), out)
    return list(dict.fromkeys(out))
