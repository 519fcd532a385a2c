import datetime as dt
from decimal import Decimal

import pytest

from minzheng.policy.models import PolicyParameter
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
    )
    local = policy_resolve(on=dt.date(2023, 5, 1), region_code="370830101201", hukou_type="rural")
    other = policy_resolve(on=dt.date(2023, 5, 1), region_code="370811101201", hukou_type="rural")
    assert local.get("dibao.standard") == Decimal(600)
    assert other.get("dibao.standard") == Decimal(537)
    assert local.version != base.version
    assert other.version == base.version


def test_a_city_officer_changes_a_standard_with_history_and_old_dates_keep_the_old_figure(db, make_user):
    from django.core.exceptions import ValidationError
    from django.test import Client

    from minzheng.audit.models import AuditLog
    from minzheng.policy.services import policy_parameter_change

    clerk = make_user("township_clerk", "370811001")
    with pytest.raises(ValidationError, match="市级"):
        policy_parameter_change(
            actor=clerk,
            key="dibao.standard",
            value=Decimal(760),
            effective_from=dt.date(2026, 1, 1),
            source="x",
            hukou_type="urban",
        )
    c = Client()
    c.force_login(make_user("city_officer", "370800"))
    c.post(
        "/policy/change/",
        {
            "key": "dibao.standard",
            "value": "760",
            "effective_from": "2026-01-01",
            "source": "济民发〔2025〕1号",
            "hukou_type": "urban",
        },
    )
    on = lambda d: policy_resolve(on=d, region_code="370811001001", hukou_type="urban").get("dibao.standard")  # noqa: E731
    assert on(dt.date(2025, 12, 31)) == Decimal(719)
    assert on(dt.date(2026, 1, 1)) == Decimal(760)
    assert AuditLog.objects.filter(target_type="policy").count() == 1
    page = c.get("/policy/").content.decode()
    assert "济民发〔2025〕1号" in page and "历史" in page
    bad = c.post(
        "/policy/change/",
        {
            "key": "dibao.standard",
            "value": "-1",
            "effective_from": "2027-01-01",
            "source": "x",
            "hukou_type": "urban",
        },
        follow=True,
    )
    assert "不能为负数" in bad.content.decode()
