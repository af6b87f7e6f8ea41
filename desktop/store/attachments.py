"""Attachment files (photos, signatures, scans): content-addressed by sha256, encrypted at rest."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.errors import DamagedStoreError, NotFound, ValidationError

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


_HEX64 = re.compile(r"[0-9a-f]{64}")


class AttachmentStore:
    """Files under ``folder/ab/abcdef…``; each is AES-GCM encrypted with a key derived from the DB key."""

    def __init__(self, folder: Path, db_key: bytes) -> None:
        self.folder = folder
        self._aead = AESGCM(
            HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"attachments").derive(
                db_key
            )
        )

    def _path(self, sha256: str) -> Path:
        if not _HEX64.fullmatch(sha256):
            raise NotFound(f"附件校验值不正确：{sha256[:16]!r}")
        return self.folder / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store bytes; return their sha256 (storing the same content twice is a no-op)."""
        if not data:
            raise ValidationError("附件", "文件为空", code="empty")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError("附件", "文件超过20MB，请压缩后再上传", code="too_large")
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        nonce = secrets.token_bytes(12)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            fh.write(nonce + self._aead.encrypt(nonce, data, digest.encode()))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return digest

    def get(self, sha256: str) -> bytes:
        """Return the plain bytes, verified against their hash."""
        path = self._path(sha256)
        if not path.exists():
            raise NotFound(f"附件文件不存在：{sha256[:12]}…")
        blob = path.read_bytes()
        try:
            data = self._aead.decrypt(blob[:12], blob[12:], sha256.encode())
        except InvalidTag:
            raise DamagedStoreError(f"附件文件已损坏：{sha256[:12]}…") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DamagedStoreError(f"附件内容与校验值不符：{sha256[:12]}…")
        return data

    def has(self, sha256: str) -> bool:
        return bool(_HEX64.fullmatch(sha256)) and self._path(sha256).exists()
