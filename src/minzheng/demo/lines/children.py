"""儿童福利 demo data: category cases of children in the child director's village, decided from the
parents' situations by the township (so they are on this month's payroll), two still waiting, and part
of this month's checks done. Written through the children services by the demo accounts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
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
    ({"situation": "dead"}, {"situation": "none"}, ""),
    ({"situation": "missing"}, {"situation": "imprisoned"}, ""),
    ({"situation": "none"}, {"situation": "none"}, "guardianship_lacking"),
]
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
    young = Person.objects.filter(
        region_code__startswith=director.region.prefix,
        is_alive=True,
        birth_date__gt=today.replace(year=today.year - 17),
    ).order_by("pk")[: len(PLANS)]
    decided = 0
    waiting = []
    for n, (child, (father, mother, declared)) in enumerate(zip(young, PLANS, strict=False)):
        case = svc.category_case_intake(
            actor=clerk,
            child=child,
            father=_with_evidence(father, rng, n),
            mother=_with_evidence(mother, rng, n + 1),
            declared_category=declared,
            guardian_name=rng.choice(["祖母", "祖父", "外祖母", "叔叔", "姑姑"]),
        )
        if n >= len(PLANS) - 2:
            waiting.append(case)  # two wait: one to verify, one to decide
            continue
        svc.category_case_verify(actor=clerk, case=case)
        if svc.category_case_decide(actor=approver, case=case, on=today).approved and n % 2 == 0:
            svc.monthly_check_record(
                actor=director,
                person=child,
                month=today,
                items=dict.fromkeys(svc.CHECK_ITEMS, True),
                note="见到儿童本人，生活学习正常",
            )
        decided += 1
    if waiting:
        svc.category_case_verify(actor=clerk, case=waiting[0])
    return f"儿童福利：{decided}件类别认定已决定，{len(waiting)}件在办；本月核查部分完成"
