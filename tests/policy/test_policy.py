import datetime as dt
from decimal import Decimal

from minzheng.policy.models import ParameterStatus, PolicyParameter
from minzheng.policy.selectors import policy_resolve


def test_the_dibao_standard_follows_date_and_hukou_type(db):
    assert policy_resolve(on=dt.date(2021, 3, 15), region_code="370811001001", hukou_type="urban").get(
        "dibao.standard"
    ) == Decimal(719)
    assert policy_resolve(on=dt.date(2021, 3, 15), region_code="370811001001", hukou_type="rural").get(
        "dibao.standard"
    ) == Decimal(537)
    assert policy_resolve(on=dt.date(2020, 12, 31), region_code="370811001001", hukou_type="urban").get(
        "dibao.standard"
    ) == Decimal(503)


def test_child_standards_rose_ten_percent_in_2022(db):
    before = policy_resolve(on=dt.date(2021, 12, 31), region_code="370811", hukou_type="urban")
    after = policy_resolve(on=dt.date(2022, 1, 1), region_code="370811", hukou_type="urban")
    for cat in ("institutional_orphan", "scattered_orphan", "key_difficult"):
        assert after.get(f"child.{cat}") == (before.get(f"child.{cat}") * Decimal("1.1")).quantize(Decimal(1))


def test_a_county_specific_row_overrides_the_city_default_and_changes_the_version(db):
    base = policy_resolve(on=dt.date(2023, 5, 1), region_code="370830101201", hukou_type="rural")
    PolicyParameter.objects.create(
        key="dibao.standard",
        value=600,
        region_prefix="370830",
        hukou_type="rural",
        effective_from=dt.date(2023, 1, 1),
        source="测试：汶上县自定标准",
        status=ParameterStatus.APPROVED,
    )
    local = policy_resolve(on=dt.date(2023, 5, 1), region_code="370830101201", hukou_type="rural")
    other = policy_resolve(on=dt.date(2023, 5, 1), region_code="370811101201", hukou_type="rural")
    assert local.get("dibao.standard") == Decimal(600)
    assert other.get("dibao.standard") == Decimal(537)
    assert local.version != base.version
    assert other.version == base.version


def test_rows_that_are_not_approved_are_never_used(db):
    on = dt.date(2023, 5, 1)
    for status in (ParameterStatus.PROPOSED, ParameterStatus.WITHDRAWN, ParameterStatus.REJECTED):
        PolicyParameter.objects.create(
            key="dibao.standard",
            value=900,
            hukou_type="rural",
            region_prefix="370830",
            effective_from=dt.date(2023, 1, 1),
            source="测试",
            status=status,
        )
        assert policy_resolve(on=on, region_code="370830101201", hukou_type="rural").get(
            "dibao.standard"
        ) == Decimal(537)
