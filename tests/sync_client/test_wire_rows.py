"""The generated row builder of each codec stores exactly what the reference loop stores."""

from __future__ import annotations

from typing import Any

from sync.codecs import CODECS


def _variants(codec: Any) -> list[dict[str, Any]]:
    """Payloads with every column missing, None, and a typical value."""
    typical: dict[str, Any] = {}
    for c in codec.columns:
        kind = type(c.type).__name__
        if c.key in codec.office_refs:
            typical[c.key] = "120103001"
        elif kind == "Fixed2":
            typical[c.key] = "1234.565"
        elif kind == "Boolean":
            typical[c.key] = True
        elif kind == "DateTime":
            typical[c.key] = "2026-03-01T08:30:00"
        elif kind == "Date":
            typical[c.key] = "2026-03-01"
        elif kind == "JSON":
            typical[c.key] = {"要点": [1, "二"]}
        elif kind == "Integer":
            typical[c.key] = 7
        else:
            typical[c.key] = "和平路12号"
    nones = dict.fromkeys(typical)
    odd = {k: (0 if i % 2 else "") for i, k in enumerate(typical)}
    return [{}, typical, nones, odd, {k: v for i, (k, v) in enumerate(typical.items()) if i % 2}]


def test_generated_rows_equal_reference_rows_for_every_entity() -> None:
    def office(code: str) -> str:
        return f"local-{code}"

    checked = 0
    for codec in CODECS.values():
        for payload in _variants(codec):
            for deleted in (False, True):
                fast = codec.db_row("r1", 3, deleted, payload, office)
                slow = codec.db_row_slow("r1", 3, deleted, payload, office)
                assert fast == slow, (codec.entity, payload)
                checked += 1
    assert checked >= 10 * len(CODECS)


def test_money_and_office_references_are_converted() -> None:
    codec = CODECS["income_item"]
    names = [c.key for c in codec.columns]
    row = codec.db_row("r1", 2, False, {"amount": "900.125", "note": "养老金"}, str.upper)
    assert row[:4] == ("r1", 2, 0, 0)
    assert row[4 + names.index("amount")] == 90013  # fen, half up
    assert row[4 + names.index("note")] == "养老金"
