"""The walk: dudao's and ertongzhuren's 首页 to-dos must open real pages. With a finding in this month's
check, a guardianship follow-up due, a beneficiary not yet checked and an overdue protection case, every
link on each one's 首页 (to-do cards, their items, the navigation) opens."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.utils import timezone

from minzheng.accounts.models import Role
from minzheng.benefits.services import enrolment_create
from minzheng.casework.models import CaseEvent
from minzheng.children import services as svc
from minzheng.children.rules import GUARDIANSHIP_ITEMS
from minzheng.protection import services as protection
from tests.conftest import TOWN_A, VILLAGE_A


def _links(c: Client) -> set[str]:
    html = c.get("/").content.decode()
    hrefs = set(re.findall(r'href="(/[^"]*)"', html))
    return {h for h in hrefs if not h.startswith(("/static/", "/account/", "/logout"))}


def test_every_link_on_the_supervisors_and_the_directors_home_page_opens(make_user: Any, make_person: Any):
    today = timezone.localdate()
    month = today.replace(day=1)
    officer = make_user(Role.CHILD_WELFARE_OFFICER, VILLAGE_A[:6])
    supervisor = make_user(Role.CHILD_SUPERVISOR, TOWN_A)
    director = make_user(Role.CHILD_DIRECTOR, VILLAGE_A)
    for user, position in ((supervisor, "supervisor"), (director, "director")):
        appointed = dt.date(2024, 3, 1)
        svc.child_worker_appoint(actor=officer, user=user, position=position, appointed_on=appointed)
    kids = [make_person(birth=dt.date(2015, 4, 1 + i), name=f"核查儿童{i}") for i in range(2)]
    for kid in kids:
        enrolment_create(
            actor=None, programme="child", person=kid, household=None, amount=1540, first_month=month
        )
    svc.monthly_check_record(
        actor=director,
        person=kids[0],
        month=month,
        items={k: k != "schooling_ok" for k in svc.CHECK_ITEMS},
        note="本月旷课5天，已联系班主任",
    )
    file = svc.child_file_open(actor=director, person=kids[0], left_behind=False, in_difficulty=True)
    svc.guardianship_assess(
        actor=director,
        file=file,
        answers={code: True for code, _, _ in GUARDIANSHIP_ITEMS},
        assessed_on=today - dt.timedelta(days=200),
        follow_up_on=today - dt.timedelta(days=10),
        note="监护人年迈",
    )
    case = protection.case_report(
        actor=director, source="school", summary="班主任发现多处淤青", reported_on=today, child_id=kids[1].pk
    )
    CaseEvent.objects.filter(case_type="protection.protectioncase", case_id=case.pk).update(
        at=timezone.now() - dt.timedelta(days=10)
    )
    for user, must in (
        (supervisor, {f"/protection/{case.pk}/", f"/people/{kids[0].pk}/", f"/children/files/{kids[0].pk}/"}),
        (director, {f"/protection/{case.pk}/", f"/children/checks/{kids[1].pk}/"}),
    ):
        c = Client()
        c.force_login(user)
        links = _links(c)
        assert must <= links, (user.role, must - links)
        for href in sorted(links):
            assert c.get(href).status_code == 200, (user.role, href)
