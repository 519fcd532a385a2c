"""Recording a past year's published per-capita consumption (seed 002): the standard is set from LAST
year's figure, so the figure of a year that has ended must be storable although its dates are past; a
proposed standard still only takes effect from a future date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.policy.models import ParameterStatus, PolicyParameter
from minzheng.policy.selectors import CONSUMPTION_KEY, consumption_page, policy_resolve
from minzheng.policy.services import (
    policy_batch_approve,
    policy_consumption_record,
    policy_parameter_propose,
)

from .conftest import client_for

pytestmark = pytest.mark.django_db

BULLETIN = "济宁市国民经济和社会发展统计公报"


def last_year() -> int:
    return timezone.localdate().year - 1


def unpublished_last_year() -> None:
    """The shipped demo figures of last year are taken out, as if the statistics office had not yet
    published them."""
    PolicyParameter.objects.filter(key=CONSUMPTION_KEY, effective_from=dt.date(last_year(), 1, 1)).delete()


def test_an_officer_records_last_years_published_figures_and_after_the_check_they_feed_the_standard(
    maker, checker
):
    unpublished_last_year()
    today = timezone.localdate()
    assert {x.computed for x in consumption_page(actor=maker, today=today)} == {None}
    form = {"action": "record", "year": str(last_year()), "urban": "31200", "rural": "17400"}
    response = client_for(maker).post("/policy/consumption/", form | {"record_source": BULLETIN})
    assert response.status_code == 302
    rows = list(PolicyParameter.objects.filter(key=CONSUMPTION_KEY, status=ParameterStatus.PROPOSED))
    assert {(r.hukou_type, r.value) for r in rows} == {("urban", Decimal(31200)), ("rural", Decimal(17400))}
    assert {(r.effective_from, r.effective_to) for r in rows} == {
        (dt.date(last_year(), 1, 1), dt.date(last_year(), 12, 31))
    }
    body = client_for(checker).get("/policy/consumption/").content.decode()
    assert BULLETIN in body and "批准生效" in body
    policy_batch_approve(actor=checker, proposal=rows[0])
    mid_year = dt.date(last_year(), 7, 1)
    urban = policy_resolve(on=mid_year, region_code="370811", hukou_type="urban").values[CONSUMPTION_KEY]
    assert urban.value == Decimal(31200)
    computed = {x.hukou: x.computed for x in consumption_page(actor=maker, today=today)}
    assert computed == {"城镇": 910, "农村": 508}  # 31200 × 0.35 / 12, 17400 × 0.35 / 12
    # the year before keeps its own figure: a year's fact closes no other row
    start = dt.date(last_year(), 1, 1)
    earlier = PolicyParameter.objects.filter(key=CONSUMPTION_KEY, effective_from__lt=start)
    assert all(r.effective_to == r.effective_from.replace(month=12, day=31) for r in earlier)


def test_a_year_not_yet_ended_or_already_recorded_is_refused_and_nothing_is_saved(maker):
    count = PolicyParameter.objects.count()
    figures = {"urban": Decimal(30000), "rural": Decimal(16000)}
    with pytest.raises(ValidationError, match="尚未结束"):
        policy_consumption_record(
            actor=maker, year=timezone.localdate().year, consumption=figures, source=BULLETIN
        )
    with pytest.raises(ValidationError, match="已录入"):  # the shipped figures of last year
        policy_consumption_record(actor=maker, year=last_year(), consumption=figures, source=BULLETIN)
    body = client_for(maker).post(
        "/policy/consumption/",
        {"action": "record", "year": "去年", "urban": "1", "rural": "1", "record_source": BULLETIN},
    )
    assert body.status_code == 200 and "统计年度" in body.content.decode()
    assert PolicyParameter.objects.count() == count


def test_the_proposer_cannot_approve_the_figures_they_recorded(maker):
    unpublished_last_year()
    rows = policy_consumption_record(
        actor=maker,
        year=last_year(),
        consumption={"urban": Decimal(30000), "rural": Decimal(16000)},
        source=BULLETIN,
    )
    with pytest.raises(ValidationError, match="另一名"):
        policy_batch_approve(actor=maker, proposal=rows[0])


def test_a_proposed_standard_still_only_takes_effect_from_a_future_date(maker):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="生效日期须晚于今天"):
        policy_parameter_propose(
            actor=maker, key="dibao.standard", value=Decimal(900), effective_from=yesterday, source="x号"
        )
    with pytest.raises(ValidationError, match="1月1日"):  # a year's figure runs from 1 January
        policy_parameter_propose(
            actor=maker,
            key=CONSUMPTION_KEY,
            value=Decimal(30000),
            effective_from=dt.date(last_year() - 3, 6, 1),
            source=BULLETIN,
            hukou_type="urban",
        )
