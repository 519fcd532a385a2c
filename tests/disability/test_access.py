"""The access matrix of the disability pages (the shared table keys routes by `<…_id>`; these take
`<pk>`): another county's application answers every verb exactly like a missing one, and nothing leaks."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from minzheng.disability import services
from minzheng.disability.models import SubsidyApplication
from tests.conftest import TOWN_A

VERBS = ("get", "post", "put", "patch", "delete")
MISSING = 987654321
ROUTES = ("disability-detail", "disability-decide", "disability-letter")


def test_every_disability_route_answers_another_countys_ids_exactly_like_missing_ones(make_person, make_user):
    clerk_b = make_user("township_clerk", "370812001")
    approver_b = make_user("township_approver", "370812001")
    ids = []
    for i in range(3):
        p = make_person(village="370812001001")
        app = services.application_intake(
            actor=clerk_b,
            person=p,
            certificate_no=p.id_number + "21",
            grade=1 + i,
            kind="physical",
            issued_on=dt.date(2022, 1, 1),
            household_dibao=True,
        )
        if i:
            services.application_decide(actor=approver_b, application=app)
        ids.append(app.pk)
    for role in ("township_clerk", "township_approver", "county_officer"):
        c = Client()
        c.force_login(make_user(role, TOWN_A if role != "county_officer" else "370811"))
        for name in ROUTES:
            for pk in ids:
                for verb in VERBS:
                    got = getattr(c, verb)(reverse(name, args=[pk]))
                    ref = getattr(c, verb)(reverse(name, args=[MISSING]))
                    assert got.status_code == ref.status_code != 200, (role, name, verb)
                    if got.status_code == 404:
                        assert got.content == ref.content
    assert SubsidyApplication.objects.filter(status="submitted").count() == 1
