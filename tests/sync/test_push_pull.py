"""Push and pull against the real hub: round trip, idempotent replay, conflicts, bad input."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import pytest
import requests

from sync.hub.server import HubThread
from sync.hub_client import HubApi, new_change
from sync.transport import HubRefused
from tests.sync.conftest import OFFICE_A

CASE = {"applicant": "张红梅", "members": 3, "type": "dibao", "amount": "1010.00"}


def _raw_push(api: HubApi, body: object) -> requests.Response:
    headers = {"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(f"{api.base_url}/push", data=data, headers=headers, timeout=10)


def _change_dict(**over: object) -> dict:
    base = {
        "change_id": str(uuid.uuid4()),
        "entity": "application",
        "id": str(uuid.uuid4()),
        "base_rev": None,
        "op": "upsert",
        "payload": {"a": 1},
        "offices": [OFFICE_A],
    }
    base.update(over)
    return base


def test_push_then_pull_round_trip_with_update_and_delete(
    client_for: Callable[[str], HubApi],
) -> None:
    api = client_for(OFFICE_A)
    rid = uuid.uuid4()
    [created] = api.push([new_change("application", rid, CASE, [OFFICE_A])])
    assert created.status == "applied" and created.rev == 1
    [updated] = api.push(
        [new_change("application", rid, {**CASE, "members": 4}, [OFFICE_A], base_rev=1)]
    )
    assert updated.rev == 2
    page = api.pull("0", 100)
    assert [(r.id, r.rev, r.payload["members"]) for r in page.records] == [(rid, 2, 4)]
    [deleted] = api.push([new_change("application", rid, {}, [OFFICE_A], base_rev=2, op="delete")])
    later = api.pull(page.cursor, 100)
    assert [(r.rev, r.deleted, r.payload["applicant"]) for r in later.records] == [
        (3, True, "张红梅")
    ]
    assert api.pull(later.cursor, 100).records == []


def test_pull_pages_follow_the_cursor_without_gaps(client_for: Callable[[str], HubApi]) -> None:
    api = client_for(OFFICE_A)
    ids = [uuid.uuid4() for _ in range(25)]
    api.push([new_change("person", i, {"n": n}, [OFFICE_A]) for n, i in enumerate(ids)])
    pages = list(api.pull_all("0", 10))
    assert [len(p.records) for p in pages] == [10, 10, 5]
    assert [p.has_more for p in pages] == [True, True, False]
    assert [r.id for p in pages for r in p.records] == ids


def test_replayed_batch_returns_original_results_and_applies_once(
    client_for: Callable[[str], HubApi],
) -> None:
    api = client_for(OFFICE_A)
    rid = uuid.uuid4()
    batch = [
        new_change("application", rid, CASE, [OFFICE_A]),
        new_change("application", rid, {**CASE, "members": 5}, [OFFICE_A], base_rev=1),
        new_change("visit", uuid.uuid4(), {"note": "入户调查"}, [OFFICE_A]),
    ]
    first = api.push(batch)
    again = api.push(batch)
    assert [r.status for r in first] == ["applied"] * 3
    assert again == first
    records = api.pull("0", 100).records
    assert sorted(r.rev for r in records) == [1, 2]


def test_stale_base_rev_gets_conflict_with_current_version(
    client_for: Callable[[str], HubApi],
) -> None:
    laptop, window = client_for(OFFICE_A), client_for(OFFICE_A)
    rid = uuid.uuid4()
    laptop.push([new_change("application", rid, CASE, [OFFICE_A])])
    window.push(
        [new_change("application", rid, {**CASE, "amount": "900.00"}, [OFFICE_A], base_rev=1)]
    )
    [conflict] = laptop.push(
        [new_change("application", rid, {**CASE, "members": 2}, [OFFICE_A], base_rev=1)]
    )
    assert conflict.status == "conflict"
    assert conflict.current is not None
    assert (conflict.current.rev, conflict.current.payload["amount"]) == (2, "900.00")
    assert conflict.current.offices == [OFFICE_A] and not conflict.current.deleted
    [create_again] = laptop.push([new_change("application", rid, CASE, [OFFICE_A])])
    assert create_again.status == "conflict" and create_again.current is not None
    rows = laptop.pull("0", 10).records
    assert [(r.rev, r.payload["members"]) for r in rows] == [(2, 3)]


def test_after_resolving_the_same_change_id_may_be_resent_with_new_base(
    client_for: Callable[[str], HubApi],
) -> None:
    api = client_for(OFFICE_A)
    rid = uuid.uuid4()
    api.push([new_change("application", rid, CASE, [OFFICE_A])])
    api.push([new_change("application", rid, CASE, [OFFICE_A], base_rev=1)])
    cid = uuid.uuid4()
    [c] = api.push(
        [new_change("application", rid, {"x": 1}, [OFFICE_A], base_rev=1, change_id=cid)]
    )
    [ok] = api.push(
        [new_change("application", rid, {"x": 1}, [OFFICE_A], base_rev=2, change_id=cid)]
    )
    assert (c.status, ok.status, ok.rev) == ("conflict", "applied", 3)


def test_append_only_entities_never_conflict(client_for: Callable[[str], HubApi]) -> None:
    api = client_for(OFFICE_A)
    eid = uuid.uuid4()
    [a] = api.push([new_change("audit_event", eid, {"action": "查看档案"}, [OFFICE_A])])
    [b] = api.push([new_change("audit_event", eid, {"action": "改写"}, [OFFICE_A], base_rev=7)])
    assert (a.status, b.status, b.rev) == ("applied", "applied", 1)
    [d] = api.push([new_change("audit_event", eid, {}, [OFFICE_A], base_rev=1, op="delete")])
    assert d.status == "rejected" and d.reason == "append_only" and "追加" in (d.message or "")
    assert api.pull("0", 10).records[0].payload == {"action": "查看档案"}


def test_hub_only_entities_cannot_be_pushed(client_for: Callable[[str], HubApi]) -> None:
    api = client_for(OFFICE_A)
    [r] = api.push([new_change("check_report", uuid.uuid4(), {"fake": True}, [OFFICE_A])])
    assert r.status == "rejected" and r.reason == "read_only_entity"
    assert api.pull("0", 10).records == []


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        ({"id": "not-a-uuid"}, "changes.1.id"),
        ({"entity": "case; DROP TABLE"}, "changes.1.entity"),
        ({"entity": "Case"}, "changes.1.entity"),
        ({"base_rev": "1"}, "changes.1.base_rev"),
        ({"op": "merge"}, "changes.1.op"),
        ({"payload": [1, 2]}, "changes.1.payload"),
        ({"offices": []}, "changes.1.offices"),
        ({"offices": ["12'; --"]}, "changes.1.offices.0"),
        ({"extra": 1}, "changes.1.extra"),
    ],
)
def test_malformed_batch_is_refused_whole_with_422(
    client_for: Callable[[str], HubApi], bad: dict, where: str
) -> None:
    api = client_for(OFFICE_A)
    resp = _raw_push(api, {"v": 1, "changes": [_change_dict(), _change_dict(**bad)]})
    assert resp.status_code == 422
    body = resp.json()
    assert body["v"] == 1 and body["error"]["code"] == "malformed"
    assert where in body["error"]["message"] and "请求格式不正确" in body["error"]["message"]
    assert api.pull("0", 10).records == []


def test_oversized_batch_wrong_version_and_garbage_are_refused(
    client_for: Callable[[str], HubApi],
) -> None:
    api = client_for(OFFICE_A)
    huge = _raw_push(api, {"v": 1, "changes": [_change_dict() for _ in range(2001)]})
    assert huge.status_code == 422 and "2000" in huge.json()["error"]["message"]
    v2 = _raw_push(api, {"v": 2, "changes": [_change_dict()]})
    assert v2.status_code == 422 and v2.json()["error"]["code"] == "unsupported_version"
    garbage = _raw_push(api, b"\xff{not json")
    assert garbage.status_code == 422 and garbage.json()["error"]["code"] == "malformed"
    assert api.pull("0", 10).records == []


def test_bad_pull_arguments_are_refused(client_for: Callable[[str], HubApi]) -> None:
    api = client_for(OFFICE_A)
    for cursor, limit in (("abc", 10), ("-1", 10), ("0", 0), ("0", 5001)):
        with pytest.raises(HubRefused) as exc:
            api.pull(cursor, limit)
        assert exc.value.status == 422 and exc.value.message


def test_unknown_route_answers_the_json_error_shape(hub: HubThread) -> None:
    resp = requests.get(f"{hub.base_url}/v1/nothing-here", timeout=5)
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "not_found" and resp.json()["v"] == 1
