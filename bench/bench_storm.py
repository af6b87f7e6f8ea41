"""Hub under a sync storm: 1,000 enrolled desks each doing a no-op pull (spread over a minute,
and as one burst) and a desk's whole no-op sync (pull, office directory, city policy table,
audit checkpoint against a chain of months of audit events), 100 desks pushing 100 households
each at once, and other desks' pulls during that push, against the hub in one worker process
per core on PostgreSQL."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import requests

from desktop.domain.audit_chain import GENESIS, event_hash
from desktop.domain.policy.defaults import DEFAULT_POLICY_ROWS
from sync.hub import accounts, city_policy, migrations
from sync.hub.config import HubSettings
from sync.hub.db import Database
from sync.hub_client import HubApi
from sync.transport import HttpClient, HttpSettings

ROOT = Path(__file__).resolve().parent.parent
#: the database the full run uses (a fresh schema inside it, dropped afterwards)
PG_ENV = "BENCH_HUB_DATABASE_URL"
PG_DEFAULT = "postgresql://jiuzhu:jiuzhu@127.0.0.1:55432/jiuzhu_storm"
#: one attempt only: a retried request would hide the error this benchmark counts
ONE_SHOT = HttpSettings(attempts=1, read_timeout_s=60)
#: requests in flight at once from the load process (desks whose sync falls in the same instant)
CONCURRENCY = 32
#: threads of the paced storm (more than ever needed at once, so pacing is the hub's, not ours)
PACED_THREADS = 64
#: audit events each desk has pushed before the storm (a window PC's few months of work)
CHAIN_LINKS = 1000


def _office(k: int) -> str:
    return f"1201{k // 100 + 1:02d}{k % 100 + 1:03d}"


def _household(rid: str, office: str, n: int) -> dict[str, Any]:
    """A household as a desk's service leaves it (the fields of bench_sync's households)."""
    return {
        "id": rid,
        "deleted": False,
        "residence_office_id": office,
        "hukou_office_id": office,
        "community": "紫金山社区",
        "address": f"天津市河西区友谊路街道紫金山路{n % 300}号{n % 12}-{n % 6}01",
        "hukou_address": "",
        "phone": f"138{n:08d}",
        "address_key": f"紫金山路{n % 300}",
        "note": "",
    }


# -- the hub: N uvicorn worker processes on one listening socket ------------------------------


def _worker(db_url: str, sock: socket.socket) -> None:
    import uvicorn

    from sync.hub.app import create_app
    from sync.hub.server import _config

    app = create_app(HubSettings(db_url=db_url))
    try:
        uvicorn.Server(_config(app)).run(sockets=[sock])
    finally:
        app.state.database.dispose()


def _serve(db_url: str, port: int, workers: int) -> None:
    """Listen once (TCP_NODELAY, as ``python -m sync.hub serve``), serve from ``workers``."""
    from sync.hub.server import listen

    sock = listen("127.0.0.1", port)
    sock.listen(2048)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(db_url, sock), daemon=True) for _ in range(workers)]
    for p in procs:
        p.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    while not done.is_set() and all(p.is_alive() for p in procs):
        done.wait(0.2)
    for p in procs:
        p.terminate()
    for p in procs:
        p.join(10)
    sock.close()


class HubWorkers:
    """The hub served by ``workers`` processes in a child process of the load process."""

    def __init__(self, db_url: str, workers: int) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "bench.bench_storm", "serve", "--db", db_url]
        cmd += ["--port", str(port), "--workers", str(workers)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.base_url + "/v1/info", timeout=2).ok:
                    break
            except requests.RequestException:  # listening before the workers accept
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("hub did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


# -- the database -----------------------------------------------------------------------------


@contextmanager
def _database(smoke: bool, folder: Path) -> Iterator[tuple[str, str]]:
    """(url, backend): a fresh PostgreSQL schema, or (smoke without PostgreSQL) a SQLite file."""
    base = os.environ.get(PG_ENV) or PG_DEFAULT
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            schema = f"storm_{uuid.uuid4().hex[:12]}"
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError:
        if not smoke:
            raise
        yield f"sqlite:///{folder}/hub.db", "SQLite"
        return
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}", "PostgreSQL"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


# -- the load ---------------------------------------------------------------------------------


class Storm:
    """Latencies and errors of one burst of requests, each from its own desk's session."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.wall = 0.0

    def p(self, q: float) -> float:
        s = sorted(self.latencies)
        return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else float("nan")


