from django.db import connection
from django.test.utils import CaptureQueriesContext

from minzheng.regions.models import Region


def test_the_tree_has_jining_its_11_counties_156_townships_4401_villages_and_762_grids(db):
    counts = {
        lvl: Region.objects.filter(level=lvl).count()
        for lvl in ("city", "county", "township", "village", "grid")
    }
    assert counts == {"city": 1, "county": 11, "township": 156, "village": 4401, "grid": 762}
    assert Region.objects.get(code="370800").name == "济宁市"
    assert set(Region.objects.filter(level="county").values_list("code", flat=True)) == {
        "370811",
        "370812",
        "370826",
        "370827",
        "370828",
        "370829",
        "370830",
        "370831",
        "370832",
        "370881",
        "370883",
    }


def test_every_region_code_starts_with_its_parents_prefix_and_villages_have_12_digits(db):
    for r in Region.objects.select_related("parent").exclude(level="city"):
        assert r.code.startswith(r.parent.prefix), r.code
    assert all(len(c) == 12 for c in Region.objects.filter(level="village").values_list("code", flat=True))
    assert Region.objects.filter(level="village", is_urban=True).exists()
    assert Region.objects.filter(level="village", is_urban=False).exists()


def test_a_subtree_is_one_prefix_query_not_recursion(db):
    town = Region.objects.get(code="370811001")
    with CaptureQueriesContext(connection) as ctx:
        n = Region.objects.filter(code__startswith=town.prefix, level="village").count()
    assert len(ctx.captured_queries) == 1
    assert n == Region.objects.filter(parent=town).count()
