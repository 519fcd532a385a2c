"""The cockpit's figures that live in the snapshot store, not in the web database: the registered
population and the elders by age band, counted by DuckDB over the month's accepted snapshot (the persons
the police delivered, less the deaths delivered), in ONE set-based query grouped by township — 8.3 M
persons never travel to Python. The month reads the latest snapshot accepted for it or before it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from minzheng.exchange.models import Snapshot, SnapshotStatus
from minzheng.exchange.selectors import snapshot_path
from minzheng.exchange.store import connect, open_source

from .measures import Row

# measure code, Chinese name, unit: stored like the web measures (detail = the age band)
SNAPSHOT_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("population", "户籍人口", "人"),
    ("elders", "60周岁以上老年人", "人"),
)
BANDS = (("60", "60-69岁", 60, 70), ("70", "70-79岁", 70, 80), ("80", "80周岁以上", 80, 200))


def snapshot_for(month: dt.date) -> Path | None:
    """The store directory of the latest snapshot accepted for `month` or an earlier month."""
    snap = (
        Snapshot.objects.filter(status=SnapshotStatus.ACCEPTED, month__lte=f"{month:%Y-%m}")
        .exclude(path="")
        .order_by("-month", "-imported_at", "-pk")
        .first()
    )
    return snapshot_path(snapshot=snap) if snap is not None else None


def snapshot_figures(start: dt.date, end: dt.date, store: Path | None = None) -> dict[str, list[Row]]:
    """{measure code: rows (township, detail, label, value)} from the snapshot store; empty without one."""
    store = store if store is not None else snapshot_for(start)
    persons = open_source(store, "persons") if store is not None else None
    if store is None or persons is None:
        return {}
    deaths = open_source(store, "deaths")
    dead = (
        "AND p.id_number NOT IN (SELECT id_number FROM read_parquet($deaths) WHERE death_date <= $end)"
        if deaths
        else ""
    )
    bands = ", ".join(
        f"count(*) FILTER (WHERE age >= {lo} AND age < {hi}) AS b{code}" for code, _, lo, hi in BANDS
    )
    sql = f"""
        WITH people AS (
            SELECT substr(p.hukou_region, 1, 9) AS town,
                   date_sub('year', CAST(p.birth_date AS DATE), $end) AS age
            FROM read_parquet($persons) p
            WHERE CAST(p.birth_date AS DATE) <= $end {dead}
        )
        SELECT town, count(*) AS population, {bands} FROM people GROUP BY town
    """  # noqa: S608 - the interpolated parts are this module's constants
    params: dict[str, object] = {"persons": persons, "end": end}
    if deaths:
        params["deaths"] = deaths
    con = connect()
    try:
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    out: dict[str, list[Row]] = {"population": [], "elders": []}
    for town, population, *counts in rows:
        if not town:
            continue
        out["population"].append((town, "", "", Decimal(population)))
        for (code, label, _, _), n in zip(BANDS, counts, strict=True):
            if n:
                out["elders"].append((town, code, label, Decimal(n)))
    return out