def _storms(
    calls: Sequence[tuple[str, Callable[[], object]]], concurrency: int, window_s: float = 0.0
) -> dict[str, Storm]:
    """Run every call once, ``concurrency`` at a time, and time it per label.

    With ``window_s`` the calls are paced: call ``i`` is due at ``i * window_s / len(calls)``
    and its latency counts from when it was due (a late start is the hub's delay too).
    """
    storms = {label: Storm() for label, _ in calls}
    lock = threading.Lock()
    start = time.perf_counter()
    step = window_s / len(calls) if calls else 0.0

    def one(i: int) -> None:
        label, call = calls[i]
        due = start + i * step
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        t = max(due, time.perf_counter()) if window_s else time.perf_counter()
        try:
            call()
        except Exception as exc:  # every failure is counted, none retried
            with lock:
                storms[label].errors.append(repr(exc)[:200])
            return
        took = time.perf_counter() - t
        with lock:
            storms[label].latencies.append(took)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(len(calls))))
    wall = time.perf_counter() - start
    for storm in storms.values():
        storm.wall = wall
    return storms


def _burst(calls: Sequence[Callable[[], object]], concurrency: int) -> Storm:
    """Run every call once, ``concurrency`` at a time, as fast as the hub answers."""
    return _storms([("", c) for c in calls], concurrency)[""]


def _enrol(database: Database, base_url: str, offices: int, per_office: int) -> list[HubApi]:
    """Offices and desks registered the way a clerk does it: a code made on the hub, spent by
    the desk over HTTP (``HubApi.register``)."""
    settings = HubSettings(db_url=database.url)
    codes = []
    for k in range(offices):
        accounts.add_office(database, _office(k), f"第{k + 1}街道", f"第{k // 100 + 1}区")
        for d in range(per_office):
            codes.append((_office(k), accounts.create_enrolment(database, _office(k), settings), d))
    desks = [HubApi(base_url, http=HttpClient(ONE_SHOT)) for _ in codes]
    work = [
        partial(api.register, o, c, f"窗口{d + 1}")
        for api, (o, c, d) in zip(desks, codes, strict=True)
    ]
    storm = _burst(work, 8)
    if storm.errors:
        raise RuntimeError(f"registration failed: {storm.errors[:3]}")
    return desks


def _fresh(desks: list[HubApi]) -> None:
    """Drop every pooled connection: each desk of a storm opens its own, as a real one would."""
    for api in desks:
        api.http.session.close()


def _push_storm(
    desks: list[HubApi], changes: int, rep: int, started: threading.Event | None = None
) -> tuple[Storm, list[str], int]:
    """Every desk pushes ``changes`` new households of its office in one request, all at once
    (``started`` is set when they are released)."""
    ids: list[str] = []
    bodies = []
    bad = [0]
    for d, api in enumerate(desks):
        office = _office_of(api)
        batch = []
        for n in range(changes):
            rid = str(uuid.uuid4())
            ids.append(rid)
            batch.append(
                {
                    "change_id": str(uuid.uuid4()),
                    "entity": "household",
                    "id": rid,
                    "base_rev": None,
                    "op": "upsert",
                    "payload": _household(rid, office, rep * 1_000_000 + d * changes + n),
                    "offices": [office],
                }
            )
        bodies.append(batch)
    gate = threading.Barrier(len(desks), action=started.set if started else None)

    def push(api: HubApi, batch: list[dict[str, Any]]) -> None:
        gate.wait()
        results = api.push_wire(batch)
        not_applied = sum(1 for r in results if r.get("status") != "applied")
        if not_applied:
            bad[0] += not_applied
            raise RuntimeError(f"{not_applied} changes not applied: {results[0]}")

    work = [partial(push, api, b) for api, b in zip(desks, bodies, strict=True)]
    _fresh(desks)
    return _burst(work, len(desks)), ids, bad[0]


