"""The /policy/ page: labels, units, formatted values and region names; pending proposals with the
controls each user may use; history; never a 500 whatever is in the table; a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection

from minzheng.policy.models import ParameterStatus, PolicyParameter
from minzheng.policy.services import policy_parameter_propose, policy_proposal_approve

from .conftest import client_for, days_ahead


def _cells(page: str, table: str) -> str:
    """The visible text of one table (no attribute values such as option codes)."""
    body = page.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    return re.sub(r"<[^>]+>", "|", body)


def test_the_page_shows_labels_units_formatted_values_and_region_names(maker, checker):
    row = policy_parameter_propose(
        actor=maker,
        key="dibao.standard",
        value=Decimal("800.50"),
        effective_from=days_ahead(30),
        source="《汶上县人民政府关于提高农村低保标准的通知》",
        region_prefix="370830",
        hukou_type="rural",
    )
    page = client_for(checker).get("/policy/").content.decode()
    in_force = _cells(page, "parameters")
    assert "|低保标准|" in in_force and "|537 元/人·月|" in in_force and "|100,000 元|" in in_force
    assert "|0.2 比例|" in in_force and "|1.3 倍|" in in_force
    assert "537.0000" not in page and "1E+5" not in page and "dibao.standard<" not in page
    pending = _cells(page, "proposals")
    assert "|济宁市汶上县|" in pending and "|800.5 元/人·月|" in pending and "|农村|" in pending
    assert "370830" not in pending
    assert f'action="/policy/{row.pk}/approve/"' in page and f'action="/policy/{row.pk}/reject/"' in page


def test_pending_controls_show_only_for_those_who_may_use_them(maker, checker, make_user):
    row = policy_parameter_propose(
        actor=maker,
        key="dibao.standard",
        value=Decimal(760),
        effective_from=days_ahead(30),
        source="《济宁市人民政府关于提高城乡低保标准的通知》",
        hukou_type="urban",
    )
    mine = client_for(maker).get("/policy/").content.decode()
    assert f"/policy/{row.pk}/withdraw/" in mine and f"/policy/{row.pk}/approve/" not in mine
    assert f"/policy/{row.pk}/reject/" not in mine
    theirs = client_for(checker).get("/policy/").content.decode()
    assert f"/policy/{row.pk}/approve/" in theirs and f"/policy/{row.pk}/withdraw/" not in theirs
    county = client_for(make_user("county_officer", "370811")).get("/policy/").content.decode()
    assert f"/policy/{row.pk}/" not in county and 'action="/policy/change/"' not in county
    assert "|待复核|" in _cells(county, "proposals")
    policy_proposal_approve(actor=checker, proposal=row)
    after = client_for(checker).get("/policy/").content.decode()
    assert f"/policy/{row.pk}/approve/" not in after and f"/policy/{row.pk}/reject/" in after
    assert "|待生效（shiji_checker）|" in _cells(after, "proposals")


def test_the_page_never_fails_whatever_is_in_the_table(maker):
    PolicyParameter.objects.create(
        key="dibao.standard",
        label="低保标准",
        value=Decimal("9999999999"),  # the largest the column holds on every database
        unit="元/人·月",
        hukou_type="urban",
        effective_from=dt.date(9999, 12, 31),
        source="越过服务直接写入",
        status=ParameterStatus.APPROVED,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO policy_policyparameter (key, label, value, unit, region_prefix, hukou_type,"
            " effective_from, source, dataset, status, note, created_at)"
            " VALUES ('no.such.key', '', 'NaN', '', '999999', 'zz', '0001-01-01', '', '', 'bogus', '',"
            " '2026-01-01 00:00:00')"
        )
    response = client_for(maker).get("/policy/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "9,999,999,999 元/人·月" in page
    assert "无法识别的数值" in page and "未知区划999999" in page and "城乡类别不明" in page
    assert "状态不明" in page


def test_the_region_picker_offers_the_townships_of_the_chosen_county_by_name(maker):
    options = client_for(maker).get("/policy/regions/", {"region_prefix": "370811"}).content.decode()
    assert ">王邹街道<" in options and 'value="370811001"' in options
    assert (
        client_for(maker).get("/policy/regions/", {"region_prefix": ""}).content.decode().count("<option")
        == 1
    )


def test_the_page_answers_in_a_bounded_number_of_queries(maker, checker, django_assert_max_num_queries):
    for n in range(12):
        row = policy_parameter_propose(
            actor=maker,
            key="dibao.standard",
            value=Decimal(760 + n),
            effective_from=days_ahead(30 + n),
            source="《济宁市人民政府关于提高城乡低保标准的通知》",
            region_prefix=["", "370811", "370830"][n % 3],
            hukou_type=["urban", "rural"][n % 2],
        )
        if n % 2:
            policy_proposal_approve(actor=checker, proposal=row)
    c = client_for(checker)
    with django_assert_max_num_queries(9):
        assert c.get("/policy/").status_code == 200


@pytest.mark.parametrize(
    ("by_maker", "refusal"), [(True, "不能是NaN或无穷大"), (False, "提出人不明，不能批准")]
)
def test_a_proposal_written_around_the_services_can_still_be_rejected_from_the_page(
    maker, checker, by_maker, refusal
):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO policy_policyparameter (key, label, value, unit, region_prefix, hukou_type,"
            " effective_from, source, dataset, status, note, created_at, created_by_id)"
            " VALUES ('dibao.standard', '低保标准', 'NaN', '元/人·月', '', 'urban', %s, '', '', 'proposed',"
            " '', '2026-01-01 00:00:00', %s)",
            [days_ahead(30).isoformat(), maker.pk if by_maker else None],
        )
    pk = PolicyParameter.objects.values_list("pk", flat=True).get(status=ParameterStatus.PROPOSED)
    c = client_for(checker)
    refused = c.post(f"/policy/{pk}/approve/", follow=True)
    assert refused.status_code == 200 and refusal in refused.content.decode()
    rejected = c.post(f"/policy/{pk}/reject/", {"note": "数值无法识别"}, follow=True)
    assert rejected.status_code == 200 and "已驳回该调整" in rejected.content.decode()
    assert PolicyParameter.objects.filter(pk=pk, status=ParameterStatus.REJECTED).exists()
