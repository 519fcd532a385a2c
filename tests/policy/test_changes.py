"""Each proposed change is checked against its declared range and unit, the region tree, the hukou
choices and sane dates; every problem gets a Chinese message and nothing is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from minzheng.policy.models import ParameterStatus, PolicyParameter
from minzheng.policy.services import policy_parameter_propose

from .conftest import client_for, days_ahead


def _post(user: Any, **fields: str) -> str:
    data = {
        "key": "dibao.standard",
        "value": "760",
        "effective_from": days_ahead(30).isoformat(),
        "source": "《济宁市人民政府关于提高城乡低保标准的通知》",
        "hukou_type": "urban",
        "region_prefix": "",
        **fields,
    }
    response = client_for(user).post("/policy/change/", data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": "99999999999"}, "“低保标准”应在100至5,000元/人·月之间，收到99,999,999,999"),
        ({"value": "5"}, "“低保标准”应在100至5,000元/人·月之间，收到5"),
        ({"value": "-1"}, "“低保标准”应在100至5,000元/人·月之间"),
        ({"value": "NaN"}, "不能是NaN或无穷大"),
        ({"value": "sNaN"}, "不能是NaN或无穷大"),
        ({"value": "Infinity"}, "不能是NaN或无穷大"),
        ({"value": "1e999999"}, "应在100至5,000"),
        ({"value": "760.123"}, "最多保留2位小数"),
        ({"key": "tekun.age_min", "hukou_type": "", "value": "60.5"}, "应为整数"),
        ({"key": "dibao.employment_deduction_rate", "hukou_type": "", "value": "20"}, "应在0至1比例之间"),
        ({"key": "no.such.key"}, "政策参数“no.such.key”不存在"),
        ({"region_prefix": "999999"}, "适用区划应为本市的县（市、区）、乡镇（街道）或村（社区）"),
        ({"region_prefix": "370800"}, "全市适用请选“全市”"),
        ({"hukou_type": "city"}, "城乡类别应为城镇、农村或城乡通用"),
        ({"source": "  "}, "请填写调整依据"),
        ({"source": "文" * 201}, "依据不超过200个字"),
        ({"effective_from": "0001-01-01"}, "生效日期须晚于今天"),
        ({"effective_from": "9999-12-31"}, "生效日期不能晚于"),
        ({"effective_from": "2021-06-01"}, "已过去的日期不能改动"),
        ({"effective_from": "not-a-date"}, "生效日期格式应为YYYY-MM-DD"),
        ({"value": "abc"}, "参数值应为数字"),
    ],
)
def test_a_change_outside_its_spec_is_refused_with_a_message_and_nothing_is_saved(maker, fields, message):
    before = PolicyParameter.objects.count()
    page = _post(maker, **fields)
    assert message in page
    assert PolicyParameter.objects.count() == before


def test_every_problem_of_one_entry_is_reported_at_once(maker):
    with pytest.raises(ValidationError) as refused:
        policy_parameter_propose(
            actor=maker,
            key="dibao.standard",
            value=Decimal(5),
            effective_from=dt.date(1, 1, 1),
            source="",
            region_prefix="999999",
            hukou_type="x",
        )
    assert len(refused.value.messages) == 5
    assert not PolicyParameter.objects.filter(status=ParameterStatus.PROPOSED).exists()


def test_a_change_cannot_start_before_an_approved_change_that_is_not_yet_in_force(maker):
    PolicyParameter.objects.create(
        key="dibao.standard",
        label="低保标准",
        value=780,
        unit="元/人·月",
        hukou_type="urban",
        effective_from=days_ahead(60),
        source="测试",
        status=ParameterStatus.APPROVED,
    )
    page = _post(maker, effective_from=days_ahead(30).isoformat())
    assert f"生效日期须晚于现行（或已批准）标准的起始日期{days_ahead(60):%Y-%m-%d}" in page
    assert not PolicyParameter.objects.filter(status=ParameterStatus.PROPOSED).exists()


def test_a_valid_change_to_a_county_is_proposed_with_the_spec_unit_and_the_current_label(maker):
    page = _post(maker, region_prefix="370830", value="800.50")
    assert "已提出调整" in page
    row = PolicyParameter.objects.get(status=ParameterStatus.PROPOSED)
    assert (row.value, row.unit, row.label, row.region_prefix) == (
        Decimal("800.5"),
        "元/人·月",
        "低保标准",
        "370830",
    )
    assert row.created_by == maker


def test_the_deepest_region_picked_in_the_cascade_is_used_and_a_stale_lower_pick_is_not(maker):
    c = client_for(maker)
    base = {
        "key": "dibao.standard",
        "value": "760",
        "effective_from": days_ahead(30).isoformat(),
        "source": "《济宁市人民政府关于提高城乡低保标准的通知》",
        "hukou_type": "rural",
    }
    c.post("/policy/change/", {**base, "region_prefix": ["370811", "370811001", ""]})
    c.post("/policy/change/", {**base, "region_prefix": ["370812", "", "370811001001"]})
    regions = set(PolicyParameter.objects.filter(status="proposed").values_list("region_prefix", flat=True))
    assert regions == {"370811001", "370812"}
