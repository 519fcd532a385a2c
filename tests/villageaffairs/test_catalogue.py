from __future__ import annotations

from minzheng.villageaffairs.models import CatalogueItem, Category, Frequency
from minzheng.villageaffairs.periods import due_q


def test_the_catalogue_holds_thirty_sanwu_and_six_sanzi_items_each_with_its_period_and_source(db):
    items = list(CatalogueItem.objects.all())
    assert len([i for i in items if i.category != Category.ASSETS]) == 30
    assert len([i for i in items if i.category == Category.ASSETS]) == 6
    assert {i.category for i in items} == set(Category.values)
    assert all(i.frequency in Frequency.values and i.source for i in items)
    # the three items the seed names are in it
    names = " ".join(i.name for i in items)
    assert "低保基本信息" in names and "救灾救济款物发放明细" in names and "固定资产" in names
    assert all(i.due_month for i in items if i.frequency == Frequency.YEARLY)


def test_monthly_items_fall_due_every_month_quarterly_ones_at_quarter_end_and_event_ones_never(db):
    monthly = set(CatalogueItem.objects.filter(frequency=Frequency.MONTHLY))
    quarterly = set(CatalogueItem.objects.filter(frequency=Frequency.QUARTERLY))
    in_february = set(CatalogueItem.objects.filter(due_q("2026-02")))
    in_march = set(CatalogueItem.objects.filter(due_q("2026-03")))
    assert monthly <= in_february and not quarterly & in_february
    assert monthly | quarterly <= in_march
    march_yearly = set(CatalogueItem.objects.filter(frequency=Frequency.YEARLY, due_month=3))
    assert march_yearly and march_yearly <= in_march and not march_yearly & in_february
    assert not any(i.frequency == Frequency.EVENT for i in in_march | in_february)
