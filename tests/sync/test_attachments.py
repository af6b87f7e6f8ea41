"""Attachments: resumable upload after a cut, hash check, size limit, ranged download, scope."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from sync.hub.server import HubThread
from sync.hub_client import HubApi, new_change
from sync.transport import HubRefused, SyncCancelled
from tests.sync.conftest import OFFICE_A, OFFICE_B, enrol

PHOTO = os.urandom(300_000) + "入户照片".encode()


def test_upload_cut_midway_resumes_from_hub_status(
    client_for: Callable[[str], HubApi], tmp_path: Path
) -> None:
    api = client_for(OFFICE_A)
    src = tmp_path / "photo.jpg"
    src.write_bytes(PHOTO)
    seen: list[int] = []
    with pytest.raises(SyncCancelled):
        api.upload_attachment(
            src,
            progress=lambda d, t, _w: seen.append(d),
            cancelled=lambda: len(seen) >= 2,
            chunk_size=64 * 1024,
        )
    sha = hashlib.sha256(PHOTO).hexdigest()
    partial = api.attachment_status(sha)
    assert partial.received == 2 * 64 * 1024 and not partial.complete and partial.size == len(PHOTO)
    resumed: list[int] = []
    assert (
        api.upload_attachment(
            src, progress=lambda d, t, _w: resumed.append(d), chunk_size=64 * 1024
        )
        == sha
    )
    assert resumed[0] == 3 * 64 * 1024 and resumed[-1] == len(PHOTO)  # nothing sent twice
    assert api.attachment_status(sha).complete
    out = api.download_attachment(sha, tmp_path / "copy.jpg", chunk_size=50_000)
    assert out.read_bytes() == PHOTO


def test_ranged_download_and_resume_of_a_partial_file(
    client_for: Callable[[str], HubApi], tmp_path: Path
) -> None:
    api = client_for(OFFICE_A)
    sha = api.upload_attachment(PHOTO)
    headers = {"Authorization": f"Bearer {api.token}", "Range": "bytes=100-199"}
    resp = requests.get(f"{api.base_url}/attachments/{sha}", headers=headers, timeout=10)
    assert resp.status_code == 206 and resp.content == PHOTO[100:200]
    assert resp.headers["Content-Range"] == f"bytes 100-199/{len(PHOTO)}"
    (tmp_path / "scan.pdf.part").write_bytes(PHOTO[:123_456])
    assert api.download_attachment(sha, tmp_path / "scan.pdf").read_bytes() == PHOTO


def test_hash_mismatch_is_refused_and_discarded(client_for: Callable[[str], HubApi]) -> None:
    api = client_for(OFFICE_A)
    claimed = hashlib.sha256(b"the real scan").hexdigest()
    headers = {"Authorization": f"Bearer {api.token}", "X-Attachment-Size": "9"}
    put = requests.put(
        f"{api.base_url}/attachments/{claimed}/chunks/0",
        data=b"forged!!!",
        headers=headers,
        timeout=10,
    )
    assert put.status_code == 200
    commit = requests.post(
        f"{api.base_url}/attachments/{claimed}/commit", headers=headers, timeout=10
    )
    assert commit.status_code == 422
    error = commit.json()["error"]
    assert error["code"] == "hash_mismatch" and "SHA-256" in error["message"]
    state = api.attachment_status(claimed)
    assert (state.received, state.complete) == (0, False)


def test_oversize_attachment_is_refused_with_413(small_hub: HubThread) -> None:
    api = enrol(small_hub, OFFICE_A)
    with pytest.raises(HubRefused) as exc:
        api.upload_attachment(os.urandom(70 * 1024), chunk_size=16 * 1024)
    assert exc.value.status == 413 and "上限" in exc.value.message
    assert api.upload_attachment(os.urandom(60 * 1024), chunk_size=16 * 1024)


def test_wrong_offset_gets_409_with_received_count(client_for: Callable[[str], HubApi]) -> None:
    api = client_for(OFFICE_A)
    sha = hashlib.sha256(b"abcdef").hexdigest()
    headers = {"Authorization": f"Bearer {api.token}", "X-Attachment-Size": "6"}
    requests.put(
        f"{api.base_url}/attachments/{sha}/chunks/0", data=b"abc", headers=headers, timeout=10
    )
    skip = requests.put(
        f"{api.base_url}/attachments/{sha}/chunks/5", data=b"f", headers=headers, timeout=10
    )
    assert skip.status_code == 409 and skip.json()["error"]["detail"] == {"received": 3}


def test_other_office_reads_an_attachment_only_through_its_meta_record(
    client_for: Callable[[str], HubApi], tmp_path: Path
) -> None:
    a, b = client_for(OFFICE_A), client_for(OFFICE_B)
    sha = a.upload_attachment(PHOTO)
    with pytest.raises(HubRefused) as exc:
        b.download_attachment(sha, tmp_path / "x")
    assert exc.value.status == 403
    meta = {"sha256": sha, "name": "身份证复印件.jpg", "size": len(PHOTO)}
    [r] = a.push([new_change("attachment_meta", uuid.uuid4(), meta, [OFFICE_A, OFFICE_B])])
    assert r.status == "applied"
    assert b.download_attachment(sha, tmp_path / "y").read_bytes() == PHOTO
