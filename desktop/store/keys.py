"""The database key, wrapped per user by a key derived from the user's password (argon2id)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop.errors import DamagedStoreError, ValidationError, WrongKeyError


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost; stored with each wrapped key so it can be raised later."""

    time_cost: int = 3
    memory_kib: int = 65536
    parallelism: int = 2


DEFAULT_KDF = KdfParams()
_DUMMY_SALT = secrets.token_bytes(16)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def new_database_key() -> bytes:
    """A random 256-bit key for SQLCipher."""
    return secrets.token_bytes(32)


def _derive(password: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def check_password_strength(password: str) -> None:
    """Refuse passwords too weak to protect a laptop's data."""
    if len(password) < 8:
        raise ValidationError("密码", "至少8位", code="too_short")
    if password.isdigit() or password.isalpha():
        raise ValidationError("密码", "须同时包含字母和数字", code="too_simple")


class KeyFile:
    """The key file beside the database: one wrapped copy of the database key per user."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict:
        if not self.path.exists():
            return {"version": 1, "users": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DamagedStoreError(f"密钥文件 {self.path.name} 已损坏，无法读取：{exc}") from None
        if not isinstance(data, dict) or "users" not in data:
            raise DamagedStoreError(f"密钥文件 {self.path.name} 格式不正确")
        return data

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keys-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)

    def usernames(self) -> list[str]:
        return sorted(self._load()["users"])

    def has_user(self, username: str) -> bool:
        return username in self._load()["users"]

    def wrap(
        self, username: str, password: str, db_key: bytes, kdf: KdfParams = DEFAULT_KDF
    ) -> None:
        """Store ``db_key`` wrapped under ``password`` for ``username`` (replacing any old copy)."""
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        kek = _derive(password, salt, kdf)
        wrapped = AESGCM(kek).encrypt(nonce, db_key, username.encode("utf-8"))
        data = self._load()
        data["users"][username] = {
            "kdf": "argon2id",
            "t": kdf.time_cost,
            "m": kdf.memory_kib,
            "p": kdf.parallelism,
            "salt": _b64(salt),
            "nonce": _b64(nonce),
            "wrapped": _b64(wrapped),
        }
        self._save(data)

    def unwrap(self, username: str, password: str) -> bytes:
        """Return the database key; WrongKeyError if the user or password is wrong."""
        users = self._load()["users"]
        entry = users.get(username)
        if entry is None:
            # the same key derivation as for a known user, so the time taken does not tell
            # which user names exist on this desk
            model = next(iter(users.values()), None)
            kdf = KdfParams(model["t"], model["m"], model["p"]) if model else DEFAULT_KDF
            _derive(password, _DUMMY_SALT, kdf)
            raise WrongKeyError("用户名或密码错误")
        kdf = KdfParams(entry["t"], entry["m"], entry["p"])
        kek = _derive(password, _unb64(entry["salt"]), kdf)
        try:
            return AESGCM(kek).decrypt(
                _unb64(entry["nonce"]), _unb64(entry["wrapped"]), username.encode("utf-8")
            )
        except InvalidTag:
            raise WrongKeyError("用户名或密码错误") from None

    def remove(self, username: str) -> None:
        data = self._load()
        data["users"].pop(username, None)
        self._save(data)
