"""Browser run of the rescue station: the social-affairs officer registers the station, takes in a man
without papers (temporary number), opens a tracing case whose registry match suggests the planted resident
with its reasons, confirms it (people's merge is asked and a county officer checks it) and returns him
home; he is then on the "244" ledger of his village for monthly visits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.e2e.conftest import family, login, staff

pytestmark = pytest.mark.e2e

VILLAGE = "370811001001"


def test_an_unidentified_man_is_taken_in_traced_to_the_planted_match_and_returned_home(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.people.models import UnidentifiedRecord
    from minzheng.vagrants.models import LedgerEntry, Stay

    staff("zhanzhang", "social_affairs_officer", "370811")
    year = timezone.localdate().year - 62
    _, rows = family(
        "E2EV001",
        [
            ("王建国", "head", dt.date(year, 4, 2), "M", "41"),
            ("刘桂兰", "spouse", dt.date(year + 2, 9, 9), "F", "42"),
        ],
    )
    base, page = live_server.url, browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    login(page, base, "zhanzhang")
    page.goto(f"{base}/vagrants/stations/")
    page.fill("input[name=name]", "任城区救助管理站")
    page.fill("input[name=address]", "任城区建设路88号")
    page.click("form.stack button")
    page.wait_for_selector("#stations >> text=任城区救助管理站")

    page.goto(f"{base}/vagrants/intake/")
    page.select_option("select[name=found_by]", "patrol")
    page.fill("input[name=found_place]", "济宁火车站广场")
    page.check("input[name=identified][value=no]")
    page.select_option("select[name=place_township]", "370811001")
    page.wait_for_selector(f"select[name=region_code] option[value='{VILLAGE}']", state="attached")
    page.select_option("select[name=region_code]", VILLAGE)
    page.select_option("select[name=sex]", "M")
    page.fill("input[name=estimated_age]", "60")
    page.fill("input[name=claimed_name]", "王建国")
    page.fill("textarea[name=description]", "身高约170厘米，偏瘦，灰色棉衣，本地口音")
    page.click("#intake-form button")
    page.wait_for_selector("#stay-facts")
    assert "站内救助" in page.inner_text("#stay-state")
    stay = Stay.objects.get()
    assert stay.person.temp_number in page.inner_text("#stay-facts")

    page.fill("#tracing-form textarea[name=details]", "自述家在任城，务农")
    page.click("#tracing-form button")
    page.wait_for_selector("#candidates")
    first = page.inner_text("#candidates tbody tr:first-child")
    assert "王建国" in first and "姓名与自报姓名“王建国”一致" in first
    assert rows[0]["id_number"] not in page.content()
    assert "照片比对需离线人脸库，本机未安装" in page.content()

    page.fill("#confirm-form input[name=note]", "其妻刘桂兰视频辨认")
    page.click("#confirm-form button")
    page.wait_for_selector("#tracing-confirmed")
    assert UnidentifiedRecord.objects.get(person=stay.person).merge_target is not None
    assert "身份合并正在等待复核" in page.inner_text("main")

    # The merge is made and checked: a county officer, not the station master, approves it.
    staff("kezhang", "county_officer", "370811")
    login(page, base, "kezhang")
    page.goto(f"{base}/people/{stay.person.pk}/")
    page.click("#merge-approve")
    page.wait_for_selector("#merged-banner")
    assert UnidentifiedRecord.objects.get(person=stay.person).merged_into is not None

    login(page, base, "zhanzhang")
    page.goto(f"{base}/vagrants/stay/{stay.pk}/")
    page.select_option("#exit-form select[name=kind]", "returned")
    page.fill("#exit-form input[name=note]", "其妻接回")
    page.click("#exit-form button")
    page.wait_for_selector("#stay-state >> text=已离站")
    stay.refresh_from_db()
    assert (stay.state, stay.exit_kind, stay.subject.name) == ("exited", "returned", "王建国")
    assert LedgerEntry.objects.get(person=stay.subject).region_code == VILLAGE
