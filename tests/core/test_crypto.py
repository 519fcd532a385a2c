"""Field encryption (core.crypto): the batch path of bulk loads gives real Fernet tokens."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.test import override_settings

from minzheng.core import crypto

VALUES = [
    "",
    "1",
    "x" * 15,
    "y" * 16,
    "z" * 17,
    "370802199001010011",
    "3708021990010100" * 2,
    "张三丰",
    "a" * 40,
]


def test_batch_tokens_decrypt_with_fernet_to_the_values_of_every_length() -> None:
    tokens = crypto.encrypt_many(VALUES * 3)

    assert [crypto.decrypt(t) for t in tokens] == VALUES * 3
    assert all((t == "") == (v == "") for v, t in zip(VALUES * 3, tokens, strict=True))
    filled = [t for t in tokens if t]
    assert len(set(filled)) == len(filled) == 24  # a random IV per value: equal IDs do not show


def test_batch_tokens_use_the_current_key_and_old_keys_still_decrypt_after_a_rotation() -> None:
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = crypto.encrypt_many(["370802199001010011"], (new, old))[0]

    assert Fernet(new.encode()).decrypt(token.encode()) == b"370802199001010011"
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(token.encode())
    assert MultiFernet([Fernet(old.encode()), Fernet(new.encode())]).decrypt(token.encode())
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        crypto._cipher.cache_clear()
        assert crypto.decrypt(token) == "370802199001010011"
    crypto._cipher.cache_clear()


def test_a_tampered_batch_token_is_refused() -> None:
    token = crypto.encrypt_many(["370802199001010011"])[0]
    raw = bytearray(token.encode())
    raw[40] = ord("A") if raw[40] != ord("A") else ord("B")

    with pytest.raises(InvalidToken):
        crypto.decrypt(raw.decode())


def test_secure_many_hashes_like_the_blind_index_and_encrypts_only_when_asked() -> None:
    from django.conf import settings

    ids = ["370802199001010011", "370802199001010038"]
    hashes, none = crypto.secure_many(ids, settings.FIELD_HASH_KEY, None)
    hashes2, tokens = crypto.secure_many(ids, settings.FIELD_HASH_KEY, tuple(settings.FIELD_ENCRYPTION_KEYS))

    assert hashes == hashes2 == [crypto.blind_index(i) for i in ids] and none is None
    assert [crypto.decrypt(t) for t in tokens or []] == ids
