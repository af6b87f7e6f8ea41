"""Attachment access follows records (finding 2): holding a sha256 grants nothing, a wrong
size declared by one device blocks no other, and status tells only what the caller may see."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from sync.hub_client import HubApi, new_change
from sync.transport import HubRefused
from tests.sync.conftest import OFFICE_A, OFFICE_B

SCAN = os.urandom(200_000) + "户口簿".encode()


def _headers(api: HubApi, size: int | None = None) -> dict[str, str]:
    out = {"Authorization": f"Bearer {api.token}"}
    if size is not None:
        out["X-Attachment-Size"] = str(size)
    return out


def test_commit_of_anothers_upload_grants_no_read(
    client_for: Callable[[str], HubApi], tmp_path: Path
) -> None:
    a, b = client_for(OFFICE_A), client_for(OFFICE_B)
    sha = a.upload_attachment(SCAN)
    commit = requests.post(
        f"{b.base_url}/attachments/{sha}/commit", headers=_headers(b), timeout=10
    )
    assert commit.status_code < 500
    with pytest.raises(HubRefused) as exc:
        b.download_attachment(sha, tmp_path / "stolen")
    assert exc.value.status == 403
    assert not (tmp_path / "stolen").exists()
    # a record of B's own naming A's file grants nothing either
    meta = {"sha256": sha, "name": "户口簿.jpg", "size": len(SCAN)}
    [r] = b.push([new_change("attachment_meta", uuid.uuid4(), meta, [OFFICE_B])])
    assert r.status == "applied"
    with pytest.raises(HubRefused):
        b.download_attachment(sha, tmp_path / "stolen2")
    # the status endpoint tells B nothing about A's file
    state = b.attachment_status(sha)
    assert (state.size, state.received, state.complete) == (None, 0, False)
    assert a.attachment_status(sha).complete
    # A shares it through a record in both scopes: now B reads it
    [r] = a.push([new_change("attachment_meta", uuid.uuid4(), meta, [OFFICE_A, OFFICE_B])])
    assert r.status == "applied"
    assert b.download_attachment(sha, tmp_path / "shared").read_bytes() == SCAN


def test_wrong_size_declared_first_blocks_no_other_device(
    client_for: Callable[[str], HubApi], tmp_path: Path
) -> None:
    a, b = client_for(OFFICE_A), client_for(OFFICE_B)
    sha = hashlib.sha256(SCAN).hexdigest()
    put = requests.put(
        f"{b.base_url}/attachments/{sha}/chunks/0",
        data=b"x" * 10,
        headers=_headers(b, 12),
        timeout=10,
    )
    assert put.status_code == 200
    for _ in range(2):  # every try succeeds, not just one after an expiry
        assert a.upload_attachment(SCAN) == sha
    assert a.attachment_status(sha).complete
    assert a.download_attachment(sha, tmp_path / "mine").read_bytes() == SCAN
