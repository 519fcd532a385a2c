"""The home page's population figures (人口月度汇总, issue 21) follow every registry load: the per-row
importer, the bulk load and its monthly sync refresh them in the same transaction, and the monthly job
re-sums them before the month's screening, so the figures are never an older registry's."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from minzheng.accounts.system import system_actor
from minzheng.core import crypto
from minzheng.demo.synth import generate_city
from minzheng.people import bulk
from minzheng.people.bulk import registry_load
from minzheng.people.importers import people_import_snapshot
from minzheng.people.models import Household, Person, RegionPopulation

pytestmark = pytest.mark.django_db
MONTHLY_UNIT = Path(settings.BASE_DIR).parent.parent / "deploy" / "systemd" / "minzheng-monthly.service"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("population-city")
    generate_city(persons=300, seed=12, out_dir=out, month="2025-06", fmt="csv")
    return out / "2025-06"


def system() -> Any:
    return system_actor(purpose="测试数据")


def city_figures() -> tuple[int, int]:
    """This month's summary summed over the city-level rows (4-digit codes)."""
    rows = RegionPopulation.objects.filter(month=timezone.localdate().replace(day=1))
    city_rows = [r for r in rows if re.fullmatch(r"\d{4}", r.region_code)]
    return sum(r.persons for r in city_rows), sum(r.households for r in city_rows)


def registry_figures() -> tuple[int, int]:
    return Person.objects.filter(is_alive=True).count(), Household.objects.count()


def july_with_deaths(city: Path, tmp_path: Path, n: int) -> Path:
    """The next month's snapshot: the same persons, `n` of the living ones dead."""
    with (city / "persons.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    alive = set(Person.objects.filter(is_alive=True).values_list("id_hash", flat=True))
    dying = [r for r in rows if crypto.blind_index(r["id_number"]) in alive][:n]
    july = tmp_path / "2025-07"
    july.mkdir()
    (july / "persons.csv").write_bytes((city / "persons.csv").read_bytes())
    with (july / "deaths.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [("id_number", "death_date"), *[(r["id_number"], "2025-07-10") for r in dying]]
        )
    return july


def test_the_per_row_import_leaves_the_population_summary_equal_to_the_registry(city: Path) -> None:
    assert RegionPopulation.objects.count() == 0

    people_import_snapshot(snapshot=city, actor=system())

    assert registry_figures()[0] > 0
    assert city_figures() == registry_figures()


def test_the_bulk_load_and_the_next_months_sync_refresh_the_population_summary(
    city: Path, tmp_path: Path
) -> None:
    registry_load(snapshot=city, actor=system())
    loaded = registry_figures()
    assert loaded[0] > 0 and city_figures() == loaded

    july = july_with_deaths(city, tmp_path, 3)

    summary = registry_load(snapshot=july, actor=system())

    assert summary["deaths"] == 3
    assert city_figures() == (loaded[0] - 3, loaded[1]) == registry_figures()


def test_the_load_and_its_population_refresh_commit_together_or_not_at_all(
    city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry_load(snapshot=city, actor=system())
    before = list(RegionPopulation.objects.values_list("region_code", "persons", "households"))
    july = july_with_deaths(city, tmp_path, 2)

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("汇总中断")

    monkeypatch.setattr(bulk, "population_refresh", broken)
    with pytest.raises(RuntimeError):
        registry_load(snapshot=july, actor=system())

    assert list(RegionPopulation.objects.values_list("region_code", "persons", "households")) == before
    assert city_figures() == registry_figures()


def test_the_monthly_job_re_sums_the_population_before_the_months_screening(city: Path) -> None:
    unit = MONTHLY_UNIT.read_text(encoding="utf-8")
    steps = re.findall(r"^ExecStart(?:Pre)?=\S+/minzheng (\S+)", unit, flags=re.M)
    assert steps[:2] == ["population_refresh", "screen"]
    people_import_snapshot(snapshot=city, actor=system())
    Person.objects.filter(pk=Person.objects.filter(is_alive=True).values("pk")[:1]).update(is_alive=False)
    assert city_figures() != registry_figures()

    call_command(steps[0])

    assert city_figures() == registry_figures()
