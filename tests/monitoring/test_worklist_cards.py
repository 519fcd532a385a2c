"""The village assistant's alert worklist on a phone (#20 walk, round 13): each alert is also a card with
the person, the masked ID, the rule in Chinese, the township and village, the status and the four actions
as buttons; the desk keeps the table. 所在地 reads township + village in both."""

from __future__ import annotations

import re

from django.test import Client

from minzheng.monitoring.models import Alert, RunStatus, ScreeningRun, WorkStatus
from minzheng.regions.models import Region
from tests.conftest import TOWN_A, VILLAGE_A


def _alert(run, hh, i=0):
    head = hh.memberships.get(relation="head").person
    return Alert.objects.create(
        run=run,
        month=run.month,
        rule=f"rule_{i}",
        rule_name="收入超标",
        severity="high",
        id_hash=f"{i:064d}",
        id_masked="3708**********0021",
        household_no=hh.number,
        person=head,
        household=hh,
        region_code=hh.region_code,
        evidence={},
        trend="new",
    )


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _cards(page: str) -> list[str]:
    start = page.index('<ul class="alert-cards"')
    return re.findall(r'<li class="alert-card" data-alert="\d+">.*?</li>', page[start:], flags=re.S)


def test_each_alert_is_a_card_with_name_masked_id_rule_place_status_and_actions(make_household, make_user):
    hh = make_household(village=VILLAGE_A, size=2)
    head = hh.memberships.get(relation="head").person
    run = ScreeningRun.objects.create(month="2026-10", status=RunStatus.PUBLISHED)
    _alert(run, hh)
    page = _client(make_user("township_clerk", TOWN_A)).get("/monitoring/").content.decode()
    (card,) = _cards(page)
    town, village = (Region.objects.get(code=c).name for c in (TOWN_A, VILLAGE_A))
    assert head.name in card and "3708**********0021" in card and "收入超标" in card
    assert f"{town} {village}" in card and "待处理" in card
    assert re.findall(r'<button type="submit" name="action" value="(\w+)">', card) == [
        "acknowledge",
        "open_case",
        "dismiss",
        "close",
    ]
    assert "worklist.css" in page and "style=" not in card  # styles from the static file (CSP)
    table = page[page.index('<table id="alerts">') :]
    assert f"<td>{town} {village}</td>" in table  # the desk's 区划 column reads township + village too


def test_a_cards_button_handles_the_alert(make_household, make_user):
    run = ScreeningRun.objects.create(month="2026-10", status=RunStatus.PUBLISHED)
    alert = _alert(run, make_household(size=2))
    c = _client(make_user("township_clerk", TOWN_A))
    r = c.post(f"/monitoring/{alert.pk}/handle/", {"action": "acknowledge", "note": ""}, follow=True)
    assert r.status_code == 200
    alert.refresh_from_db()
    assert alert.work_status == WorkStatus.ACKNOWLEDGED
    (card,) = _cards(c.get("/monitoring/?status=acknowledged").content.decode())
    assert "已签收" in card
