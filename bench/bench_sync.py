"""Sync client benchmark: initial pull into SQLCipher, incremental pull, no-op sync, push.

The hub runs as its own process (``python -m sync.hub serve`` on 127.0.0.1, SQLite), seeded
directly through its database; peak memory is this (client) process's peak RSS growth.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import requests
import sqlcipher3.dbapi2 as sqlcipher

from bench.common import row, timed
from desktop.store.keys import new_database_key
from desktop.store.models import new_id
from desktop.store.paths import DB_NAME
from desktop.store.store import Store
from sync.client import SyncClient, SyncSummary
from sync.codecs import codec_for
from sync.conflicts import BASE_UPSERT
from sync.hub import accounts, records
from sync.hub.config import HubSettings
from sync.hub.db import Database
from sync.hub_client import HubApi
from sync.transport import HttpClient

OFFICE = "120103001"
ROOT = Path(__file__).resolve().parents[1]


class HubProcess:
    """The reference hub in a child process; ``database`` is a direct handle for seeding."""

    def __init__(self, folder: Path) -> None:
        url = f"sqlite:///{folder}/hub.db"
        self.settings = HubSettings(db_url=url)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "sync.hub", "serve", "--db", url, "--port", str(port)]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.base_url + "/v1/info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("hub did not start")
            time.sleep(0.1)
        self.database = Database(url)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.database.dispose()


MIX = (("household", 2), ("person", 4), ("income_item", 4))  # shares of every 10 records


def _payload(entity: str, n: int, household: str) -> dict[str, Any]:
    if entity == "household":
        return {
            "residence_office_id": OFFICE,
            "hukou_office_id": OFFICE,
            "community": "紫金山社区",
            "address": f"天津市河西区友谊路街道紫金山路{n % 300}号{n % 12}-{n % 6}01",
            "hukou_address": "",
            "phone": f"138{n:08d}",
            "address_key": f"紫金山路{n % 300}",
            "note": "",
        }
    if entity == "person":
        return {
            "household_id": household,
            "name": "张红梅",
            "name_pinyin": "zhanghongmei",
            "name_initials": "zhm",
            "id_number": f"120103{1950 + n % 60}0312{n % 10000:04d}"[:18],
            "sex": "F",
            "birth_date": f"{1950 + n % 60}-03-12",
            "relation": "applicant",
            "is_member": True,
            "non_member_reason": "",
            "phone": "",
            "disability_type": "",
            "disability_level": None,
            "illness_class": "",
            "work_capacity": "none",
            "student_level": "",
            "employment": "",
            "lives_with_family": True,
        }
    return {
        "household_id": household,
        "person_id": None,
        "kind": "transfer",
        "month": f"2026-{1 + n % 12:02d}-01",
        "amount": f"{900 + n % 1500}.00",
        "note": "养老金",
    }


def _records(n: int) -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    household = str(uuid.UUID(int=1))
    k = 0
    while len(out) < n:
        for entity, share in MIX:
            for _ in range(share):
                if len(out) >= n:
                    break
                rid = str(uuid.UUID(int=k + 1))
                if entity == "household":
                    household = rid
                payload = {"id": rid, "deleted": False, **_payload(entity, k, household)}
                out.append((entity, rid, payload))
                k += 1
    return out


def _seed_hub(hub: HubProcess, recs: list[tuple[str, str, dict[str, Any]]], rev: int = 1) -> None:
    db = hub.database
    with db.write() as conn:
        rows = records._load_rows(conn, [(e, i) for e, i, _p in recs])
        for entity, rid, payload in recs:
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            old = rows.get((entity, rid))
            if old is None:
                rows[(entity, rid)] = records.Row(rev, False, text, [OFFICE], False, dirty=True)
            else:
                old.rev, old.payload, old.dirty = old.rev + 1, text, True
        records.write_rows(conn, {k: v for k, v in rows.items() if v is not None}, None)


def _fresh_store(folder: Path) -> Store:
    store = Store.create(folder, new_database_key())
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, "
            "phone, address) VALUES (?, 1, 0, 0, ?, '河西区友谊路街道', '河西区', '120103', '', '')",
            (new_id(), OFFICE),
        )
    return store


def _baseline(
    folder: Path, recs: list[tuple[str, str, dict[str, Any]]], with_bases: bool = False
) -> float:
    """Raw sqlcipher executemany of the same rows into a fresh store of the same schema;
    ``with_bases`` also writes each record's base copy (``sync_base``), as every pull must for
    a later three-way conflict."""
    store = _fresh_store(folder)
    key = store._key  # noqa: SLF001 - the bench opens the same file with the bare driver
    store.close()
    office_id = lambda _code: "office"  # noqa: E731 - a constant id is enough for the baseline
    by_entity: dict[str, list[tuple]] = {}
    for entity, rid, payload in recs:
        codec = codec_for(entity)
        assert codec is not None
        by_entity.setdefault(entity, []).append(codec.db_row(rid, 1, False, payload, office_id))
    conn = sqlcipher.connect(str(folder / DB_NAME))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    start = time.perf_counter()
    for entity, rows in by_entity.items():
        codec = codec_for(entity)
        assert codec is not None
        names = ["id", "rev", "dirty", "deleted", *(c.key for c in codec.columns)]
        sql = f"INSERT INTO {codec.table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        conn.executemany(sql, rows)
    if with_bases:
        conn.executemany(
            BASE_UPSERT,
            [(e, rid, 1, json.dumps(p, ensure_ascii=False, separators=(",", ":")))
             for e, rid, p in recs],
        )  # fmt: skip
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _bare_get(client: SyncClient) -> Callable[[str], requests.Response]:
    """A bare GET of the pull page after a cursor, with the client's token and no desk code."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {client.api.token}"}
    url = client.api.base_url + "/pull"
    return lambda cursor: session.get(
        url, params={"cursor": cursor, "limit": "5000"}, headers=headers
    )


