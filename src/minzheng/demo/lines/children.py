"""儿童福利 demo data: category cases of children in the child director's village, decided from the
parents' situations by the township (so they are on this month's payroll), two still waiting, and part
of this month's checks done. Written through the children services by the demo accounts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.children import services as svc
from minzheng.children.models import CategoryCase
from minzheng.people.models import Person

PLANS = [
    ({"situation": "dead"}, {"situation": "dead"}, ""),
    ({"situation": "imprisoned"}, {"situation": "lost_contact"}, ""),
    ({"situation": "dead"}, {"situation": "severe_disability"}, ""),
    ({"situation": "none"}, {"situation": "none"}, "key_difficult"),
    ({"situation": "drug_rehab"}, {"situation": "deported"}, ""),
    # paid from the charity fund (the payroll draws on it when the roll is checked): decided, not waiting
    ({"situation": "none"}, {"situation": "none"}, "guardianship_lacking"),
    ({"situation": "missing"}, {"situation": "imprisoned"}, ""),
    ({"situation": "dead"}, {"situation": "none"}, ""),
]
GUARDIANS = ["王秀兰", "李桂英", "张玉珍", "刘建国", "陈凤英"]
EVIDENCE = {
    "dead": ("死亡证明", "医院"),
    "missing": ("宣告失踪判决书", "人民法院"),
    "imprisoned": ("刑事判决书", "人民法院"),
    "lost_contact": ("查找不到的报案回执", "公安派出所"),
    "severe_disability": ("残疾人证", "残疾人联合会"),
    "drug_rehab": ("强制隔离戒毒决定书", "公安局"),
    "deported": ("遣送出境证明", "出入境管理部门"),
}


def _with_evidence(parent: dict[str, Any], rng: random.Random, n: int) -> dict[str, Any]:
    s = parent["situation"]
    if s == "none":
        return parent
    kind, issuer = EVIDENCE[s]
    return {
        **parent,
        "evidence_kind": kind,
        "evidence_number": f"{2020 + n % 5}-{rng.randint(1000, 9999)}",
        "evidence_date": dt.date(2020 + n % 5, 1 + n % 12, 1 + n % 27),
        "evidence_issuer": issuer,
    }


def seed(*, actor: Any, seed: int) -> str:
    if CategoryCase.objects.exists():
        return "儿童福利：演示数据已存在"
    users = {
        u.username: u
        for u in get_user_model()
        .objects.select_related("region")
        .filter(username__in=["xiangzhen", "shenpi", "ertongzhuren"])
    }
    if len(users) < 3:
        return "儿童福利：缺少演示账号，未生成"
    clerk, approver, director = users["xiangzhen"], users["shenpi"], users["ertongzhuren"]
    if director.region is None:
        return "儿童福利：儿童主任未绑定区划，未生成"
    rng = random.Random(seed)  # noqa: S311  demo data, not secrets
    today = timezone.localdate()
    # The director's village first; a small city has too few children there, the rest of the township
    # makes up the plan (the township supervisor's lists then have more than one village in them).
    village = director.region.code
    town = village[:9]
    young = sorted(
        Person.objects.filter(
            region_code__startswith=town,
            is_alive=True,
            birth_date__gt=today.replace(year=today.year - 17),
        ).order_by("pk")[:200],
        key=lambda p: (p.region_code != village, p.pk),
    )[: len(PLANS)]
    # A father for the registry's death (below): of working age and on no other line's roll, so the
    # other lines' demo data is untouched.
    adults = list(
        Person.objects.filter(
            region_code__startswith=town,
            is_alive=True,
            sex="M",
            birth_date__lt=today.replace(year=today.year - 30),
            birth_date__gt=today.replace(year=today.year - 50),
            enrolments__isnull=True,
        ).order_by("-pk")[:1]
    )
    decided = 0
    waiting = []
    for n, (child, (father, mother, declared)) in enumerate(zip(young, PLANS, strict=False)):
        linked = {"parent_person": adults[0]} if n == 1 and adults else {}
        case = svc.category_case_intake(
            actor=clerk,
            child=child,
            father={**_with_evidence(father, rng, n), **linked},
            mother=_with_evidence(mother, rng, n + 1),
            declared_category=declared,
            guardian_name=rng.choice(GUARDIANS),
        )
        if n >= len(PLANS) - 2:
            waiting.append(case)  # two wait: one to verify, one to decide
            continue
        svc.category_case_verify(actor=clerk, case=case)
        approved = svc.category_case_decide(actor=approver, case=case, on=today).approved
        if approved and n % 2 == 0 and child.region_code == director.region.code:
            # One check found something: the township supervisor has it to review with the director.
            found = n == 2
            svc.monthly_check_record(
                actor=director,
                person=child,
                month=today,
                items={k: not (found and k == "schooling_ok") for k in svc.CHECK_ITEMS},
                note="本月旷课5天，已联系班主任和监护人" if found else "见到儿童本人，生活学习正常",
            )
        decided += 1
    if waiting:
        svc.category_case_verify(actor=clerk, case=waiting[0])
    redecided = _redecisions(clerk=clerk, young=young, adults=adults, today=today)
    files = _files_and_workforce(director=director, young=list(young), rng=rng, today=today)
    return (
        f"儿童福利：{decided}件类别认定已决定，{len(waiting)}件在办；本月核查部分完成；{redecided}；{files}"
    )


def _redecisions(*, clerk: Any, young: list[Person], adults: list[Person], today: dt.date) -> str:
    """Two re-decisions: a mother's disability certificate revoked (a re-decision case opened for the
    township), and a father recorded as imprisoned whose death the people registry now holds (on the
    re-decision list, for the clerk to open and the supervisor to look at)."""
    from minzheng.people.services import person_record_death
    from minzheng.programmes.services import death_effects_apply

    opened = 0
    if len(young) > 2:
        try:
            svc.parent_change_record(
                actor=clerk,
                child=young[2],
                parent="mother",
                situation="none",
                evidence={
                    "evidence_kind": "残疾人证注销证明",
                    "evidence_number": f"CJ{today:%Y}-0317",
                    "evidence_date": today - dt.timedelta(days=10),
                    "evidence_issuer": "区残疾人联合会",
                },
            )
            opened = 1
        except ValidationError:
            opened = 0  # the plan's child was not decided (a small city): nothing to re-decide
    due = 0
    if len(young) > 1 and adults:
        died = today - dt.timedelta(days=5)
        person_record_death(actor=clerk, person=adults[0], death_date=died)
        death_effects_apply(actor=clerk, person=adults[0], died_on=died)  # services end with the death
        due = 1
    return f"重新认定{opened}件在办、{due}件待发起"


def _schooling(child: Person, today: dt.date) -> dict[str, str]:
    """School, grade and status as the child's age has them (school starts in September at six): none
    before three, kindergarten to six, then primary, junior and senior middle school."""
    from minzheng.assistance.rules import age_in_month

    born = child.birth_date or today
    # six by 31 August starts school that September; the grade is the count of Septembers since
    starts = born.year + (6 if born.month < 9 else 7)
    year = today.year - starts + (1 if today.month >= 9 else 0)
    if age_in_month(born, today) < 3:
        return {"school_name": "", "school_grade": "", "school_status": "preschool"}
    if year < 1:
        return {"school_name": "中心幼儿园", "school_grade": "", "school_status": "preschool"}
    for first, last, school, names in (
        (1, 6, "中心小学", ["一", "二", "三", "四", "五", "六"]),
        (7, 9, "第二中学", ["初一", "初二", "初三"]),
        (10, 12, "第一高级中学", ["高一", "高二", "高三"]),
    ):
        if first <= year <= last:
            grade = names[year - first]
            return {
                "school_name": school,
                "school_grade": f"{grade}年级" if school == "中心小学" else grade,
                "school_status": "enrolled",
            }
    return {"school_name": "第一高级中学", "school_grade": "", "school_status": "graduated"}


def _files_and_workforce(*, director: Any, young: list[Person], rng: random.Random, today: dt.date) -> str:
    """The director and the supervisor on the workforce roll, a file for each decided child and a
    left-behind child (guardian, school, an assessment, a visit, the 1+1+2+N pairing), a children's home
    with its activities."""
    from minzheng.children.rules import GUARDIANSHIP_ITEMS

    users = {
        u.username: u
        for u in get_user_model().objects.select_related("region").filter(username__in=["dudao", "ertong"])
    }
    officer, supervisor = users.get("ertong"), users.get("dudao")
    if officer is None:
        return "未找到儿童福利科账号，未生成档案与队伍"
    appointed = today.replace(year=today.year - 2, day=1)
    svc.child_worker_appoint(
        actor=officer, user=director, position="director", appointed_on=appointed, training_hours=24
    )
    if supervisor is not None and supervisor.region is not None and supervisor.region.level == "township":
        svc.child_worker_appoint(
            actor=officer, user=supervisor, position="supervisor", appointed_on=appointed, training_hours=40
        )
    n_files = 0
    for n, child in enumerate(young):
        decided = CategoryCase.objects.filter(child=child, decision__approved=True).exists()
        left_behind = child.hukou_type == "rural" and not decided
        if not (decided or left_behind) or child.region_code != director.region.code:
            continue  # a child of another village is on that village's director's roll
        f = svc.child_file_open(actor=director, person=child, left_behind=left_behind, in_difficulty=decided)
        svc.child_file_update(
            actor=director,
            file=f,
            # A decided child's file already names the guardian declared at intake (one record).
            values={
                **({} if f.guardian_name else {"guardian_name": rng.choice(GUARDIANS)}),
                "guardian_relation": "grandparent",
                **_schooling(child, today),
                "lead_unit": "县民政局儿童福利科",
                "social_worker": rng.choice(["李敏", "王磊", "赵静"]),
                "youth_volunteer": rng.choice(["张悦", "刘洋", "陈晨"]),
                "others": "包村干部、班主任",
            },
        )
        svc.file_director_assign(actor=director, file=f, director=director)
        answers = {code: rng.random() > 0.2 for code, _, _ in GUARDIANSHIP_ITEMS}
        assessed_on = today - dt.timedelta(days=20 + 10 * n)
        svc.guardianship_assess(
            actor=director,
            file=f,
            answers=answers,
            assessed_on=assessed_on,
            # Later children's follow-ups fall due already: the director's to-do has something in it.
            follow_up_on=assessed_on + dt.timedelta(days=200 - 25 * n),
            note="监护人年迈，需加强关爱帮扶",
        )
        svc.file_visit_record(
            actor=director,
            file=f,
            visited_on=today - dt.timedelta(days=n),
            kind="home",
            note="入户走访，生活学习正常",
        )
        n_files += 1
    home = svc.children_home_create(
        actor=officer,
        name=f"{director.region.name}儿童之家",
        region_code=director.region.code,
        address=f"{director.region.name}村委会院内",
        opened_on=today.replace(year=today.year - 3, month=6, day=1),
    )
    for k, title in enumerate(["暑期课业辅导", "安全自护教育", "亲情视频连线"]):
        svc.home_activity_record(
            actor=director,
            home=home,
            held_on=today - dt.timedelta(days=7 * (k + 1)),
            title=title,
            participants=8 + k * 3,
        )
    return f"{n_files}份儿童档案、儿童之家1处"
