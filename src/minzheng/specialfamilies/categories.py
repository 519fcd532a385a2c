"""The five categories of special-difficulty family members (淄博, seed 001), identified set-based: one
ORM query over the registry annotates every living person with the facts the categories read — the
current household's dibao/tekun enrolment or 低保边缘/支出型困难 recognition, the person's disability
certificate grade and recorded capability level, the child allowance, school — and each category is a
boolean expression over them. Never a loop over households."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from minzheng.benefits.models import Enrolment
from minzheng.children.models import ChildFile, SchoolStatus
from minzheng.children.rules import CODE as CHILD
from minzheng.disability.models import SubsidyApplication
from minzheng.elderly.levels import level_subquery
from minzheng.people.models import Membership, Person
from minzheng.policy.selectors import policy_resolve

from .models import HardshipHousehold, HardshipKind

DIBAO, TEKUN = "dibao", "tekun"

CATEGORIES: dict[int, str] = {
    1: "低保家庭失能人员",
    2: "特困供养人员",
    3: "低保边缘家庭中重度失能人员",
    4: "支出型困难家庭重度失能人员",
    5: "困难家庭在校生及孤儿、困境儿童在校生",
}
SEVERITY = {3: "重度失能", 2: "中度失能", 1: "轻度失能"}


def month_of(on: dt.date) -> dt.date:
    return on.replace(day=1)


def _active(month: dt.date) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(first_month__lte=month).filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month)
    )


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def annotated(on: dt.date) -> QuerySet[Any]:
    """Every living person with the flags c1…c5 (one per category), `severity` (3 severe, 2 moderate,
    1 mild, NULL none) and `hid` (the current household). School ages read the city's figures."""
    month = month_of(on)
    ps = policy_resolve(on=on, region_code="", hukou_type="")
    age_min = int(ps.get("specialfamilies.school_age_min"))
    age_max = int(ps.get("specialfamilies.school_age_max"))
    hid = Subquery(
        Membership.objects.filter(person=OuterRef("pk"), end_date__isnull=True).values("household_id")[:1]
    )
    active = _active(month)
    open_hardship = HardshipHousehold.objects.filter(
        household_id=OuterRef("hid"), recognised_on__lte=on
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    # a disability certificate's grade (the subsidy desk records it; a refused subsidy is still a card)
    grade = Subquery(
        SubsidyApplication.objects.filter(person=OuterRef("pk"), issued_on__lte=on)
        .order_by("grade")
        .values("grade")[:1]
    )
    files = ChildFile.objects.filter(person=OuterRef("pk"))
    school_age = Q(birth_date__lte=_years_before(on, age_min), birth_date__gt=_years_before(on, age_max))
    qs: QuerySet[Any] = (
        Person.objects.filter(is_alive=True)
        .annotate(hid=hid, cert_grade=grade, level=level_subquery(on))
        .annotate(
            in_dibao=Exists(active.filter(programme=DIBAO, household_id=OuterRef("hid"))),
            in_tekun=Exists(active.filter(programme=TEKUN, person_id=OuterRef("pk"))),
            tekun_home=Exists(active.filter(programme=TEKUN, household_id=OuterRef("hid"))),
            margin=Exists(open_hardship.filter(kind=HardshipKind.MARGIN)),
            expense=Exists(open_hardship.filter(kind=HardshipKind.EXPENSE)),
            child_cat=Exists(active.filter(programme=CHILD, person_id=OuterRef("pk"))),
            enrolled=Exists(files.filter(school_status=SchoolStatus.ENROLLED)),
            not_at_school=Exists(files.exclude(school_status__in=("", SchoolStatus.ENROLLED))),
        )
        .annotate(
            severity=Case(
                When(Q(cert_grade__in=(1, 2)) | Q(level__gte=3), then=Value(3)),
                When(Q(cert_grade=3) | Q(level=2), then=Value(2)),
                When(Q(cert_grade=4) | Q(level=1), then=Value(1)),
                default=None,
                output_field=IntegerField(),
            ),
            student=ExpressionWrapper(
                Q(enrolled=True) | (Q(not_at_school=False) & school_age), output_field=BooleanField()
            ),
        )
    )
    hard_home = Q(in_dibao=True) | Q(tekun_home=True) | Q(margin=True) | Q(expense=True)
    return qs.annotate(
        c1=ExpressionWrapper(Q(in_dibao=True, severity__isnull=False), output_field=BooleanField()),
        c2=ExpressionWrapper(Q(in_tekun=True), output_field=BooleanField()),
        c3=ExpressionWrapper(Q(margin=True, severity__gte=2), output_field=BooleanField()),
        c4=ExpressionWrapper(Q(expense=True, severity=3), output_field=BooleanField()),
        c5=ExpressionWrapper(Q(student=True) & (hard_home | Q(child_cat=True)), output_field=BooleanField()),
    )


def could_belong(person_id: int, on: dt.date) -> bool:
    """A cheap pre-check for one person (the person page): every category needs the current household's
    dibao, tekun, 低保边缘 or 支出型 recognition, or the person's own tekun or child allowance. Without any,
    `annotated` (a dozen subqueries, tens of milliseconds to build) cannot put the person in a category."""
    homes = Membership.objects.filter(person_id=person_id, end_date__isnull=True).values("household_id")
    on_roll = _active(month_of(on)).filter(
        Q(programme__in=(DIBAO, TEKUN), household_id__in=homes)
        | Q(programme__in=(TEKUN, CHILD), person_id=person_id)
    )
    recognised = HardshipHousehold.objects.filter(household_id__in=homes, recognised_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    )
    return on_roll.exists() or recognised.exists()


def any_category() -> Q:
    return Q(c1=True) | Q(c2=True) | Q(c3=True) | Q(c4=True) | Q(c5=True)


def category_filter(category: int) -> Q:
    return Q(**{f"c{category}": True})


def categories_of(row: Any) -> list[int]:
    """The category numbers an annotated row belongs to (reads the annotations; no query)."""
    return [n for n in CATEGORIES if getattr(row, f"c{n}", False)]
