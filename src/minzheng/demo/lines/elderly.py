"""The elderly line's demo data, written through its services by the demo accounts that do the work:
the township clerk (xiangzhen) records living situations and assessments with the second clerk
(hedui), applies for the elderly subsidy for dibao/tekun elders, and the elderly officer (yanglao)
decides; a few Xiashan-style care shares and 任城 central-care costs."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.system import system_actor
from minzheng.benefits.models import Enrolment, PayrollLine
from minzheng.benefits.services import enrolment_create, payroll_freeze, payroll_generate
from minzheng.elderly import services
from minzheng.elderly.capability import PARTS
from minzheng.elderly.models import ElderProfile, LivingSituation
from minzheng.elderly.selectors import elder_registry
from minzheng.elderly.subsidy import CODE as SUBSIDY
from minzheng.people.models import Person
from minzheng.policy.selectors import policy_resolve

SITUATIONS = [s.value for s in LivingSituation]
# share of elders by situation (with family the most common)
WEIGHTS = [12, 20, 10, 3, 55]


def _capability(rng: random.Random, *, disabled: bool = False) -> dict[str, Any]:
    """A believable spread: most elders near full scores, some markedly less able (`disabled`: a dibao
    elder the village reported, mostly markedly less able)."""
    loss = rng.choice([0.5, 0.7, 0.9] if disabled else [0, 0, 0, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9])
    data: dict[str, Any] = {
        part: {code: max(0, hi - (hi if rng.random() < loss else 0)) for code, _n, hi in rows}
        for part, rows in PARTS.items()
    }
    data["diagnosis"] = rng.random() < 0.05
    data["coma"] = False
    data["risk_events_30d"] = {"fall": rng.choice([0, 0, 0, 1, 2])}
    return data


# A total that grades to each level (GB/T 42195-2022: ≥90, 66–89, 46–65, 30–45, <30), for demo elders
# whose level the other lines' stories need (a care-home resident, a 12349 client).
LEVEL_TOTALS = {0: 90, 1: 74, 2: 55, 3: 38, 4: 16}


def capability_for(level: int) -> dict[str, Any]:
    """A capability object that grades to `level`: points taken off from the first items on."""
    drop = 90 - LEVEL_TOTALS[level]
    data: dict[str, Any] = {}
    for part, rows in PARTS.items():
        data[part] = {}
        for code, _n, hi in rows:
            d = min(drop, hi)
            data[part][code] = hi - d
            drop -= d
    data.update(coma=False, diagnosis=False, risk_events_30d={})
    return data


def assess(*, person: Person, level: int, rng: random.Random) -> bool:
    """Record an assessment of `person` at `level` through the service, by the demo township clerk
    (xiangzhen) with the second assessor (hedui) — unless a current one is recorded. A level is never
    written anywhere else. False when the accounts are missing or the person is out of their scope."""
    from minzheng.elderly.levels import is_current, latest_assessment

    today = timezone.localdate()
    if is_current(latest_assessment(person, today), today):
        return True
    clerk = User.objects.filter(username="xiangzhen").first()
    second = User.objects.filter(username="hedui").first()
    if clerk is None or second is None:
        return False
    try:
        services.assessment_record(
            actor=clerk,
            person=person,
            second_assessor=second,
            capability=capability_for(level),
            assessed_on=today - dt.timedelta(days=rng.randint(45, 300)),
        )
    except ValidationError:
        return False
    return True


def _payroll(*, county_code: str, month: dt.date) -> str:
    """The county officer (xianji) generates the month's roll, the county finance officer (caiwu) checks
    and freezes it: the subsidies just granted are paid on it (make-and-check, two people)."""
    maker = User.objects.filter(username="xianji").first()
    checker = User.objects.filter(username="caiwu").first()
    if maker is None or checker is None:
        return "缺少县级或财务演示账号，未生成发放名册"
    try:
        run = payroll_generate(actor=maker, county_code=county_code, month=month)
        payroll_freeze(actor=checker, run=run)
    except ValidationError as e:
        return f"发放名册未生成：{'；'.join(e.messages)}"
    lines = PayrollLine.objects.filter(run=run, programme=SUBSIDY).count()
    return f"{month:%Y年%m月}发放名册已生成并审核（其中老年人补贴{lines}人）"


# The demo township's elders on tekun support: at least this many, so that the subsidy has someone to
# grant, someone waiting for the officer and someone a walker can apply for (a demo size, not a figure).
POOR_ELDERS = 8


def _poor_elders(
    town: str, *, born_by: dt.date, month: dt.date, today: dt.date, rng: random.Random
) -> list[Person]:
    """The township's dibao/tekun elders. The 10,000-person demo city is too sparse for one township to
    hold enough of them (the demo township had none), so the oldest elders there are carried over as
    existing tekun caseload (存量特困供养人员, as `enrolments_import` loads them) at the county's basic
    standard for the month — policy figures, never typed in."""
    active = Enrolment.objects.filter(programme__in=("dibao", "tekun"), first_month__lte=month).exclude(
        last_month__lt=month
    )
    people = Person.objects.filter(region_code__startswith=town, is_alive=True, birth_date__lte=born_by)
    found = list(people.filter(pk__in=active.values("person_id")).order_by("pk")[:12])
    system = system_actor(purpose="初始化演示环境：存量特困供养人员")
    for p in people.exclude(pk__in=active.values("person_id")).order_by("birth_date", "pk")[
        : max(POOR_ELDERS - len(found), 0)
    ]:
        ps = policy_resolve(on=month, region_code=p.region_code, hukou_type=p.hukou_type)
        amount = int(
            (Decimal(str(ps.get("dibao.standard"))) * Decimal(str(ps.get("tekun.basic_factor")))).quantize(
                Decimal(1)
            )
        )
        first = (month - dt.timedelta(days=rng.randint(40, 700))).replace(day=1)
        enrolment_create(
            actor=system, programme="tekun", person=p, household=None, amount=amount, first_month=first
        )
        found.append(p)
    return found


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
    # assessment → subsidy granted → on the month's payroll, and work left for a walker: the clerk
    # (xiangzhen) takes in, the elderly officer (yanglao) decides — never the same person.
    poor = _poor_elders(clerk.region.code, born_by=born_by, month=month, today=today, rng=rng)
    for p in poor:
        profile = ElderProfile.objects.filter(person=p).first()
        if profile is None or profile.capability_level is None:
            services.assessment_record(
                actor=clerk,
                person=p,
                second_assessor=second,
                capability=_capability(rng, disabled=True),
                assessed_on=today - dt.timedelta(days=rng.randint(0, 20)),
            )
            assessed += 1
    eligible = list(
        elder_registry(actor=clerk, on=today, candidates=True).filter(pk__in=[p.pk for p in poor])
    )
    # Work left for a walker: the last one or two stay eligible and unapplied (xiangzhen applies), one
    # before them waits for yanglao's decision; the others are granted and paid on this month's roll.
    n = len(eligible)
    keep = 2 if n >= 4 else min(n, 1)
    wait = 1 if n - keep >= 2 else 0
    for p in eligible[: n - keep - wait]:
        try:
            app = services.subsidy_apply(actor=clerk, person=p, note="演示：村里上报")
            app = services.subsidy_decide(actor=officer, application=app)
        except ValidationError:
            continue
        granted += app.status == "granted"
    pending = 0
    for p in eligible[n - keep - wait : n - keep]:
        with contextlib.suppress(ValidationError):
            services.subsidy_apply(actor=clerk, person=p, note="演示：待养老服务科审批")
            pending += 1
    paid = _payroll(county_code=clerk.region.code[:6], month=month)
    done = (
        f"登记居住状况{situations}人，能力评估{assessed}人，补贴批准{granted}人、待审批{pending}人、"
        f"符合条件待申请{keep}人，{paid}"
    )
    return f"老年人：{len(elders)}名老年人，{done}"
