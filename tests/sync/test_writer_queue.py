"""Pushes queued for the hub's one writer never take the threads that token checks and pulls
need: a desk's no-op sync is answered while a long write holds the writer and a crowd of
pushes waits for it (real hub over 127.0.0.1, SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from sync.hub.server import HubThread
from sync.hub_client import new_change
from sync.transport import HttpClient, HttpSettings
from tests.sync.conftest import OFFICE_A, OFFICE_B, enrol

#: more pushes than the hub's shared thread pool has threads (anyio's default is 40)
PUSHES = 48
ONE_TRY = HttpSettings(attempts=1, read_timeout_s=15)


def _household(rid: str) -> dict:
    return {
        "id": rid,
        "deleted": False,
        "residence_office_id": OFFICE_B,
        "hukou_office_id": OFFICE_B,
        "community": "紫金山社区",
        "address": "天津市河西区越秀路街道某小区3号楼2门101",
        "hukou_address": "",
        "phone": "13800000000",
        "address_key": "某小区",
        "note": "",
    }


def test_a_no_op_pull_is_answered_while_pushes_wait_for_the_writer(hub: HubThread) -> None:
    reader = enrol(hub, OFFICE_A, http=HttpClient(ONE_TRY))
    pushers = [enrol(hub, OFFICE_B, f"窗口{k}", HttpClient(ONE_TRY)) for k in range(PUSHES)]
    database = hub.app.state.database
    held, release = threading.Event(), threading.Event()

    def long_write() -> None:  # e.g. a feed import publishing its warnings
        with database.write():
            held.set()
            release.wait(60)

    writer = threading.Thread(target=long_write)
    writer.start()
    held.wait(10)
    ids = [str(uuid.uuid4()) for _ in pushers]
    try:
        with ThreadPoolExecutor(PUSHES) as pool:
            futures = [
                pool.submit(api.push, [new_change("household", rid, _household(rid), [OFFICE_B])])
                for api, rid in zip(pushers, ids, strict=True)
            ]
            time.sleep(1.5)  # the pushes reach the hub and queue for the writer
            page = reader.pull("0")  # the writer is still held: this must not wait for it
            assert page.records == [] and not page.has_more
            assert not any(f.done() for f in futures)  # they were all still queued
            release.set()
            results = [f.result(timeout=60) for f in futures]
    finally:
        release.set()
        writer.join(10)
    assert [r[0].status for r in results] == ["applied"] * PUSHES
    seen = {str(r.id) for p in pushers[0].pull_all("0") for r in p.records}
    assert seen == set(ids)
