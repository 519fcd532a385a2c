"""Person keys (exchange/pseudonym.py): the registry's blind index, never a valid ID or card number."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from minzheng.core import crypto
from minzheng.core.pii import find_card_numbers, find_id_numbers
from minzheng.exchange import pseudonym


def test_keys_come_from_the_registry_blind_index_and_are_never_an_id_or_card_number() -> None:
    ids = ["370811198005170010", "37081119800517123x", "110101199003078515"]
    keys, hashes = pseudonym.pseudonymise(pa.array(ids))
    assert [h.hex() for h in hashes.to_pylist()] == [crypto.blind_index(i) for i in ids]
    assert keys.to_pylist() == [pseudonym.key_of_hash(crypto.blind_index(i)) for i in ids]
    prefixes = np.random.default_rng(7).integers(0, 2**63, 50_000, dtype=np.int64).astype(np.uint64) * 2 + 1
    fast = pseudonym._keys_of_prefixes(prefixes)
    assert fast == pseudonym._keys_of_prefixes_slow(prefixes)
    text = " ".join(fast)
    assert find_id_numbers(text) == [] and find_card_numbers(text) == []
    assert all(len(k) == 18 and k.isdigit() for k in fast)
