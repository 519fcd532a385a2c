"""Browser run of 村务公开: the village assistant (cunxieli) on a 390 px phone publishes the two items still
missing this month so the village's period is complete, then records a villager's question; the township
clerk assigns and answers it, the township approver closes it (销号), and the question shows answered on
the village's public list."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import login, staff

pytestmark = pytest.mark.e2e

VILLAGE = "370811001001"
TOWN = "370811001"


def test_the_village_completes_its_period_on_a_phone_and_a_villagers_question_is_answered_on_the_board(
    city: None, live_server: Any, browser_page: Any
) -> None:
    from django.utils import timezone

    from minzheng.regions.models import Region
    from minzheng.villageaffairs import services
    from minzheng.villageaffairs.models import CatalogueItem, Question
    from minzheng.villageaffairs.periods import due_q, period_of

    cadre = staff("cunxieli", "village_assistant", VILLAGE)
    staff("xiangzhen", "township_clerk", TOWN)
    staff("shenpi", "township_approver", TOWN)
    today = timezone.localdate()
    period = period_of(today)
    due = list(CatalogueItem.objects.filter(due_q(period)).order_by("order"))
    for item in due[:-2]:
        services.disclosure_publish(
            actor=cadre, region_code=VILLAGE, period=period, item=item, text="已公开", published_on=today
        )
    village = Region.objects.get(code=VILLAGE)
    base, page = live_server.url, browser_page

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "cunxieli")
    page.goto(f"{base}/villageaffairs/")
    page.wait_for_selector("#items")
    assert "还有 2 项未公开" in page.inner_text("#summary")
    for item in due[-2:]:
        page.locator("#items li", has_text=item.name).get_by_role("link", name="公开").click()
        form = page.locator("#publish-form")
        form.locator("textarea[name=text]").fill(f"{item.name}：本期明细张贴于村委会公开栏")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        form.get_by_role("button", name="公开").click()
        page.wait_for_selector("#items")
        assert "已公开" in page.locator("#items li", has_text=item.name).inner_text()
    assert "本期应公开事项已全部公开" in page.inner_text("#summary")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{base}/villageaffairs/questions/new/")
    form = page.locator("#question-form")
    form.locator("input[name=asker]").fill("王大爷")
    form.locator("textarea[name=text]").fill("村东头修路的钱是多少？")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    form.get_by_role("button", name="登记入台账").click()
    page.wait_for_selector("#question")
    question = Question.objects.get()
    assert page.locator("#act-assign").count() == 0  # the village records; the township handles

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, base, "xiangzhen")
    page.goto(f"{base}/villageaffairs/questions/")
    page.locator("#questions li", has_text="村东头修路的钱是多少？").get_by_role("link").first.click()
    page.fill("#act-assign input[name=assignee]", "村委会")
    page.click("#act-assign button")
    page.wait_for_selector("#act-answer")
    page.fill("#act-answer textarea[name=answer]", "修路工程造价8.2万元，合同已在公开栏公布")
    page.click("#act-answer button")
    page.wait_for_selector("#answer")

    login(page, base, "shenpi")
    page.goto(f"{base}/villageaffairs/questions/{question.pk}/")
    page.click("#act-close button")
    page.wait_for_selector(".messages")
    assert "已销号" in page.inner_text("h1")

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "cunxieli")
    page.goto(f"{base}/villageaffairs/village/{village.pk}/board/")
    answers = page.inner_text("#board-answers")
    assert "村东头修路的钱是多少？" in answers and "修路工程造价8.2万元" in answers
    assert "王大爷" not in answers  # the asker's name is not on the public list
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
