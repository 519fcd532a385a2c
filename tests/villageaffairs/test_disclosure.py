from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from minzheng.accounts.models import Role
from minzheng.accounts.permissions import flush_denials
from minzheng.audit.models import AuditLog
from minzheng.regions.models import Region, RegionLevel
from minzheng.villageaffairs import selectors, services
from minzheng.villageaffairs.models import (
    Attachment,
    CatalogueItem,
    Disclosure,
    DisclosureRevision,
    Frequency,
)
from minzheng.villageaffairs.periods import due_q
from tests.conftest import TOWN_A, VILLAGE_A, VILLAGE_B, new_id

from .conftest import DAY, PERIOD

PDF = b"%PDF-1.4\n%test\n"


def _item(period: str = PERIOD) -> CatalogueItem:
    return CatalogueItem.objects.filter(due_q(period)).order_by("order").first()  # type: ignore[return-value]


def test_a_village_period_is_complete_once_every_due_item_is_published(assistant, publish_all):
    village = Region.objects.get(code=VILLAGE_A)
    publish_all(leave=2)
    before = selectors.village_period(village=village, period=PERIOD)
    assert before["missing"] == 2 and not before["complete"]
    missing = [r.item for r in before["rows"] if r.disclosure is None]
    for item in missing:
        services.disclosure_publish(
            actor=assistant, region_code=VILLAGE_A, period=PERIOD, item=item, text="补公开", published_on=DAY
        )
    after = selectors.village_period(village=village, period=PERIOD)
    assert (
        after["complete"]
        and after["done"] == after["due"] == CatalogueItem.objects.filter(due_q(PERIOD)).count()
    )


def test_an_item_is_published_once_and_a_correction_keeps_every_earlier_version(assistant):
    item = _item()
    d = services.disclosure_publish(
        actor=assistant, region_code=VILLAGE_A, period=PERIOD, item=item, text="收入1000元", published_on=DAY
    )
    with pytest.raises(ValidationError, match="已公开"):
        services.disclosure_publish(
            actor=assistant,
            region_code=VILLAGE_A,
            period=PERIOD,
            item=item,
            text="收入2000元",
            published_on=DAY,
        )
    with pytest.raises(ValidationError, match="更正原因"):
        services.disclosure_correct(
            actor=assistant, disclosure=d, text="收入1200元", published_on=DAY, reason=""
        )
    services.disclosure_correct(
        actor=assistant,
        disclosure=d,
        text="收入1200元",
        published_on=DAY,
        reason="漏记一笔",
        expected_revision=1,
    )
    d.refresh_from_db()
    assert d.text == "收入1200元" and d.revision == 2
    versions = list(
        DisclosureRevision.objects.filter(disclosure=d).order_by("number").values_list("text", "reason")
    )
    assert versions == [("收入1000元", ""), ("收入1200元", "漏记一笔")]
    # a correction from a stale page is refused and changes nothing
    with pytest.raises(ValidationError, match="刷新"):
        services.disclosure_correct(
            actor=assistant,
            disclosure=d,
            text="收入0元",
            published_on=DAY,
            reason="误改",
            expected_revision=1,
        )
    assert Disclosure.objects.get(pk=d.pk).text == "收入1200元"
    assert AuditLog.objects.filter(target_type="villageaffairs.disclosure", target_id=str(d.pk)).count() == 2


def test_an_item_not_due_in_the_period_a_future_period_or_a_date_before_it_is_refused(assistant):
    quarterly = CatalogueItem.objects.filter(frequency=Frequency.QUARTERLY).first()
    with pytest.raises(ValidationError, match="不是2026年2月应公开的事项"):
        services.disclosure_publish(
            actor=assistant,
            region_code=VILLAGE_A,
            period="2026-02",
            item=quarterly,
            text="x",
            published_on=DAY,
        )
    with pytest.raises(ValidationError, match="不能早于"):
        services.disclosure_publish(
            actor=assistant,
            region_code=VILLAGE_A,
            period=PERIOD,
            item=_item(),
            text="x",
            published_on=dt.date(2026, 2, 28),
        )
    with pytest.raises(ValidationError, match="晚于本月"):
        services.disclosure_publish(
            actor=assistant, region_code=VILLAGE_A, period="2999-01", item=_item(), text="x", published_on=DAY
        )
    event = CatalogueItem.objects.filter(frequency=Frequency.EVENT).first()
    services.disclosure_publish(
        actor=assistant,
        region_code=VILLAGE_A,
        period="2026-02",
        item=event,
        text="救灾款物",
        published_on=DAY,
    )
    assert Disclosure.objects.count() == 1