def _applied_once(database: Database, ids: list[str]) -> int:
    """How many of ``ids`` the hub holds as a household at rev 1 with one office-index row."""
    found = 0
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        mark = "?" if database.is_sqlite else "%s"
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join([mark] * len(part))
            cur.execute(
                "SELECT count(*) FROM hub_records r WHERE r.entity = 'household' AND r.rev = 1 "
                f"AND r.id IN ({marks}) AND (SELECT count(*) FROM hub_record_offices o "
                "WHERE o.entity = r.entity AND o.id = r.id) = 1",
                part,
            )
            got = cur.fetchone()
            found += int(got[0]) if got else 0
        cur.close()
    return found


def _cursors(database: Database) -> dict[str, str]:
    """Where each office's desks stand after their last pull (the newest seq in scope)."""
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cur.execute("SELECT office_code, max(seq) FROM hub_record_offices GROUP BY office_code")
        out = {office: str(seq) for office, seq in cur.fetchall()}
        cur.close()
    return out


def _office_of(api: HubApi) -> str:
    return api.registration.office_code if api.registration else ""


def _seed_chains(database: Database, desks: list[HubApi], links: int) -> dict[str, tuple[int, str]]:
    """Every desk's audit chain on the hub, as its pushes left it (hub_records rows with the
    desk as writer); returns each device's chain end."""
    ends: dict[str, tuple[int, str]] = {}
    lines: list[tuple[Any, ...]] = []
    with database.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cur.execute("SELECT value FROM hub_counters WHERE name = 'seq'")
        got = cur.fetchone()
        seq = int(got[0]) if got else 0
        for api in desks:
            assert api.registration is not None
            device = str(api.registration.device_id)
            prev = GENESIS
            for k in range(1, links + 1):
                seq += 1
                fields = {"id": str(uuid.uuid4()), "at": "2026-11-02 09:30:00", "user_id": "u-1",
                          "actor_name": "张明", "role": "clerk", "office_id": "o-1",
                          "action": "accept", "entity": "application", "entity_id": "a-1",
                          "summary": f"受理 第 {k} 件", "data": {}}  # fmt: skip
                digest = event_hash(k, prev, fields)
                payload = {f: v for f, v in fields.items() if f not in ("user_id", "office_id")}
                payload["chain"] = {"seq": k, "prev": prev, "hash": digest, "user_id": "u-1",
                                    "office_id": "o-1"}  # fmt: skip
                lines.append(("audit_event", fields["id"], 1, False,
                              json.dumps(payload, ensure_ascii=False), "[]", seq, 0.0, device))  # fmt: skip
                prev = digest
            ends[device] = (links, prev)
        insert = (
            "INSERT INTO hub_records (entity, id, rev, deleted, payload, offices, seq, "
            "updated_at, updated_by) VALUES " + ("(?, ?, ?, ?, ?, ?, ?, ?, ?)" if database.is_sqlite
                                                 else "(%s, %s, %s, %s, %s, %s, %s, %s, %s)")
        )  # fmt: skip
        if database.is_sqlite:
            cur.executemany(insert, lines)
        else:
            columns = "entity, id, rev, deleted, payload, offices, seq, updated_at, updated_by"
            with cur.copy(f"COPY hub_records ({columns}) FROM STDIN") as copy:
                for line in lines:
                    copy.write_row(line)
        cur.execute(f"UPDATE hub_counters SET value = {seq} WHERE name = 'seq'")
        cur.execute("ANALYZE hub_records" if not database.is_sqlite else "ANALYZE")
        raw.commit()
        cur.close()
    return ends


def _sync(api: HubApi, cursor: str, have: str, end: tuple[int, str]) -> None:
    """A desk's whole sync with nothing to push or pull: the requests ``SyncClient.sync_once``
    makes then (pull, office directory, city policy table, audit checkpoint)."""
    _noop(api, cursor)
    api.offices()
    if not api.city_policy(have).get("unchanged"):
        raise RuntimeError("policy table sent again")
    point = {"seq": end[0], "hash": end[1], "policy_digest": None}
    answer = json.loads(api._call("POST", "/audit/checkpoint", json.dumps(point).encode()))
    if not answer["ok"]:
        raise RuntimeError(f"checkpoint refused: {answer['message']}")


def _info4(api: HubApi) -> None:
    for _ in range(4):
        api.info()


def _noop(api: HubApi, cursor: str) -> None:
    page = api.pull_wire(cursor, 1000)
    if page["records"] or page["has_more"]:
        raise RuntimeError("pull was not a no-op")


