"""The 高龄津贴 panel of the person page concerns only people of age or enrolled."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minzheng.core.panels import person_panel_contexts
from minzheng.elderly.selectors import high_age_panel
from tests.conftest import TOWN_A


def test_the_high_age_panel_stays_off_the_page_of_a_young_person(make_person, make_user):
    clerk = make_user("township_clerk", TOWN_A)
    young = make_person(birth=dt.date(1990, 5, 1))
    assert high_age_panel(actor=clerk, person=young) is None
    titles = [panel.title for panel, _ in person_panel_contexts(actor=clerk, person=young)]
    assert "老年人" not in titles and "儿童基本生活保障" not in titles


def test_the_high_age_panel_shows_the_tier_a_person_of_85_earns(make_person, make_user):
    clerk = make_user("township_clerk", TOWN_A)
    today = timezone.localdate()
    old = make_person(birth=dt.date(today.year - 85, 1, 1))
    ctx = high_age_panel(actor=clerk, person=old)
    assert ctx is not None and ctx["tier"] == "tier80" and ctx["age"] == 85
    titles = [panel.title for panel, _ in person_panel_contexts(actor=clerk, person=old)]
    assert "老年人" in titles
