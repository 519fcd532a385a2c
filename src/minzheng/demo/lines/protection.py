"""Demo data of the minor-protection line: reports in several states (one with a missed risk-assessment
deadline on the 首页), and an adoption through to its certificate. Written through the line's services by
the demo accounts (ertongzhuren reports, ertong assesses and assigns, dudao supervises)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.casework.models import CaseEvent
from minzheng.core.idnumber import make_id_number
from minzheng.people.models import Person
from minzheng.protection import services


def seed(*, actor: Any, seed: int) -> str:
    users = {u.username: u for u in User.objects.filter(username__in=("ertongzhuren", "dudao", "ertong"))}
    if len(users) < 3:
        return "未成年人保护：缺少演示账号，跳过"
    director, supervisor, officer = users["ertongzhuren"], users["dudao"], users["ertong"]
    today = timezone.localdate()
    if director.region is None:
        return "未成年人保护：演示儿童主任无所在村，跳过"
    village = director.region.code
    town = supervisor.region.code if supervisor.region is not None else village[:9]
    # The director's village first, then the supervisor's township, then the rest of the county: a small
    # demo city has few school-age children in one township. Each report is filed by whoever serves the
    # child (the director in the village, the supervisor in the township, the county officer elsewhere),
    # and the township's cases are the supervisor's (assigned to him), the rest the officer's.
    kids = sorted(
        Person.objects.filter(
            region_code__startswith=village[:6],
            is_alive=True,
            birth_date__gt=today - dt.timedelta(days=17 * 365),
            birth_date__lte=today - dt.timedelta(days=6 * 366),
        )
        .exclude(id_hash=None)
        .order_by("id")[:400],
        key=lambda k: (k.region_code != village, not k.region_code.startswith(town), k.pk),
    )[:40]
    if len(kids) < 5:
        return "未成年人保护：演示区县学龄儿童不足，跳过"
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    ours = [k for k in kids if k.region_code == village]
    rng.shuffle(ours)
    kids = ours + [k for k in kids if k.region_code != village]
    reports = [
        ("school", "班主任发现该生手臂有多处淤青，自述被继父打伤", ["injury", "guardian_harm"]),
        ("hotline", "12345热线：邻居反映孩子长期独自在家，无人照料", ["neglect", "no_guardian"]),
        ("hospital", "医院接诊时发现儿童营养不良、旧伤未愈", ["injury", "neglect"]),
        ("police", "派出所通报：儿童父母均被羁押，无人监护", ["no_guardian"]),
        ("mandatory", "村委会强制报告：该生已辍学两个月", ["out_of_school"]),
    ]

    def reporter(child: Person) -> Any:
        if child.region_code == village:
            return director
        return supervisor if child.region_code.startswith(town) else officer

    cases = []
    for child, (source, summary, _) in zip(kids, reports, strict=False):
        cases.append(
            services.case_report(
                actor=reporter(child),
                source=source,
                summary=summary,
                reported_on=today,
                child_id=child.pk,
                reporter_name="王老师" if source == "school" else "",
                reporter_phone="0537" + f"{rng.randrange(10**7):07d}",
            )
        )
    handlers = {}
    for case in cases:
        ours_too = case.region_code.startswith(town)
        if ours_too and not case.assignments.filter(user=supervisor).exists():
            services.case_assign(actor=officer, case=case, user_id=supervisor.pk, duty="supervisor")
        handlers[case.pk] = supervisor if ours_too else officer
    for case, (_, _, items) in zip(cases[:4], reports, strict=False):
        services.case_assess(actor=handlers[case.pk], case=case, answers=items, note="经入户核实")
    for case in cases[:3]:
        services.case_conference(
            actor=handlers[case.pk],
            case=case,
            held_on=today,
            participants="儿童督导员、儿童主任、派出所民警、学校班主任",
            decisions="落实临时监护并转介相关部门",
        )
        services.case_plan(
            actor=officer,
            case=case,
            measures=[
                ("guardianship", "由区未成年人救助保护中心临时监护"),
                ("school", "学校安排心理老师跟进"),
            ],
        )
    for case in cases[:2]:
        services.case_follow_up(
            actor=handlers[case.pk], case=case, visited_on=today, note="儿童情绪稳定，已正常上学"
        )
    for m in cases[0].measures.all():
        services.measure_update(actor=handlers[cases[0].pk], case=cases[0], measure_id=m.pk, status="done")
    services.case_close(actor=officer, case=cases[0], note="监护人已履行监护职责，风险解除")
    # Demo only: the last report came in three days ago, so its missed deadline shows on the 首页.
    late = cases[-1]
    CaseEvent.objects.filter(case_type="protection.protectioncase", case_id=late.pk).update(
        at=timezone.now() - dt.timedelta(days=3)
    )
    type(late).objects.filter(pk=late.pk).update(reported_on=today - dt.timedelta(days=3))

    infants = list(
        Person.objects.filter(
            region_code__startswith="370811", birth_date__gt=today - dt.timedelta(days=6 * 366)
        )
        .exclude(id_hash=None)
        .exclude(pk__in=[k.pk for k in kids])
        .order_by("id")[:2]
    )
    adopted = 0
    for i, person in enumerate(infants):
        placeable = services.adoptable_child_add(
            actor=officer,
            person_id=person.pk,
            institution="任城区儿童福利院",
            since=today - dt.timedelta(days=200),
        )
        if i == 0:
            a = services.adoption_apply(
                actor=officer,
                child_id=placeable.pk,
                adopters="王刚、刘芳",
                # Demo adopters' numbers, made like every demo ID (valid check digit, 任城区 born 1988/1990).
                adopter_id_numbers=[
                    make_id_number("370811", dt.date(1988, 4, 12), 431, "M"),
                    make_id_number("370811", dt.date(1990, 9, 3), 432, "F"),
                ],
                adopter_address="任城区古槐街道某小区",
                applied_on=today,
            )
            a = services.adoption_assess(
                actor=officer,
                adoption=a,
                answers=["motive", "health", "income", "housing", "record", "family"],
                home_visit_on=today,
                home_visit_note="两居室，已布置儿童房，夫妻双方收入稳定",
            )
            a = services.adoption_register(actor=officer, adoption=a)
            services.adoption_certify(actor=officer, adoption=a)
            adopted += 1
    return f"未成年人保护：{len(cases)}件个案（结案、回访、方案、会商、超期待评估各一），收养登记{adopted}件"