def _bare_receive(client: SyncClient) -> float:
    """GET every page of the initial pull and parse it, storing nothing: what receiving the
    records costs the desk on its own (the part the pull overlaps with the store)."""
    get = _bare_get(client)
    cursor, more = "0", True
    start = time.perf_counter()
    while more:
        page = orjson.loads(get(cursor).content)
        cursor, more = str(page["cursor"]), page["has_more"]
    return time.perf_counter() - start


def _peak_reset() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
        fh.write("5")


def _status(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def _client(hub: HubProcess, store: Store) -> SyncClient:
    code = accounts.create_enrolment(hub.database, OFFICE, hub.settings)
    api = HubApi(hub.base_url, http=HttpClient())
    api.register(OFFICE, code, "基准测试")
    return SyncClient(store, api)


def _queue_new(store: Store, n: int) -> None:
    """``n`` new households written as a service would leave them (row dirty + outbox entry)."""
    codec = codec_for("household")
    assert codec is not None
    with store.engine.begin() as conn:
        office = str(conn.exec_driver_sql("SELECT id FROM offices").scalar())
        rows, entries = [], []
        for k in range(n):
            rid = new_id()
            payload = {"id": rid, "deleted": False, **_payload("household", k, rid)}
            payload["residence_office_id"] = payload["hukou_office_id"] = office
            rows.append(codec.db_row(rid, 0, False, payload, lambda _c: office))
            entries.append((new_id(), rid, json.dumps(payload, ensure_ascii=False)))
        conn.exec_driver_sql(codec.upsert_sql, rows)
        conn.exec_driver_sql(
            "INSERT INTO outbox (change_id, entity, entity_id, op, base_rev, payload, offices, "
            f"state, attempts, last_error) VALUES (?, 'household', ?, 'upsert', NULL, ?, "
            f"'[\"{OFFICE}\"]', 'pending', 0, '')",
            entries,
        )


def run(smoke: bool) -> list[dict]:
    """Initial pull, incremental pull, no-op sync and push (smoke: 2,000 records, 1 rep)."""
    n = 2_000 if smoke else 100_000
    reps = 1 if smoke else 3
    push_n = 1_000 if smoke else 10_000
    recs = _records(n)
    results: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        hub = HubProcess(root)
        try:
            accounts.add_office(hub.database, OFFICE, "河西区友谊路街道", "河西区")
            _seed_hub(hub, recs)
            base = [_baseline(root / f"base{i}", recs) for i in range(reps)]
            with_bases = [_baseline(root / f"bases{i}", recs, True) for i in range(reps)]
            runs: list[float] = []
            peaks: list[float] = []
            store: Store | None = None
            for i in range(reps):
                if store is not None:
                    store.close()
                store = _fresh_store(root / f"pull{i}")
                client = _client(hub, store)
                rss0 = _status("VmRSS:")
                _peak_reset()
                start = time.perf_counter()
                summary = client.sync_once()
                runs.append(time.perf_counter() - start)
                peaks.append(_status("VmHWM:") - rss0)
                assert summary.ok and summary.pulled == n, summary
            receive = sorted(_bare_receive(client) for _ in range(reps))
            runs.sort()
            results.append(
                row(
                    f"initial pull of {n:,} records into SQLCipher",
                    (runs[len(runs) // 2], runs[0], runs[-1]),
                    "raw sqlcipher executemany of the same rows",
                    sorted(base)[len(base) // 2],
                    ">= 30,000 records/s, <= 3x bare insert, peak <= 150 MB",
                    records_per_s=round(n / runs[len(runs) // 2]),
                    peak_growth_mib=round(max(peaks), 1),
                    bare_with_base_copies_s=round(sorted(with_bases)[len(with_bases) // 2], 3),
                    bare_receive_s=round(receive[len(receive) // 2], 3),
                )
            )
            assert store is not None
            results.extend(_incremental_and_noop(hub, client, recs, reps))
            store.close()
            results.append(_push(hub, root, push_n, reps))
        finally:
            hub.stop()
    return results


def _incremental_and_noop(
    hub: HubProcess, client: SyncClient, recs: list[tuple[str, str, dict[str, Any]]], reps: int
) -> list[dict]:
    get = _bare_get(client)
    cursor = client.cursor()
    k = [0]

    def change_100() -> None:
        part = recs[k[0] * 100 : (k[0] + 1) * 100]
        k[0] += 1
        _seed_hub(hub, part)

    inc: list[float] = []
    for _ in range(max(5, reps)):
        change_100()
        start = time.perf_counter()
        summary = client.sync_once()
        inc.append(time.perf_counter() - start)
        assert summary.pulled == 100, summary
    bare = timed(lambda: get(cursor), 20)
    inc.sort()
    noop = timed(client.sync_once, 30)
    empty = timed(lambda: get(client.cursor()), 30)
    return [
        row(
            "incremental pull of 100 changes",
            (inc[len(inc) // 2], inc[0], inc[-1]),
            "bare GET of an empty pull page",
            bare[0],
            "<= 40 ms",
        ),
        row("no-op sync", noop, "bare GET of an empty pull page", empty[0], "<= 6 ms"),
    ]


def _push(hub: HubProcess, root: Path, n: int, reps: int) -> dict:
    runs: list[float] = []
    bare: list[float] = []
    for i in range(reps):
        store = _fresh_store(root / f"push{i}")
        client = _client(hub, store)
        _queue_new(store, n)
        summary = SyncSummary()
        start = time.perf_counter()
        client.push(summary)
        runs.append(time.perf_counter() - start)
        assert summary.applied == n, summary
        bodies = _bare_bodies(n)
        session = requests.Session()
        headers = {
            "Authorization": f"Bearer {client.api.token}",
            "Content-Type": "application/json",
        }
        start = time.perf_counter()
        for body in bodies:
            session.post(
                client.api.base_url + "/push", data=body, headers=headers
            ).raise_for_status()
        bare.append(time.perf_counter() - start)
        store.close()
    runs.sort()
    bare.sort()
    return row(
        f"push of {n:,} new records from the outbox",
        (runs[len(runs) // 2], runs[0], runs[-1]),
        "bare POSTs of the same number of pre-built changes",
        bare[len(bare) // 2],
        ">= 20,000 records/s",
        records_per_s=round(n / runs[len(runs) // 2]),
    )


def _bare_bodies(n: int) -> list[bytes]:
    bodies = []
    for start in range(0, n, 2000):
        changes = []
        for k in range(start, min(n, start + 2000)):
            rid = new_id()
            payload = {"id": rid, "deleted": False, **_payload("household", k, rid)}
            changes.append(
                {
                    "change_id": new_id(),
                    "entity": "household",
                    "id": rid,
                    "base_rev": None,
                    "op": "upsert",
                    "payload": payload,
                    "offices": [OFFICE],
                }
            )
        bodies.append(json.dumps({"v": 1, "changes": changes}, ensure_ascii=False).encode())
    return bodies
