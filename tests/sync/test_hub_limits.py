"""Request limits (finding 5): an oversize body is refused while it streams, so the hub's
memory stays bounded (hub in its own process, peak RSS read from /proc), and malformed shapes
get a 4xx with the protocol's error body, never a 5xx."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync.hub.server import HubThread
from sync.hub_client import HubApi
from tests.sync.conftest import OFFICE_A, enrol

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture
def hub_process(tmp_path: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.hub", "serve", "--port", str(port),
         "--db", f"sqlite:///{tmp_path}/hub.db"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{url}/info", timeout=1)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("hub did not start") from None
            time.sleep(0.1)
    yield url, proc.pid
    proc.terminate()
    proc.wait(timeout=10)


def test_oversize_chunked_body_is_refused_while_streaming(hub_process) -> None:
    url, pid = hub_process
    before = _peak_rss_mib(pid)

    def body() -> Iterator[bytes]:
        block = b"x" * MIB
        for _ in range(400):
            yield block

    status = None
    # no Content-Length: chunked transfer of 400 MiB; the hub may close after its 413
    with contextlib.suppress(requests.ConnectionError):
        status = requests.post(f"{url}/devices", data=body(), timeout=60).status_code
    peak = _peak_rss_mib(pid)
    assert status in (413, None)
    assert peak - before < 200, f"hub grew from {before:.0f} to {peak:.0f} MiB"
    assert requests.get(f"{url}/info", timeout=5).status_code == 200


@pytest.mark.parametrize("op", [{}, [], 1, None])
def test_malformed_op_is_a_422_with_the_error_body(hub: HubThread, op: object) -> None:
    api: HubApi = enrol(hub, OFFICE_A)
    change = {
        "change_id": str(uuid.uuid4()),
        "entity": "household",
        "id": str(uuid.uuid4()),
        "base_rev": None,
        "op": op,
        "payload": {},
        "offices": [OFFICE_A],
    }
    answer = requests.post(
        f"{api.base_url}/push",
        json={"v": 1, "changes": [change]},
        headers={"Authorization": f"Bearer {api.token}"},
        timeout=10,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "malformed"
