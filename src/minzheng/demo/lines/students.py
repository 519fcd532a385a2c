"""Demo data of 大学生全程资助 in the demo township: students aged 18–22 of households the city pays dibao
or tekun, enrolled by the township clerk (schools of the region), this term checked for most of them (one
left school), this academic year decided by the county for some and approved by the county's finance for
a few (so the month's roll pays them)."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from minzheng.benefits.models import Enrolment
from minzheng.people.models import Membership
from minzheng.students import services as svc

SCHOOLS = [
    ("曲阜师范大学", "汉语言文学"),
    ("济宁学院", "数学与应用数学"),
    ("济宁医学院", "临床医学"),
    ("山东理工职业学院", "机电一体化技术"),
    ("济宁职业技术学院", "护理"),
    ("山东大学", "计算机科学与技术"),
]
WANTED = 10


def seed(*, actor: Any, seed: int) -> str:
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["xiangzhen", "xianji", "caiwu"])
    }
    clerk, county, finance = users.get("xiangzhen"), users.get("xianji"), users.get("caiwu")
    if clerk is None or county is None or finance is None or clerk.region is None:
        return "大学生全程资助：缺少演示账号，未生成"
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    month = today.replace(day=1)
    town = clerk.region.code
    paid = Enrolment.objects.filter(
        Q(last_month__isnull=True) | Q(last_month__gte=month),
        programme__in=svc.FAMILY_PROGRAMMES,
        first_month__lte=month,
        region_code__startswith=town,
    )
    households = paid.exclude(household__isnull=True).values("household_id")
    young = (
        Membership.objects.filter(end_date__isnull=True, household_id__in=households)
        .filter(person__is_alive=True, person__birth_date__year__range=(today.year - 22, today.year - 18))
        .select_related("person")
        .order_by("pk")[:WANTED]
    )
    year, _term = svc.academic_term(today)
    made = decided = approved = 0
    for i, m in enumerate(young):
        school, major = SCHOOLS[i % len(SCHOOLS)]
        entry = year - rng.randint(0, 2)
        try:
            s = svc.student_enrol(
                actor=clerk,
                person=m.person,
                school=school,
                major=major,
                entry_year=entry,
                graduation_year=entry + (5 if "医学" in school else 4 if "大学" in school else 3),
                student_number=f"{entry}{rng.randint(10000, 99999)}",
                on=today,
            )
        except ValidationError:
            continue
        made += 1
        if i == 3:
            svc.term_check_record(actor=clerk, student=s, finding="left", note="本人申请退学", on=today)
            continue
        if i % 3 != 2:
            svc.term_check_record(actor=clerk, student=s, finding="studying", note="学信网在籍", on=today)
        if i % 2 == 0:
            award = svc.award_propose(
                actor=county, student=s, academic_year=year, tuition_fee=rng.choice([4000, 5000, 6800, 9600])
            )
            decided += 1
            if i % 4 == 0:
                svc.award_approve(actor=finance, award=award, approve=True, note="同意", on=today)
                approved += 1
    if not made:
        return "大学生全程资助：演示乡镇没有低保、特困家庭的适龄学生，未生成"
    return f"大学生全程资助：登记学生{made}人，本学年决定{decided}人，已复核发放{approved}人"
