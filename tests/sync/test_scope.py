"""一城通办 scope: an office sees and writes only records whose offices include it."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sync.hub_client import HubApi, new_change
from tests.sync.conftest import OFFICE_A, OFFICE_B, OFFICE_C

CASE = {"applicant": "李建国", "type": "dibao"}


def test_office_a_never_sees_office_b_records(client_for: Callable[[str], HubApi]) -> None:
    a, b = client_for(OFFICE_A), client_for(OFFICE_B)
    a_ids = {uuid.uuid4() for _ in range(5)}
    b_ids = {uuid.uuid4() for _ in range(5)}
    a.push([new_change("application", i, CASE, [OFFICE_A]) for i in a_ids])
    b.push([new_change("application", i, CASE, [OFFICE_B]) for i in b_ids])
    assert {r.id for r in a.pull("0", 100).records} == a_ids
    assert {r.id for r in b.pull("0", 100).records} == b_ids


def test_case_of_two_offices_is_seen_by_both(client_for: Callable[[str], HubApi]) -> None:
    a, b, c = client_for(OFFICE_A), client_for(OFFICE_B), client_for(OFFICE_C)
    rid = uuid.uuid4()
    [r] = a.push([new_change("application", rid, CASE, [OFFICE_A, OFFICE_B])])
    assert r.status == "applied"
    assert [x.id for x in b.pull("0", 10).records] == [rid]
    assert c.pull("0", 10).records == []
    [upd] = b.push(
        [new_change("application", rid, {**CASE, "note": "户籍地初审"}, [OFFICE_B], base_rev=1)]
    )
    assert upd.status == "applied"
    seen = a.pull("0", 10).records
    assert seen[0].rev == 2 and seen[0].offices == [OFFICE_A, OFFICE_B]


def test_push_must_include_own_office_and_known_offices(
    client_for: Callable[[str], HubApi],
) -> None:
    a = client_for(OFFICE_A)
    [foreign, unknown] = a.push(
        [
            new_change("application", uuid.uuid4(), CASE, [OFFICE_B]),
            new_change("application", uuid.uuid4(), CASE, [OFFICE_A, "999999999"]),
        ]
    )
    assert (foreign.status, foreign.reason) == ("rejected", "out_of_scope")
    assert "办理范围" in (foreign.message or "")
    assert (unknown.status, unknown.reason) == ("rejected", "unknown_office")
    assert a.pull("0", 10).records == []


def test_hand_over_adds_an_office_and_then_the_new_office_may_write(
    client_for: Callable[[str], HubApi],
) -> None:
    a, b = client_for(OFFICE_A), client_for(OFFICE_B)
    rid = uuid.uuid4()
    a.push([new_change("application", rid, CASE, [OFFICE_A])])
    [refused] = b.push(
        [new_change("application", rid, {"stolen": True}, [OFFICE_A, OFFICE_B], base_rev=1)]
    )
    assert refused.reason == "out_of_scope"
    assert b.pull("0", 10).records == []
    [handed] = a.push(
        [
            new_change(
                "application", rid, {**CASE, "stage": "初审"}, [OFFICE_A, OFFICE_B], base_rev=1
            )
        ]
    )
    assert handed.status == "applied" and handed.rev == 2
    [rec] = b.pull("0", 10).records
    assert rec.rev == 2 and rec.payload["stage"] == "初审" and rec.offices == [OFFICE_A, OFFICE_B]
    [own] = b.push(
        [new_change("application", rid, {**CASE, "stage": "公示"}, [OFFICE_B], base_rev=2)]
    )
    assert own.status == "applied"
    # offices only grow: the residence office keeps the case after the registration office writes
    assert a.pull("0", 10).records[0].offices == [OFFICE_A, OFFICE_B]


def test_append_only_record_handed_over_reaches_the_new_office(
    client_for: Callable[[str], HubApi],
) -> None:
    a, b = client_for(OFFICE_A), client_for(OFFICE_B)
    vid = uuid.uuid4()
    a.push([new_change("visit", vid, {"note": "入户调查"}, [OFFICE_A])])
    [r] = a.push([new_change("visit", vid, {"note": "入户调查"}, [OFFICE_A, OFFICE_B])])
    assert (r.status, r.rev) == ("applied", 2)
    assert [x.payload["note"] for x in b.pull("0", 10).records] == ["入户调查"]
