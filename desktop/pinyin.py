"""Pinyin search keys for names, computed once at write time (polyphonic surnames first)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import lazy_pinyin

# Surnames whose reading differs from the character's everyday reading.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge",),
    "乐": ("yue",),
    "尉": ("yu",),
    "覃": ("qin",),
    "缪": ("miao",),
    "翟": ("zhai",),
    "燕": ("yan",),
    "纪": ("ji",),
    "葛": ("ge",),
    "秘": ("bi",),
    "任": ("ren",),
    "员": ("yun",),
    "长孙": ("zhang", "sun"),
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "澹台": ("tan", "tai"),
    "黑": ("he",),
    "繁": ("po",),
    "应": ("ying",),
    "祭": ("zhai",),
    "沈": ("shen",),
    "柏": ("bai",),
    "薄": ("bo",),
}


def given_name(name: str) -> str:
    """The name after the surname (compound surnames such as 尉迟 count as one)."""
    name = name.strip()
    for surname in SURNAME_READINGS:
        if len(surname) == 2 and name.startswith(surname) and len(name) > 2:
            return name[2:]
    return name[1:]


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin without spaces, initials) for a Chinese name, lower case."""
    name = name.strip()
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    for surname in sorted(
        (s for s in SURNAME_READINGS if name.startswith(s)), key=len, reverse=True
    ):
        syllables.extend(SURNAME_READINGS[surname])
        rest = name[len(surname) :]
        break
    syllables += [s for s in lazy_pinyin(rest, errors="default") if s.strip()]
    full = "".join(s.lower() for s in syllables if s.isascii())
    initials = "".join(s[0].lower() for s in syllables if s and s.isascii())
    return full, initials
