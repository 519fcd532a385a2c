"""Pseudonymous person keys for the snapshot store: no ID number is stored in clear.

At import every ID number (and a spouse's) is replaced by a *person key* derived from the registry's
blind index (core.crypto.blind_index: HMAC-SHA256 under FIELD_HASH_KEY of the normalised ID number), so:

* the store, the screening facts and the alert files hold no ID number, only keys that cannot be turned
  back without the hash key;
* whoever holds a Person (its stored ``id_hash``) finds that person's rows: ``key_of_hash(person.id_hash)``;
* the key keeps the shape the engine and the row-group lookups rely on: 18 digits, sorted like text and
  cast to one BIGINT by the engine (rules.pid_of); but its last digit is never the GB 11643 check
  character of the other 17, nor the digit completing a Luhn number, so a scan for ID or bank-card
  numbers finds none.

Key space: 10^17 × 8 values (from the 64-bit HMAC prefix); two of 8.3 M IDs share a key with probability
about 4 × 10^-5 (33 M: 7 × 10^-4).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from minzheng.core.idnumber import check_char

_MOD = 10**18


def _pads() -> tuple[hashlib._Hash, hashlib._Hash]:
    """The HMAC-SHA256 inner and outer states for FIELD_HASH_KEY (RFC 2104), copied per value: the same
    digest as hmac.new(key, msg, sha256), three times faster than calling hmac per value."""
    key = settings.FIELD_HASH_KEY.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


def blind_indexes(values: Sequence[str | None]) -> list[bytes | None]:
    """core.crypto.blind_index of each value, as 32 raw bytes (None stays None)."""
    inner, outer = _pads()
    out: list[bytes | None] = []
    append = out.append
    for v in values:
        if v is None:
            append(None)
            continue
        i = inner.copy()
        i.update(v.strip().upper().encode())
        o = outer.copy()
        o.update(i.digest())
        append(o.digest())
    return out


_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK_VALUE = np.array([1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)  # "10X98765432", X = 10


def _keys_of_prefixes(prefixes: np.ndarray) -> list[str]:
    return _key_array(prefixes).to_pylist()


def _key_array(prefixes: np.ndarray) -> pa.Array:
    """Person keys of 64-bit HMAC prefixes (uint64), vectorised: 17 digits, then the (v mod 10 mod 8)-th
    of the digits 0–9 that are neither the GB 11643 check character nor the Luhn completion digit."""
    v = prefixes.astype(np.uint64) % np.uint64(_MOD)
    first = (v // np.uint64(10)).astype(np.int64)
    pick = (v % np.uint64(10)).astype(np.int64) % 8
    digits = np.empty((len(first), 17), dtype=np.int64)
    rest = first.copy()
    for j in range(16, -1, -1):
        digits[:, j] = rest % 10
        rest //= 10
    check = _CHECK_VALUE[(digits * _WEIGHTS).sum(axis=1) % 11]
    doubled = digits[:, 0::2] * 2  # from the right, once a digit is appended: positions 2, 4, …
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    luhn = (10 - (doubled.sum(axis=1) + digits[:, 1::2].sum(axis=1)) % 10) % 10
    check = np.where(check == 10, 99, check)  # X excludes no digit
    low, high = np.minimum(check, luhn), np.maximum(check, luhn)
    high = np.where(high == low, 99, high)
    last = pick + (pick >= low)
    last = last + (last >= high)
    text = pc.utf8_lpad(pa.array(first).cast(pa.string()), 17, "0")
    return pc.binary_join_element_wise(text, pa.array(last).cast(pa.string()), "")


def _keys_of_prefixes_slow(prefixes: np.ndarray) -> list[str]:
    """The definition, one value at a time (the tests compare it with the vectorised form)."""
    v = prefixes % np.uint64(_MOD)
    first = v // np.uint64(10)
    pick = (v % np.uint64(10)).astype(np.int64)
    out = []
    for f, p in zip(first.tolist(), pick.tolist(), strict=True):
        digits = f"{f:017d}"
        # eight digits: never the ID check character, never the digit completing a Luhn number, never X
        # (a 17-digit run before an X would be read as a number of its own)
        allowed = [c for c in "0123456789" if c not in (check_char(digits), _luhn_digit(digits))][:8]
        out.append(digits + allowed[p % 8])
    return out


def _luhn_digit(digits: str) -> str:
    """The final digit that makes `digits` + it pass the Luhn check (bank-card numbers)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these stand at odd positions from the right once a digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def key_of_hash(id_hash: str) -> str:
    """The person key of a stored blind index (Person.id_hash, 64 hex characters)."""
    return _keys_of_prefixes(np.array([int(id_hash[:16], 16)], dtype=np.uint64))[0]


