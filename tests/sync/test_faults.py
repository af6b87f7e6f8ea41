"""Faults: three clients through drops, 503s, delays, duplicates and a hub restart mid-push."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from sync.hub import accounts, db, migrations
from sync.hub.config import HubSettings
from sync.hub.server import HubThread
from sync.hub_client import HubApi, new_change
from sync.protocol import Change
from sync.testing import FaultInjectingAdapter
from sync.transport import HttpClient, HttpSettings
from tests.sync.conftest import FAST_RETRY, OFFICE_A, OFFICE_B, OFFICE_C, enrol

ROOT = Path(__file__).resolve().parents[2]
PATIENT = HttpSettings(attempts=40, backoff_initial_s=0.05, backoff_max_s=0.5, read_timeout_s=30)


def _faulty_client(hub: HubThread, office: str, seed: int) -> tuple[HubApi, FaultInjectingAdapter]:
    http = HttpClient(FAST_RETRY)
    adapter = FaultInjectingAdapter(
        seed, drop=0.08, lose_response=0.08, error_503=0.08, delay=0.1, duplicate=0.1, delay_s=0.01
    )
    http.mount("http://", adapter)
    return enrol(hub, office, f"故障终端{seed}", http=http), adapter


def _office_work(
    api: HubApi, office: str, shared: list[str], n: int
) -> tuple[list[Change], dict[str, int]]:
    """Create n records, then update each twice (rev chain 1→2→3); touch shared records too."""
    ids = [str(uuid.uuid4()) for _ in range(n)]
    sent: list[Change] = []
    for rev in (None, 1, 2):
        batch = [
            new_change(
                "application", i, {"office": office, "step": rev or 0}, [office], base_rev=rev
            )
            for i in ids
        ]
        batch += [
            new_change("visit", uuid.uuid4(), {"by": office}, [office]) for _ in range(n // 10)
        ]
        for k in range(0, len(batch), 25):
            part = batch[k : k + 25]
            results = api.push(part)
            assert all(r.status == "applied" for r in results), Counter(r.status for r in results)
            sent += part
            api.pull("0", 50)  # interleave reads with writes
    for sid in shared:  # contended records: applied or conflict, never silently overwritten
        api.push(
            [
                new_change(
                    "application",
                    sid,
                    {"touched_by": office},
                    [OFFICE_A, OFFICE_B, OFFICE_C],
                    base_rev=1,
                )
            ]
        )
    return sent, dict.fromkeys(ids, 3)


def test_three_faulty_clients_every_change_exactly_once(hub: HubThread) -> None:
    clients = [
        _faulty_client(hub, office, seed)
        for seed, office in enumerate((OFFICE_A, OFFICE_B, OFFICE_C), 1)
    ]
    shared = [str(uuid.uuid4()) for _ in range(5)]
    enrol(hub, OFFICE_A).push(
        [new_change("application", s, {}, [OFFICE_A, OFFICE_B, OFFICE_C]) for s in shared]
    )
    outcome: dict[int, tuple[list[Change], dict[str, int]]] = {}

    def run(k: int) -> None:
        api, _ad = clients[k]
        outcome[k] = _office_work(api, api.whoami().office_code, shared, 250)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcome) == [0, 1, 2]
    faults = sum((ad.counts for _api, ad in clients), Counter())
    assert all(faults[k] >= 5 for k in ("drop", "lose", "503", "delay", "dup"))
    database: db.Database = hub.app.state.database
    with database.read() as conn:
        revs = {
            r.id: r.rev
            for r in conn.execute(
                select(db.records.c.id, db.records.c.rev).where(
                    db.records.c.entity == "application"
                )
            )
        }
        logged = conn.execute(select(func.count()).select_from(db.applied_changes)).scalar()
        visits = conn.execute(
            select(func.count()).select_from(db.records).where(db.records.c.entity == "visit")
        ).scalar()
    sent = [c for k in range(3) for c in outcome[k][0]]
    assert len(sent) > 2000
    for k in range(3):
        assert all(revs[i] == 3 for i in outcome[k][1])  # no update applied twice or lost
    assert visits == 3 * 3 * 25
    assert sorted(revs[s] for s in shared) == [2] * 5  # exactly one writer won each shared record
    assert logged == len(sent) + 5 + 5  # every change logged once (+ shared create, + 5 winners)
    for api, _ad in clients:  # every office converges on its own records through the faults
        office = api.whoami().office_code
        pulled = [r for p in api.pull_all("0", 500) for r in p.records]
        mine = {str(r.id) for r in pulled if r.entity == "application" and r.offices == [office]}
        assert len(mine) == 250 and all(r.rev == 3 for r in pulled if str(r.id) in mine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(url: str, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "sync.hub", "serve", "--db", url, "--port", str(port)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_hub_killed_mid_push_and_restarted_applies_every_change_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/restart.db"
    database = db.Database(url)
    migrations.upgrade(database)
    accounts.add_office(database, OFFICE_A, "河西区友谊路街道", "河西区")
    code = accounts.create_enrolment(database, OFFICE_A, HubSettings(db_url=url))
    port = _free_port()
    proc = _start(url, port)
    api = HubApi(f"http://127.0.0.1:{port}", http=HttpClient(PATIENT))
    api.register(OFFICE_A, code, "重启测试终端")
    ids = [str(uuid.uuid4()) for _ in range(3000)]
    batches = [
        [new_change("application", i, {"n": n}, [OFFICE_A]) for n, i in enumerate(ids[k : k + 300])]
        for k in range(0, 3000, 300)
    ]
    results: list[str] = []
    pusher = threading.Thread(
        target=lambda: [results.extend(r.status for r in api.push(b)) for b in batches]
    )
    pusher.start()
    while len(results) < 900 and pusher.is_alive():
        time.sleep(0.005)
    proc.kill()  # SIGKILL: no clean shutdown, an open transaction is rolled back
    proc.wait()
    proc = _start(url, port)
    try:
        pusher.join(timeout=60)
        assert not pusher.is_alive()
        assert results == ["applied"] * 3000
        with database.read() as conn:
            stored = conn.execute(
                select(db.records.c.id, db.records.c.rev, db.records.c.payload)
            ).all()
            logged = conn.execute(select(func.count()).select_from(db.applied_changes)).scalar()
        assert len(stored) == 3000 and {r.rev for r in stored} == {1} and logged == 3000
        assert {r.id for r in stored} == set(ids)
        assert sorted(json.loads(r.payload)["n"] for r in stored) == sorted(
            n % 300 for n in range(3000)
        )
    finally:
        proc.kill()
        proc.wait()
        database.dispose()
    assert os.path.exists(tmp_path / "restart.db")
