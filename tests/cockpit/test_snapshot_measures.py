"""The figures that live in the snapshot store (registered population, elders by age band) are counted by
DuckDB over the month's accepted snapshot, grouped by township, and stored with the web figures; the
page's query count does not grow with the regions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.cockpit.models import CockpitFigure
from minzheng.cockpit.services import cockpit_month_compute
from minzheng.cockpit.snapshot import snapshot_figures
from minzheng.exchange.models import Snapshot
from tests.conftest import TOWN_A, TOWN_B

SYSTEM = system_actor(purpose="测试")


def _store(settings: Any, tmp_path: Path, month: dt.date) -> Path:
    """A stored snapshot: six persons in two townships (one died), as the exchange writes them."""
    settings.SNAPSHOT_DIR = tmp_path
    folder = tmp_path / "store" / f"{month:%Y-%m}-abcdef12"
    folder.mkdir(parents=True)
    end = month.replace(day=28)
    born = [end.replace(year=end.year - age) for age in (30, 65, 72, 85, 90, 61)]
    persons = pa.table(
        {
            "id_number": [f"k{i}" for i in range(6)],
            "birth_date": pa.array(born, pa.date32()),
            "hukou_region": [f"{TOWN_A}001"] * 4 + [f"{TOWN_B}001"] * 2,
        }
    )
    pq.write_table(persons, folder / "persons.parquet")
    deaths = pa.table({"id_number": ["k4"], "death_date": pa.array([month], pa.date32())})
    pq.write_table(deaths, folder / "deaths.parquet")
    Snapshot.objects.create(
        month=f"{month:%Y-%m}",
        manifest_sha256="c" * 64,
        path=folder.relative_to(tmp_path).as_posix(),
        status="accepted",
        imported_at=timezone.now(),
    )
    return folder


def _value(region: str, measure: str, month: dt.date, detail: str = "") -> int:
    rows = CockpitFigure.objects.filter(month=month, region_code=region, measure=measure)
    if detail:
        rows = rows.filter(detail=detail)
    return int(sum(r.value for r in rows))


def test_population_and_elders_by_age_band_are_counted_over_the_snapshot(
    db: Any, settings: Any, tmp_path: Path
) -> None:
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    _store(settings, tmp_path, month)
    cockpit_month_compute(actor=SYSTEM, month=month)
    assert _value(TOWN_A, "population", month) == 4
    assert _value(TOWN_B, "population", month) == 1  # the person who died is not counted
    assert _value("370800", "population", month) == 5
    assert _value(TOWN_A, "elders", month) == 3
    assert _value(TOWN_A, "elders", month, "80") == 1
    assert _value("370800", "elders", month, "60") == 2
    # the month after reads the latest snapshot accepted by then
    this_month = timezone.localdate().replace(day=1)
    assert snapshot_figures(this_month, this_month.replace(day=28))["population"]


def test_without_a_snapshot_the_snapshot_figures_are_absent_not_zero(db: Any) -> None:
    assert snapshot_figures(dt.date(2020, 1, 1), dt.date(2020, 1, 31)) == {}
