"""Funeral homes and cemeteries, plots and burials, and the eco-burial rate by county and year against
the policy target."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from minzheng.funeral import selectors
from minzheng.funeral.models import Plot
from minzheng.funeral.services import burial_record, facility_create, plots_create
from minzheng.people.services import person_record_death
from tests.conftest import VILLAGE_A, VILLAGE_B


@pytest.fixture
def cemetery(officer):
    c = facility_create(
        actor=officer, name="安居村公墓", kind="public_cemetery", level="village", region_code=VILLAGE_A
    )
    plots_create(actor=officer, cemetery=c, prefix="T", count=3, plot_type="public", form="tree")
    plots_create(actor=officer, cemetery=c, prefix="G", count=2, plot_type="public", form="traditional")
    return c


def _dead(make_person, officer, name, i, village=VILLAGE_A):
    p = make_person(village=village, birth=dt.date(1940, 1, 1 + i), name=name)
    return person_record_death(actor=officer, person=p, death_date=dt.date(2026, 3, 1))


def test_the_eco_burial_rate_is_counted_by_county_and_year_against_the_target(officer, cemetery, make_person):
    tree = list(cemetery.plots.filter(form="tree"))
    graves = list(cemetery.plots.filter(form="traditional"))
    for i, plot in enumerate(tree[:2] + graves[:1]):
        burial_record(
            actor=officer,
            person=_dead(make_person, officer, f"甲{i}", i),
            plot=plot,
            buried_on=dt.date(2026, 3, 5),
        )
    burial_record(
        actor=officer, person=_dead(make_person, officer, "乙", 9), form="sea", buried_on=dt.date(2026, 3, 6)
    )
    (row,) = selectors.eco_burial_rates(actor=officer, year=2026)
    assert (row.county_code, row.year, row.total, row.eco) == (VILLAGE_A[:6], 2026, 4, 3)
    assert row.rate == 0.75 and row.target == 0.6 and row.met
    assert selectors.eco_burial_rates(actor=officer, year=2025) == []


def test_a_county_below_the_target_is_not_met(officer, cemetery, make_person):
    graves = list(cemetery.plots.filter(form="traditional"))
    burial_record(
        actor=officer,
        person=_dead(make_person, officer, "丙", 1),
        plot=graves[0],
        buried_on=dt.date(2026, 3, 5),
    )
    (row,) = selectors.eco_burial_rates(actor=officer)
    assert row.rate == 0 and not row.met


def test_a_used_plot_cannot_take_a_second_burial(officer, cemetery, make_person):
    plot = cemetery.plots.first()
    burial_record(
        actor=officer, person=_dead(make_person, officer, "丁", 1), plot=plot, buried_on=dt.date(2026, 3, 5)
    )
    with pytest.raises(ValidationError, match="已安葬"):
        burial_record(
            actor=officer,
            person=_dead(make_person, officer, "戊", 2),
            plot=plot,
            buried_on=dt.date(2026, 3, 5),
        )
    assert Plot.objects.get(pk=plot.pk).status == "used"


def test_a_living_person_cannot_be_buried(officer, cemetery, make_person):
    with pytest.raises(ValidationError, match="尚未登记死亡"):
        burial_record(
            actor=officer, person=make_person(), plot=cemetery.plots.first(), buried_on=dt.date(2026, 3, 5)
        )


def test_a_public_cemetery_takes_only_public_plots_and_a_funeral_home_none(officer, cemetery, home):
    with pytest.raises(ValidationError, match="公益性公墓只能设公益性墓位"):
        plots_create(
            actor=officer, cemetery=cemetery, prefix="X", count=1, plot_type="commercial", form="lawn"
        )
    with pytest.raises(ValidationError, match="殡仪馆不设墓位"):
        plots_create(actor=officer, cemetery=home, prefix="X", count=1, plot_type="public", form="lawn")


def test_plots_get_numbers_that_continue_the_section(officer, cemetery):
    plots_create(actor=officer, cemetery=cemetery, prefix="T", count=2, plot_type="public", form="tree")
    assert list(cemetery.plots.filter(number__startswith="T-").values_list("number", flat=True)) == [
        "T-001",
        "T-002",
        "T-003",
        "T-004",
        "T-005",
    ]


def test_village_public_cemeteries_are_counted_in_scope(officer, cemetery, make_user):
    assert selectors.village_cemeteries(actor=officer) == 1
    assert selectors.village_cemeteries(actor=make_user("social_affairs_officer", VILLAGE_B[:6])) == 0


def test_the_eco_page_and_api_show_the_rate(officer, cemetery, make_person):
    from django.test import Client

    burial_record(
        actor=officer,
        person=_dead(make_person, officer, "己", 1),
        plot=cemetery.plots.filter(form="tree").first(),
        buried_on=dt.date(2026, 3, 5),
    )
    c = Client()
    c.force_login(officer)
    assert "任城区" in c.get("/funeral/eco/").content.decode()
    assert c.get("/funeral/eco/", {"year": "99999"}).status_code == 200
    (row,) = c.get("/api/v1/funeral/eco-rate").json()
    assert row["eco"] == 1 and row["met"] is True
