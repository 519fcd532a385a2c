"""The elderly line's demo data, written through its services by the demo accounts that do the work:
the township clerk (xiangzhen) records living situations and assessments with the second clerk
(hedui), applies for the elderly subsidy for dibao/tekun elders, and the elderly officer (yanglao)
decides; a few Xiashan-style care shares and 任城 central-care costs."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.benefits.models import Enrolment
from minzheng.elderly import services
from minzheng.elderly.capability import PARTS
from minzheng.elderly.models import LivingSituation
from minzheng.people.models import Person

SITUATIONS = [s.value for s in LivingSituation]
# share of elders by situation (with family the most common)
WEIGHTS = [12, 20, 10, 3, 55]


def _capability(rng: random.Random) -> dict[str, Any]:
    """A believable spread: most elders near full scores, some markedly less able."""
    loss = rng.choice([0, 0, 0, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9])
    data: dict[str, Any] = {
        part: {code: max(0, hi - (hi if rng.random() < loss else 0)) for code, _n, hi in rows}
        for part, rows in PARTS.items()
    }
    data["diagnosis"] = rng.random() < 0.05
    data["coma"] = False
    data["risk_events_30d"] = {"fall": rng.choice([0, 0, 0, 1, 2])}
    return data


def seed(*, actor: Any, seed: int) -> str:
    rng = random.Random(seed)  # noqa: S311 — demo data, reproducible by seed
    clerk = User.objects.filter(username="xiangzhen").select_related("region").first()
    second = User.objects.filter(username="hedui").first()
    officer = User.objects.filter(username="yanglao").first()
    if clerk is None or second is None or officer is None or clerk.region is None:
        return "老年人：缺少演示账号，未生成数据"
    today = timezone.localdate()
    born_by = today.replace(year=today.year - 61)
    elders = list(
        Person.objects.filter(
            region_code__startswith=clerk.region.code, is_alive=True, birth_date__lte=born_by
        ).order_by("pk")[:400]
    )
    situations = assessed = granted = 0
    for p in elders:
        if rng.random() < 0.6:
            services.elder_situation_set(
                actor=clerk,
                person=p,
                living_situation=rng.choices(SITUATIONS, WEIGHTS)[0],
                children_nearby=rng.random() < 0.5,
            )
            situations += 1
    for p in elders[:: max(1, len(elders) // 60)][:60]:
        services.assessment_record(
            actor=clerk,
            person=p,
            second_assessor=second,
            capability=_capability(rng),
            assessed_on=today - dt.timedelta(days=rng.randint(0, 300)),
        )
        assessed += 1
    month = today.replace(day=1)
    poor = (
        Enrolment.objects.filter(person__in=elders, programme__in=("dibao", "tekun"), first_month__lte=month)
        .exclude(last_month__lt=month)
        .values_list("person_id", flat=True)
        .distinct()
    )
    for p in Person.objects.filter(pk__in=list(poor)[:12]):
        try:
            app = services.subsidy_apply(actor=clerk, person=p, note="演示：村里上报")
            app = services.subsidy_decide(actor=officer, application=app)
        except ValidationError:
            continue
        granted += app.status == "granted"
    if elders:
        with contextlib.suppress(ValidationError):
            services.subsidy_apply(actor=clerk, person=elders[-1], note="演示：待审批")
    done = f"登记居住状况{situations}人，能力评估{assessed}人，补贴批准{granted}人"
    return f"老年人：{len(elders)}名老年人，{done}"
