"""Field encryption at rest plus a keyed hash for exact-match search (a blind index).

Keys come from settings (environment in production). Fernet gives authenticated encryption; the
MultiFernet lets old keys keep decrypting after a rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet_key(raw: str) -> bytes:
    # Accept a real Fernet key or any secret string (stretched to 32 bytes) so dev keys stay readable.
    try:
        decoded = base64.urlsafe_b64decode(raw.encode())
        if len(decoded) == 32:
            return raw.encode()
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    if value == "":
        return ""
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if token == "":
        return ""
    return cipher().decrypt(token.encode()).decode()


def blind_index(value: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised value: equal values match, nothing is revealed."""
    key = settings.FIELD_HASH_KEY.encode()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def encrypt_many(values: list[str], keys: tuple[str, ...] | None = None) -> list[str]:
    """`encrypt` over a batch (bulk loads): the cipher is looked up once, each value gets its own token.
    `keys` (the settings' FIELD_ENCRYPTION_KEYS) lets a worker process without Django settings do it."""
    f = _cipher(keys) if keys is not None else cipher()
    return ["" if v == "" else f.encrypt(v.encode()).decode() for v in values]


def blind_index_many(values: list[str], key: str | None = None) -> list[str]:
    """`blind_index` over a batch (bulk loads): the same keyed hash, the key read once (or given, as
    `encrypt_many`'s keys)."""
    k = (settings.FIELD_HASH_KEY if key is None else key).encode()
    return [hmac.new(k, v.strip().upper().encode(), hashlib.sha256).hexdigest() for v in values]


def secure_many(
    values: list[str], hash_key: str, keys: tuple[str, ...] | None
) -> tuple[list[str], list[str] | None]:
    """A bulk load's CPU-bound share for a batch: the blind indexes and, when `keys` are given, the
    ciphertexts. Needs no Django settings or apps, so a spawned worker process can run it."""
    return blind_index_many(values, hash_key), encrypt_many(values, keys) if keys else None