def _info(api: HubApi) -> None:
    api.info()


def run(smoke: bool) -> list[dict]:
    """Measure the storms against the hub in worker processes (PostgreSQL)."""
    offices, per_office, pushers, changes, reps, window_s, readers_n, during_s, links = (
        (8, 4, 5, 20, 1, 1.0, 12, 0.2, 20)
        if smoke
        else (250, 4, 100, 100, 3, 60.0, 200, 2.0, int(os.environ.get("BENCH_CHAIN", CHAIN_LINKS)))
    )
    workers = max(1, os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as tmp, _database(smoke, Path(tmp)) as (url, backend):
        database = Database(url)
        migrations.upgrade(database)
        hub = HubWorkers(url, workers)
        try:
            desks = _enrol(database, hub.base_url, offices, per_office)
            ends = _seed_chains(database, desks, links)
            have = city_policy.load(database, list(DEFAULT_POLICY_ROWS))
            sync_runs: list[tuple[Storm, Storm]] = []
            # one pusher per office: desk 1 of the first ``pushers`` offices
            push_desks = [desks[k * per_office] for k in range(min(pushers, offices))]
            push_desks += desks[1 : 1 + pushers - len(push_desks)]
            noop_runs, info_runs, push_runs, push_base = [], [], [], []
            paced_runs: list[tuple[Storm, Storm]] = []
            applied_ok = True
            # desks of offices nobody pushes to: their pulls stay no-ops during the push storm
            readers = desks[min(pushers, offices) * per_office :][:readers_n]
            during_runs: list[tuple[Storm, Storm]] = []
            for rep in range(reps):
                _fresh(readers)
                started = threading.Event()
                background = ThreadPoolExecutor(1)
                pushed = background.submit(_push_storm, push_desks, changes, rep, started)
                started.wait()
                side: list[tuple[str, Callable[[], object]]] = []
                for a in readers:
                    side += [("pull", partial(_noop, a, "0")), ("info", partial(_info, a))]
                during = _storms(side, PACED_THREADS, during_s)
                during_runs.append((during["pull"], during["info"]))
                storm, ids, bad = pushed.result()
                background.shutdown()
                push_runs.append(storm)
                held = _applied_once(database, ids)
                applied_ok = applied_ok and held == len(ids) and bad == 0
                _fresh(push_desks)
                push_base.append(_burst([partial(_info, a) for a in push_desks], len(push_desks)))
                at = _cursors(database)
                _fresh(desks)
                calls = [partial(_noop, a, at.get(_office_of(a), "0")) for a in desks]
                noop_runs.append(_burst(calls, CONCURRENCY))
                _fresh(desks)
                info_runs.append(_burst([partial(_info, a) for a in desks], CONCURRENCY))
                # the same desks spread over the minute, each next to a bare call
                _fresh(desks)
                mixed: list[tuple[str, Callable[[], object]]] = []
                for call, a in zip(calls, desks, strict=True):
                    mixed += [("pull", call), ("info", partial(_info, a))]
                paced = _storms(mixed, PACED_THREADS, window_s)
                paced_runs.append((paced["pull"], paced["info"]))
                # each desk's whole no-op sync, spread over the minute, next to four bare calls
                _fresh(desks)
                whole: list[tuple[str, Callable[[], object]]] = []
                for a in desks:
                    cursor = at.get(_office_of(a), "0")
                    end = ends[str(a.registration.device_id)] if a.registration else (0, GENESIS)
                    whole += [("sync", partial(_sync, a, cursor, have, end)),
                              ("info", partial(_info4, a))]  # fmt: skip
                synced = _storms(whole, PACED_THREADS, window_s)
                sync_runs.append((synced["sync"], synced["info"]))
        finally:
            hub.stop()
            database.dispose()
    paced_all = [s for pair in paced_runs + during_runs + sync_runs for s in pair]
    failures = sum(len(s.errors) for s in noop_runs + push_runs + paced_all)
    if smoke and (failures or not applied_ok):  # the smoke run proves the storm still passes
        errors = [e for s in noop_runs + push_runs + paced_all for e in s.errors]
        raise RuntimeError(
            f"storm failed: {failures} errors, applied once: {applied_ok}; {errors[:3]}"
        )
    return _rows(
        backend, workers, len(desks), len(push_desks), changes, reps, window_s,
        noop_runs, info_runs, paced_runs, push_runs, push_base, applied_ok,
        during_runs, len(readers), during_s, sync_runs, links,
    )  # fmt: skip


def _spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def _rows(
    backend: str,
    workers: int,
    n_desks: int,
    n_push: int,
    changes: int,
    reps: int,
    window_s: float,
    noop: list[Storm],
    info: list[Storm],
    paced: list[tuple[Storm, Storm]],
    push: list[Storm],
    push_base: list[Storm],
    applied_ok: bool,
    during: list[tuple[Storm, Storm]],
    n_readers: int,
    during_s: float,
    synced: list[tuple[Storm, Storm]],
    links: int,
) -> list[dict]:
    from bench.common import row

    where = f"{backend}, {workers} workers"
    med = statistics.median
    return [
        row(
            f"no-op pull, {n_desks} desks within {window_s:.0f} s: p99 ({where})",
            _spread([p.p(0.99) for p, _i in paced]),
            f"GET /v1/info x{n_desks} in the same window, p99",
            med(i.p(0.99) for _p, i in paced),
            "p99 <= 200 ms, 0 errors",
            p50_ms=med(p.p(0.5) for p, _i in paced) * 1000,
            base_p50_ms=med(i.p(0.5) for _p, i in paced) * 1000,
            errors=sum(len(p.errors) + len(i.errors) for p, i in paced),
            runs=reps,
        ),
        row(
            f"whole no-op sync (pull, directory, policy, checkpoint of {links} links), "
            f"{n_desks} desks within {window_s:.0f} s: p99",
            _spread([p.p(0.99) for p, _i in synced]),
            f"4 x GET /v1/info x{n_desks} in the same window, p99",
            med(i.p(0.99) for _p, i in synced),
            "p99 <= 200 ms, 0 errors",
            p50_ms=med(p.p(0.5) for p, _i in synced) * 1000,
            base_p50_ms=med(i.p(0.5) for _p, i in synced) * 1000,
            errors=sum(len(p.errors) + len(i.errors) for p, i in synced),
            runs=reps,
        ),
        row(
            f"no-op pull burst, {n_desks} desks, {CONCURRENCY} in flight: p99 ({where})",
            _spread([s.p(0.99) for s in noop]),
            f"GET /v1/info x{n_desks}, p99",
            med(s.p(0.99) for s in info),
            "0 errors; capacity >= 1000 desks/min",
            p50_ms=med(s.p(0.5) for s in noop) * 1000,
            req_per_s=med(s.rate for s in noop),
            wall_s=med(s.wall for s in noop),
            errors=sum(len(s.errors) for s in noop),
            base_p50_ms=med(s.p(0.5) for s in info) * 1000,
            base_req_per_s=med(s.rate for s in info),
            runs=reps,
        ),
        row(
            f"push storm, {n_push} desks x {changes} households at once: wall",
            _spread([s.wall for s in push]),
            f"GET /v1/info x{n_push} at once, wall",
            med(s.wall for s in push_base),
            "0 errors, every change applied once",
            p50_ms=med(s.p(0.5) for s in push) * 1000,
            p99_ms=med(s.p(0.99) for s in push) * 1000,
            records_per_s=med(n_push * changes / s.wall for s in push),
            errors=sum(len(s.errors) for s in push),
            applied_once=applied_ok,
            runs=reps,
        ),
        row(
            f"no-op pull during the push storm, {n_readers} desks within {during_s:.1f} s: p99",
            _spread([p.p(0.99) for p, _i in during]),
            f"GET /v1/info x{n_readers} in the same window, p99",
            med(i.p(0.99) for _p, i in during),
            "p99 <= 200 ms, 0 errors",
            p50_ms=med(p.p(0.5) for p, _i in during) * 1000,
            base_p50_ms=med(i.p(0.5) for _p, i in during) * 1000,
            errors=sum(len(p.errors) + len(i.errors) for p, i in during),
            runs=reps,
        ),
    ]


def _main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_storm")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the hub from worker processes")
    serve.add_argument("--db", required=True)
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.command == "serve":
        _serve(args.db, args.port, args.workers)
        return
    for r in run(args.smoke):
        print(r)


if __name__ == "__main__":
    _main()