def test_only_the_villages_own_assistant_publishes(assistant, clerk, make_user):
    other = make_user(Role.VILLAGE_ASSISTANT, VILLAGE_B)
    for actor in (clerk, other):
        with pytest.raises(ValidationError):
            services.disclosure_publish(
                actor=actor, region_code=VILLAGE_A, period=PERIOD, item=_item(), text="x", published_on=DAY
            )
    assert not Disclosure.objects.exists()
    flush_denials()  # written again after the refused transactions rolled back (the middleware's job)
    assert AuditLog.objects.filter(event_type="denied", target_type="villageaffairs.publish").count() == 2


def test_attachments_are_checked_by_content_and_stored_under_our_own_name(assistant):
    fake = SimpleUploadedFile("财务公开.pdf", b"MZ not a pdf at all")
    with pytest.raises(ValidationError, match="按文件内容识别"):
        services.disclosure_publish(
            actor=assistant,
            region_code=VILLAGE_A,
            period=PERIOD,
            item=_item(),
            text="x",
            published_on=DAY,
            attachments=[fake],
        )
    assert not Disclosure.objects.exists() and not Attachment.objects.exists()
    id_number = new_id()
    good = SimpleUploadedFile(f"{id_number}.pdf", PDF)
    d = services.disclosure_publish(
        actor=assistant,
        region_code=VILLAGE_A,
        period=PERIOD,
        item=_item(),
        text="x",
        published_on=DAY,
        attachments=[good],
    )
    a = Attachment.objects.get(disclosure=d)
    assert (
        re.search(rf"/disclosure-{d.pk}-1-1(_\w+)?\.pdf$", a.file.name) and id_number not in a.original_name
    )
    with services.attachment_open(actor=assistant, attachment=a) as f:
        assert io.BytesIO(f.read()).getvalue() == PDF


def test_completeness_is_counted_per_township_and_county_with_a_fixed_number_of_queries(
    assistant, publish_all, clerk, make_user, django_assert_max_num_queries
):
    publish_all()
    county = make_user(Role.COUNTY_OFFICER, "370811")
    with django_assert_max_num_queries(7):
        rates = selectors.completeness(actor=county, period=PERIOD)
    n_due = CatalogueItem.objects.filter(due_q(PERIOD)).count()
    town_villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=TOWN_A).count()
    county_villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="370811").count()
    town = next(r for r in rates["township"] if r.code == TOWN_A)
    assert (town.villages, town.due, town.published) == (town_villages, n_due, n_due)
    assert town.rate == f"{100 / town_villages:.1f}%"
    (only,) = rates["county"]
    assert (only.code, only.villages, only.published) == ("370811", county_villages, n_due)
    # the clerk's scope is their own township only
    assert [r.code for r in selectors.completeness(actor=clerk, period=PERIOD)["township"]] == [TOWN_A]


def test_the_missing_list_holds_every_village_but_the_complete_one_with_how_many_items_are_missing(
    assistant, publish_all, clerk
):
    publish_all()
    n_due = CatalogueItem.objects.filter(due_q(PERIOD)).count()
    missing = list(selectors.villages_missing(actor=clerk, period=PERIOD))
    codes = {v.code for v in missing}
    assert VILLAGE_A not in codes
    assert codes == set(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=TOWN_A)
        .exclude(code=VILLAGE_A)
        .values_list("code", flat=True)
    )
    assert {v.missing for v in missing} == {n_due}


def test_the_village_todo_counts_this_months_missing_items(assistant, publish_all):
    from django.utils import timezone

    today = timezone.localdate()
    period = f"{today:%Y-%m}"
    n_due = CatalogueItem.objects.filter(due_q(period)).count()
    todo = selectors.disclosure_todo(assistant, today)
    assert todo.count == n_due and len(todo.items) == min(5, n_due)
    publish_all(period=period, leave=1)
    assert selectors.disclosure_todo(assistant, today).count == 1
