"""Helpers of the public-page tests: valid ID numbers and a filled-in 码上办 form."""

from __future__ import annotations

from desktop.domain.ids import check_char

A = "120103001"  # 河西区友谊路街道
B = "120103002"


def id_number(serial: int, born: str = "19700315") -> str:
    """A valid ID number of a Tianjin 河西区 resident."""
    first17 = f"120103{born}{serial % 1000:03d}"
    return first17 + check_char(first17)


APPLICANT = id_number(217)
SPOUSE = id_number(228, "19720611")


def pre_application(**more: str) -> dict[str, str]:
    """A complete 码上办 form: a couple with a small wage, applying at the residence office."""
    return {
        "assistance_type": "dibao",
        "name": "刘秀英",
        "id_number": APPLICANT,
        "phone": "13920001234",
        "address": "天津市河西区友谊路街道紫金山路12号3-201",
        "f2_name": "陈建国",
        "f2_id": SPOUSE,
        "f2_relation": "spouse",
        "wage": "800",
        "other_income": "0",
        "deposits": "3000",
        "residence_office": A,
        "hukou_office": A,
        "apply_at": "residence",
        "need": "丈夫患病，收入减少",
        "consent": "1",
        **more,
    }