def key_of_id(id_number: str) -> str:
    digest = blind_indexes([id_number])[0]
    assert digest is not None  # noqa: S101
    return key_of_hash(digest.hex())


def pseudonymise(ids: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(person keys, blind indexes as 32 bytes) of an array of ID numbers; nulls stay null."""
    values = ids.to_pylist()
    digests = blind_indexes(values)
    present = [d for d in digests if d is not None]
    if len(present) == len(digests):  # no nulls (validated IDs): fully vectorised
        prefixes = np.frombuffer(b"".join(d[:8] for d in present), dtype=">u8").astype(np.uint64)
        return _key_array(prefixes), pa.array(digests, pa.binary())
    keys_iter = iter(
        _keys_of_prefixes(np.frombuffer(b"".join(d[:8] for d in present), dtype=">u8").astype(np.uint64))
        if present
        else []
    )
    keys = [None if d is None else next(keys_iter) for d in digests]
    return pa.array(keys, pa.string()), pa.array(digests, pa.binary())


# Columns holding an ID number in the exchange format (exchange.md); each becomes a person key.
ID_COLUMNS = ("id_number", "spouse_id_number")
# Added to persons only: the blind index (what Person.id_hash and Alert.id_hash hold, so an alert finds
# its person) and the masked ID number shown on alerts (first 6 and last 4 characters).
# The blind index is stored as its 32 bytes, not as hex text: hex text holds long digit runs that a scan
# for ID or card numbers would flag.
PERSON_EXTRA = (pa.field("id_hash", pa.binary()), pa.field("id_masked", pa.string()))


def stored_schema(schema: pa.Schema) -> pa.Schema:
    """The stored schema of a source: the same columns (ID columns now hold person keys), and for
    persons (the source with a name column) the blind index and the masked ID."""
    if "name" in schema.names and "household_no" in schema.names:
        for f in PERSON_EXTRA:
            schema = schema.append(f)
    return schema


def pseudonymise_table(valid: pa.Table, schema: pa.Schema) -> pa.Table:
    """A validated batch (delivered schema + _line) as stored: ID columns replaced by person keys, the
    persons extras added, and `_masked` (the masked ID, for the rejects report of duplicates)."""
    from .validation import mask_ids

    ids = valid.column("id_number").combine_chunks()
    keys, hexes = pseudonymise(ids)
    columns: dict[str, pa.Array] = {}
    for name in schema.names:
        if name == "id_number":
            columns[name] = keys
        elif name == "id_hash":
            columns[name] = hexes
        elif name == "id_masked":
            columns[name] = mask_ids(ids)
        elif name in ID_COLUMNS:
            columns[name] = pseudonymise(valid.column(name).combine_chunks())[0]
        else:
            columns[name] = valid.column(name).combine_chunks()
    columns["_masked"] = mask_ids(ids)
    columns["_line"] = valid.column("_line").combine_chunks()
    return pa.table(
        columns, schema=schema.append(pa.field("_masked", pa.string())).append(valid.schema.field("_line"))
    )


def is_keyed(snapshot_dir: Path) -> bool:
    """Whether a snapshot directory is a pseudonymised store (its persons carry the blind index), rather
    than delivered files with ID numbers (the engine's tests and benchmarks screen those directly)."""
    path = Path(snapshot_dir) / "persons.parquet"
    try:
        return path.is_file() and "id_hash" in pq.read_schema(path).names
    except (OSError, pa.ArrowInvalid):
        return False
