"""经济困难高龄、失能老年人补贴 (财社〔2014〕113号): the eligibility and the amount written ONCE, as SQL over
the canonical facts (enrolments, the population registry, the latest RECORDED capability assessment — never
the profile's copy of a level), like assistance/desk.py:
the decision evaluates it on one person at the desk, the registry on everyone (eligible but not granted).

Economically difficult = an active tekun or dibao enrolment in the month; then aged at least
high_age.start_age OR capability level at least elder_subsidy.min_level. The amount: the level's figure
for a disabled elder, the high-age figure otherwise; an elder who is both gets the higher (one subsidy)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest

from minzheng.assistance.rules import Policy, Test
from minzheng.benefits.models import Enrolment

from .capability import LEVEL_NAMES
from .levels import level_subquery

CODE = "elder_subsidy"
IDENTITY_PROGRAMMES = ("tekun", "dibao")  # the enrolments that make an elder economically difficult
IDENTITY_NAMES = {"tekun": "特困人员", "dibao": "低保对象", "none": "非低保特困对象"}
LEVEL_FIELD = "sub_level"  # annotated from the latest recorded assessment (levels.level_subquery)


@dataclass
class Decision:
    eligible: bool
    amount: int
    tier: str = ""  # what the payroll shows: 失能n级 or 高龄
    reasons: list[Test] = field(default_factory=list)
    identity: str = ""
    level: int | None = None


def _years_before(on: dt.date, n: int) -> dt.date:
    try:
        return on.replace(year=on.year - n)
    except ValueError:
        return on.replace(year=on.year - n, day=28)


def _month_end(on: dt.date) -> dt.date:
    nxt = (on.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def subsidy_facts(qs: QuerySet[Any], p: Policy, on: dt.date) -> QuerySet[Any]:
    """Annotate people with the rule's facts and outcome: `sub_identity`, `sub_old`, `sub_level`,
    `sub_disabled`, `sub_eligible`, `sub_amount`, `sub_tier` — one statement however many people."""
    month = on.replace(day=1)
    active = Enrolment.objects.filter(person=OuterRef("pk"), first_month__lte=month).filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month)
    )
    # 到龄: the age reached by the end of the month (as the high-age allowance counts it)
    old = Q(birth_date__lte=_years_before(_month_end(on), int(p("high_age.start_age"))))
    disabled = Q(**{f"{LEVEL_FIELD}__gte": int(p("elder_subsidy.min_level"))})
    level_amount = Case(
        *(When(**{LEVEL_FIELD: n}, then=Value(int(p(f"elder_subsidy.level{n}")))) for n in (2, 3, 4)),
        default=Value(0),
        output_field=IntegerField(),
    )
    high_age = Value(int(p("elder_subsidy.high_age")), output_field=IntegerField())
    return (
        qs.annotate(
            sub_level=level_subquery(on),
            sub_tekun=Exists(active.filter(programme="tekun")),
            sub_dibao=Exists(active.filter(programme="dibao")),
        )
        .annotate(
            sub_identity=Case(
                When(sub_tekun=True, then=Value("tekun")),
                When(sub_dibao=True, then=Value("dibao")),
                default=Value("none"),
                output_field=CharField(),
            ),
            sub_old=Case(When(old, then=Value(True)), default=Value(False), output_field=BooleanField()),
            sub_disabled=Case(
                When(disabled, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .annotate(
            sub_eligible=Case(
                When(
                    Q(sub_tekun=True) | Q(sub_dibao=True),
                    then=Case(
                        When(old | disabled, then=Value(True)),
                        default=Value(False),
                        output_field=BooleanField(),
                    ),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            sub_amount=Case(
                When(sub_eligible=False, then=Value(0)),
                When(old & disabled, then=Greatest(level_amount, high_age)),
                When(disabled, then=level_amount),
                default=high_age,
                output_field=IntegerField(),
            ),
        )
    )


def subsidy_decision(person: Any, p: Policy, on: dt.date) -> Decision:
    """The rule on one person at the desk: the outcome from `subsidy_facts`, the reasons told from the
    same row's facts."""
    row = subsidy_facts(type(person).objects.filter(pk=person.pk), p, on).get()
    start = int(p("high_age.start_age"))
    min_level = int(p("elder_subsidy.min_level"))
    identity = row.sub_identity
    level = row.sub_level
    level_text = "未评估" if level is None else f"{LEVEL_NAMES[level]}（{level}级）"
    tests = [
        Test(
            "identity",
            identity in IDENTITY_PROGRAMMES,
            f"困难身份：{IDENTITY_NAMES[identity]}"
            + ("" if identity != "none" else "（须为低保对象或特困人员）"),
        ),
        Test("age", row.sub_old, f"高龄：{'已' if row.sub_old else '未'}满{start}周岁"),
        Test(
            "capability", row.sub_disabled, f"能力等级{level_text}（失能补贴{LEVEL_NAMES[min_level]}及以上）"
        ),
    ]
    if not row.sub_eligible:
        return Decision(False, 0, reasons=tests, identity=identity, level=level)
    amount = int(row.sub_amount)
    level_amount = int(p(f"elder_subsidy.level{level}")) if row.sub_disabled else 0
    tier = f"失能{level}级" if row.sub_disabled and level_amount >= amount else "高龄"
    tests.append(Test("amount", True, f"按月补贴{amount}元（高龄与失能同时符合时取较高一档）"))
    return Decision(True, amount, tier, tests, identity, level)
