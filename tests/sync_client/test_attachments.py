"""Attachment files: an upload cut midway resumes; the other office downloads the file."""

from __future__ import annotations

import os
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import select

from desktop.services.family.documents import attach_document
from desktop.store.models import Document, OutboxEntry
from sync.hub_client import HubApi
from sync.protocol import DEFAULT_CHUNK_BYTES
from sync.transport import HttpClient
from tests.sync_client.conftest import OFFICE_A, OFFICE_B, QUICK
from tests.sync_client.helpers import new_household


class CutAfterChunks(HTTPAdapter):
    """Lets ``chunks`` attachment chunks through, then the line goes dead for every request."""

    def __init__(self, chunks: int) -> None:
        super().__init__(max_retries=0)
        self.left = chunks

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:  # type: ignore[override]
        if self.left <= 0:
            raise requests.ConnectionError("cable pulled")
        if "/chunks/" in (request.url or ""):
            self.left -= 1
        return super().send(request, *args, **kwargs)


def test_upload_cut_midway_resumes_and_other_office_downloads(desk, desk_b, linker, hub) -> None:
    a = linker(desk, OFFICE_A)
    hid = new_household(a, OFFICE_A, OFFICE_B)
    data = os.urandom(2 * DEFAULT_CHUNK_BYTES + 12345)
    doc = attach_document(
        a.store,
        a.clerk,
        household_id=hid,
        kind="application_form",
        data=data,
        file_name="申请书.pdf",
    )

    cut = HttpClient(QUICK)
    cut.mount("http://", CutAfterChunks(1))
    a.client.api.http = cut
    first = a.sync()
    assert not first.ok and "无法连接" in first.errors[0]
    probe = HubApi(hub.base_url, a.client.api.token)
    part = probe.attachment_status(doc.sha256)
    assert part.received == DEFAULT_CHUNK_BYTES and not part.complete
    with a.store.sessions.read() as s:
        meta = s.scalars(select(OutboxEntry).where(OutboxEntry.entity == "attachment_meta")).one()
        assert meta.state == "pending", "the meta record waits until the bytes are on the hub"

    a.client.api.http = HttpClient(QUICK)
    second = a.sync()
    assert second.ok and second.uploaded == 1
    assert probe.attachment_status(doc.sha256).complete
    with a.store.sessions.read() as s:
        assert (
            s.scalars(
                select(OutboxEntry.state).where(OutboxEntry.entity == "attachment_meta")
            ).one()
            == "applied"
        )

    b = linker(desk_b, OFFICE_B)
    got = b.sync()
    assert got.ok and got.downloaded == 1
    assert b.store.attachments.get(doc.sha256) == data
    with b.store.sessions.read() as s:
        row = s.get(Document, doc.id)
        assert row is not None and row.sha256 == doc.sha256 and row.file_name == "申请书.pdf"
    assert b.sync().downloaded == 0
