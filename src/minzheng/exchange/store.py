"""The Parquet snapshot store (architecture.md: "the Parquet snapshot store, month by month, immutable once
accepted"): ``SNAPSHOT_DIR/store/YYYY-MM-<sha8>/<source>.parquet`` plus the original ``manifest.json``,
``snapshot.json`` (what was accepted) and ``rejects.csv`` (every rejected row).

No ID number is stored: the `id_number` column (and a spouse's) holds each person's pseudonymous key
(pseudonym.py, from the registry's blind index); persons adds the blind index and the masked ID. Files
are mode 600 in 700 directories (private_files); the volume must be encrypted (checks.py).

Each source is sorted by that key and written in row groups of ROW_GROUP_ROWS rows, so a point query
by key reads one row group per person: DuckDB and pyarrow skip the rest by their min/max stats.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

# Small row groups keep a household lookup to a few KB per source (bench/verify.py: 8,192 rows gave the
# best single-household latency at 8.3 M persons for ~40 % more bytes than 122,880).
ROW_GROUP_ROWS = 8_192
SNAPSHOT_META = "snapshot.json"
REJECTS_FILE = "rejects.csv"
DUCKDB_MEMORY_LIMIT = "1GB"


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Files and directories created inside are readable by this user only (mode 600 / 700): the store,
    the screening facts and alerts, uploads and job logs hold personal data. umask is per process, so
    a concurrent writer in the same process is only ever made more restrictive."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it mode 700, whoever created it earlier."""
    with private_files():
        path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def open_source(snapshot_path: Path, source: str) -> str | None:
    """Path of the stored Parquet file of `source` in a snapshot directory, or None when that source
    was not delivered that month (exchange.md: absent means "not delivered", never "nobody has any")."""
    if not source.isidentifier():
        return None
    path = Path(snapshot_path) / f"{source}.parquet"
    return str(path) if path.is_file() else None


def sql_str(value: str | Path) -> str:
    """A single-quoted SQL string literal (for file paths in COPY, which takes no parameters)."""
    return "'" + str(value).replace("'", "''") + "'"


def connect(temp_dir: Path | None = None, memory_limit: str = DUCKDB_MEMORY_LIMIT) -> Any:
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = {sql_str(memory_limit)}")
    con.execute(f"SET threads = {max(1, min(4, os.cpu_count() or 1))}")
    if temp_dir is not None:
        con.execute(f"SET temp_directory = {sql_str(temp_dir)}")
    return con


def lookup(snapshot_path: Path, source: str, id_numbers: Sequence[str]) -> pa.Table | None:
    """Rows of `source` for the given persons; None when the source was not delivered."""
    return lookup_sources(snapshot_path, id_numbers, sources=[source]).get(source)


def lookup_sources(
    snapshot_path: Path, id_numbers: Sequence[str], sources: Sequence[str] | None = None
) -> dict[str, pa.Table]:
    """A household verification: the rows of each delivered source (all stored sources by default) for
    the given persons. One DuckDB point query per source that reads only the row groups whose
    id_number range can hold them; sources not delivered that month are absent from the result.

    A pseudonymised store (exchange/pseudonym.py) is searched by the persons' keys; the rows come back
    with the caller's ID numbers in `id_number` (in memory only)."""
    from . import pseudonym

    wanted = sorted({str(i) for i in id_numbers})
    back = {pseudonym.key_of_id(i): i for i in wanted} if pseudonym.is_keyed(Path(snapshot_path)) else {}
    ids = sorted(back) if back else wanted
    names = sources if sources is not None else sorted(p.stem for p in Path(snapshot_path).glob("*.parquet"))
    out: dict[str, pa.Table] = {}
    con = duckdb.connect(":memory:")
    try:
        for source in names:
            path = open_source(snapshot_path, source)
            if path is None:
                continue
            if not ids:
                out[source] = con.execute("SELECT * FROM read_parquet(?) LIMIT 0", [path]).to_arrow_table()
                continue
            marks = ", ".join("?" * len(ids))
            sql = f"SELECT * FROM read_parquet(?) WHERE id_number IN ({marks}) ORDER BY id_number"  # noqa: S608
            table = con.execute(sql, [path, *ids]).to_arrow_table()
            if back:
                col = table.schema.get_field_index("id_number")
                table = table.set_column(
                    col, "id_number", pa.array([back[k] for k in table["id_number"].to_pylist()], pa.string())
                )
            out[source] = table
    finally:
        con.close()
    return out


def read_meta(snapshot_path: Path) -> dict[str, Any] | None:
    """The snapshot.json of a stored snapshot, None if absent or unreadable."""
    try:
        data = json.loads((Path(snapshot_path) / SNAPSHOT_META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_complete(snapshot_path: Path) -> bool:
    """A store directory holds snapshot.json and every source file it lists."""
    meta = read_meta(snapshot_path)
    if meta is None or not (Path(snapshot_path) / REJECTS_FILE).is_file():
        return False
    return all(open_source(snapshot_path, s) is not None for s in meta.get("sources", {}))
