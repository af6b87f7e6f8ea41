"""Demo data: deterministic by seed, valid ID numbers, real Tianjin offices, scalable."""

from __future__ import annotations

from desktop.demo import generate, office_rows
from desktop.domain.ids import parse_id


def _offices():  # type: ignore[no-untyped-def]
    return [{"id": str(i), **o} for i, o in enumerate(office_rows())]


def _strip(rows):  # type: ignore[no-untyped-def]
    """Rows without their random UUIDs."""
    return [{k: v for k, v in r.items() if k != "id" and not k.endswith("_id")} for r in rows]


def test_same_seed_same_data_and_every_id_is_valid() -> None:
    offices = _offices()
    a = generate(5, 300, offices)
    b = generate(5, 300, offices)
    assert _strip(a["persons"]) == _strip(b["persons"])
    numbers = [p["id_number"] for p in a["persons"]]
    assert len(numbers) == len(set(numbers))
    for p in a["persons"]:
        info = parse_id(p["id_number"])
        assert info.birth_date == p["birth_date"] and info.sex == p["sex"]
    other = [p["id_number"] for p in generate(6, 300, offices)["persons"]]
    assert other != numbers, "another seed gives other families"


def test_households_live_in_real_districts_and_have_one_applicant() -> None:
    data = generate(1, 200, _offices())
    assert all(h["address"].startswith("天津市") for h in data["households"])
    applicants = [p for p in data["persons"] if p["relation"] == "applicant"]
    assert len(applicants) == len(data["households"]) == len(data["applications"])
    assert len({a["number"] for a in data["applications"]}) == 200


def test_scales_to_thousands_of_persons() -> None:
    data = generate(2, 2000, _offices())
    assert 4000 <= len(data["persons"]) <= 6000
