"""Demo payee accounts: every demo payee without an active account gets a made-up one, in bulk (one
bulk_create, encrypted with core.crypto exactly like the people importer does, no per-person service
call). The numbers are synthetic (a fixed 6 + 18 pseudo-random digits) and belong to nobody."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.db.models import Min

from minzheng.audit.models import AuditEvent
from minzheng.audit.services import audit_record
from minzheng.benefits.models import Enrolment, PayeeAccount
from minzheng.benefits.services import account_number_fields
from minzheng.people.models import Person

DEMO_BANKS = (
    "中国农业银行济宁分行",
    "中国工商银行济宁分行",
    "中国邮政储蓄银行济宁市分行",
    "济宁农村商业银行",
    "中国建设银行济宁分行",
)


@transaction.atomic
def demo_payee_accounts_create(*, seed: int = 1, actor: Any = None, batch_size: int = 2000) -> int:
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, not a secret
    first_month = dict(
        Enrolment.objects.exclude(person__payee_accounts__active=True)
        .values("person_id")
        .annotate(first=Min("first_month"))
        .values_list("person_id", "first")
    )
    names = dict(Person.objects.filter(pk__in=list(first_month)).values_list("id", "name"))
    new: list[PayeeAccount] = []
    for person_id in sorted(first_month):
        number = "6" + "".join(str(rng.randrange(10)) for _ in range(18))
        new.append(
            PayeeAccount(
                person_id=person_id,
                bank_name=rng.choice(DEMO_BANKS),
                **account_number_fields(number),
                holder_name=names[person_id],
                valid_from=first_month[person_id],
                active=True,
            )
        )
    PayeeAccount.objects.bulk_create(new, batch_size=batch_size)
    audit_record(
        actor=actor,
        event_type=AuditEvent.IMPORT,
        target_type="payee_accounts",
        target_id="demo",
        detail=f"演示数据：登记收款账户{len(new)}个",
    )
    return len(new)
