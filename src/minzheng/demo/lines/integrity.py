"""Demo data of 诚信救助 in the demo township: a few temporary-assistance applications of working-age
households with their signed integrity commitments, each checked against the current snapshot (核对);
declarations the 核对 contradicts become findings, with the waiting period the intake then enforces."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.assistance import services as assistance
from minzheng.integrity import services as svc
from minzheng.people.models import Membership
from minzheng.verification.services import verification_run

CASES = 4


def seed(*, actor: Any, seed: int) -> str:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["xiangzhen", "cunxieli"])}
    clerk, cadre = users.get("xiangzhen"), users.get("cunxieli")
    if clerk is None or cadre is None or clerk.region is None:
        return "诚信救助：缺少演示账号，未生成"
    today = timezone.localdate()
    heads = (
        Membership.objects.filter(
            end_date__isnull=True,
            relation="head",
            person__is_alive=True,
            household__region_code__startswith=cadre.region.code if cadre.region else clerk.region.code,
            person__birth_date__year__range=(today.year - 55, today.year - 25),
        )
        .select_related("person", "household")
        .order_by("-pk")[: CASES * 3]
    )
    made = 0
    for m in heads:
        if made >= CASES:
            break
        try:
            # Declared without any income: the 核对 shows what the departments know.
            app = assistance.application_create(
                actor=cadre,
                programme="temporary",
                household=m.household,
                applicant=m.person,
                declared={"members": [{"person_id": m.person_id}]},
                amount_requested=1500,
                emergency_kind="expense",
                emergency_description="家庭成员突发重病，医疗费用支出较大",
            )
            svc.commitment_record(actor=cadre, application=app, signed_on=today)
        except ValidationError:
            continue
        made += 1
        try:  # 受理 → 核对 as the desk does it; without a snapshot the case waits at 核对
            app = assistance.application_sign_authorisation(actor=cadre, application=app, signed_on=today)
            app = assistance.application_submit(actor=clerk, application=app)
            app = assistance.application_start_verification(actor=clerk, application=app)
            verification_run(actor=clerk, application=app)
        except ValidationError:
            continue
    found = svc.findings_detect(actor=clerk, on=today) if made else []
    return f"诚信救助：登记诚信承诺书{made}份，核对发现差异{len(found)}项，待申请人说明"
