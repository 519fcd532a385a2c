"""Demo data of the disability line: certified disabled persons of the demo township taken in by the
township clerk (xiangzhen) and decided by the township approver (shenpi) — most approved onto the two
subsidies' payroll, a few refused, a few still waiting — all through the line's services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model

from minzheng.benefits.models import Enrolment
from minzheng.disability import services
from minzheng.disability.models import Kind
from minzheng.people.models import Person

COUNT = 16
WAITING = 4


def seed(*, actor: Any, seed: int) -> str:
    users = get_user_model().objects
    clerk = users.filter(username="xiangzhen").first()
    approver = users.filter(username="shenpi").first()
    if clerk is None or approver is None or clerk.region is None:
        return "残疾人两项补贴：缺少演示账号，未生成"
    rng = random.Random(seed)  # noqa: S311 -- demo data, reproducible by seed
    people = list(
        Person.objects.filter(
            region_code__startswith=clerk.region.prefix, is_alive=True, id_hash__isnull=False
        ).order_by("id")[:2000]
    )
    dibao = set(
        Enrolment.objects.filter(person__in=people, programme="dibao", last_month__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    # dibao members first: the living subsidy is theirs; then others (the care subsidy alone)
    chosen = [p for p in people if p.pk in dibao][: COUNT // 2]
    others = [p for p in people if p.pk not in dibao and p.birth_date.year < 2005]
    chosen += rng.sample(others, min(len(others), COUNT - len(chosen)))
    approved = refused = 0
    for i, person in enumerate(chosen):
        app = services.application_intake(
            actor=clerk,
            person=person,
            certificate_no=person.id_number + f"{rng.randint(1, 7)}{rng.randint(1, 4)}",
            grade=rng.choice((1, 2, 2, 3, 4)),
            kind=rng.choice(Kind.values),
            issued_on=dt.date(2015 + rng.randint(0, 9), rng.randint(1, 12), rng.randint(1, 28)),
            household_dibao=person.pk in dibao,
            work_injury_care=rng.random() < 0.05,
        )
        if i < len(chosen) - WAITING:
            app = services.application_decide(actor=approver, application=app, note="材料齐全，同意")
            approved += app.status == "approved"
            refused += app.status == "rejected"
    waiting = len(chosen) - approved - refused
    return f"残疾人两项补贴：受理{len(chosen)}件，批准{approved}件，不予批准{refused}件，待审批{waiting}件"
